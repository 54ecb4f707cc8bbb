import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type Hex, encodeFunctionData, getAddress, keccak256, toHex } from 'viem'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { useDrillProtocol } from '../../test/fixtures/localChain.js'
import { type Attack, drainCalldata, runAttack } from '../drill/scenario.js'
import { runPhase } from '../engine/runPhase.js'
import { viewFunction } from '../engine/plan.js'
import { Journal } from '../journal/journal.js'
import { buildUpgradePlan } from './buildUpgradePlan.js'
import { StorageLayoutConflictError, assertStorageCompatible, checkStorageLayout } from './checkStorageLayout.js'
import { IMPLEMENTATION_SLOT, slotValueOf } from './proxySlots.js'
import { AttackTransactionNotFoundError, readAttackTransactions } from '../attack/readAttackTransactions.js'
import { type ReplayAttackParameters, replayAttack } from './replayAttack.js'

const unit = 10n ** 18n

// Replays fork the chain before the attack block, so the one test that writes (the upgrade) cannot
// disturb them: no snapshots.
const drill = useDrillProtocol({ snapshotEachTest: false })
const { actors } = drill
let attack: Attack
let scratch: string

beforeAll(async () => {
  attack = await runAttack(drill.chain, drill.artifacts, drill.protocol, actors)
  scratch = mkdtempSync(join(tmpdir(), 'firebreak-eradicate-'))
})

afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true })
})

function initializeV2(): Hex {
  return encodeFunctionData({ abi: drill.artifacts.get('DrillVaultV2').abi, functionName: 'initializeV2' })
}

/** Each user withdraws 1 dUSD of their own: what the fixed vault must still serve. */
function ownWithdrawals() {
  return actors.users.map((user) => ({
    description: `${user.name} withdraws 1 dUSD from their own position`,
    from: user.account.address,
    to: drill.protocol.vault.address,
    data: encodeFunctionData({ abi: drill.protocol.vault.abi, functionName: 'withdraw', args: [unit, user.account.address, user.account.address] }),
  }))
}

/** The replay of the drill's real attack against DrillVaultV2; tests override what they change. */
function replayOf(overrides: Partial<ReplayAttackParameters> = {}): ReplayAttackParameters {
  return {
    forkUrl: drill.anvil.rpcUrl,
    attackBlock: attack.blockNumber,
    attack: [{ from: attack.from, to: attack.to, data: attack.data }],
    proxy: drill.protocol.vault,
    implementation: drill.artifacts.get('DrillVaultV2'),
    initData: initializeV2(),
    upgrader: actors.admin.address,
    asset: drill.protocol.token.address,
    normalOperations: ownWithdrawals(),
    ...overrides,
  }
}

describe('the drill attack', () => {
  it('took the three largest deposits, 95,000 dUSD', () => {
    expect(attack.stolen).toBe(95_000n * unit)
    expect(attack.victims).toEqual(actors.users.slice(0, 3).map((user) => user.account.address))
  })
})

describe('replayAttack', () => {
  it('passes DrillVaultV2: the attack takes 95,000 dUSD before the fix and reverts for want of allowance after it', async () => {
    const result = await replayAttack(replayOf())

    expect(result.forkBlock).toBe(attack.blockNumber - 1n)
    expect(result.unpatched).toEqual({ reverted: false, revert: undefined, extracted: attack.stolen, victimLoss: attack.stolen, attackerGain: attack.stolen })
    expect(result.patched.reverted).toBe(true)
    expect(result.patched.extracted).toBe(0n)
    expect(result.patched.revert).toContain('ERC20InsufficientAllowance')
    expect(result.normalOperations).toEqual(actors.users.map((user) => ({ description: `${user.name} withdraws 1 dUSD from their own position`, ok: true, revert: undefined })))
    expect(result.passed).toBe(true)
    expect(result.verdict).toMatch(new RegExp(`^the attack took ${attack.stolen} before the fix and now reverts with ERC20InsufficientAllowance\\(`))
  })

  it('fails a "fix" that is DrillVaultV1 again: the attack still extracts the same amount', async () => {
    const result = await replayAttack(replayOf({ implementation: drill.artifacts.get('DrillVaultV1'), initData: '0x' }))

    expect(result.passed).toBe(false)
    expect(result.patched).toEqual({ reverted: false, revert: undefined, extracted: 95_000n * unit, victimLoss: 95_000n * unit, attackerGain: 95_000n * unit })
    expect(result.verdict).toBe(`the attack still extracts ${95_000n * unit} against the new implementation`)
  })

  it('fails a replay that does not reproduce the attack (it drains an account holding no shares)', async () => {
    const data = drainCalldata(drill.artifacts, drill.protocol, [actors.treasury.address])

    const result = await replayAttack(replayOf({ attack: [{ from: attack.from, to: attack.to, data }] }))

    expect(result.passed).toBe(false)
    expect(result.unpatched.extracted).toBe(0n)
    expect(result.verdict).toBe('the replay does not reproduce the attack on the unpatched code (nothing extracted), so it cannot prove the fix')
  })

  it('fails a fix under which a normal operation reverts, naming the operation', async () => {
    const dave = actors.users[3]
    if (!dave) throw new Error('the drill has no fourth user')
    const overdraw = {
      description: 'dave withdraws 10,000 dUSD from a 5,000 dUSD position',
      from: dave.account.address,
      to: drill.protocol.vault.address,
      data: encodeFunctionData({ abi: drill.protocol.vault.abi, functionName: 'withdraw', args: [10_000n * unit, dave.account.address, dave.account.address] }),
    }

    const result = await replayAttack(replayOf({ normalOperations: [...ownWithdrawals(), overdraw] }))

    expect(result.patched.reverted).toBe(true)
    expect(result.passed).toBe(false)
    expect(result.normalOperations.at(-1)).toMatchObject({ description: overdraw.description, ok: false })
    expect(result.normalOperations.at(-1)?.revert).toMatch(/^ERC4626ExceededMaxWithdraw\(/)
    expect(result.verdict).toMatch(/^the fix breaks a normal operation: dave withdraws 10,000 dUSD from a 5,000 dUSD position \(ERC4626ExceededMaxWithdraw\(/)
  })
})

describe('checkStorageLayout', () => {
  it('accepts DrillVaultV1 → DrillVaultV2, which only appends fixVersion', () => {
    const result = checkStorageLayout(drill.artifacts.get('DrillVaultV1'), drill.artifacts.get('DrillVaultV2'))

    expect(result).toEqual({ from: 'DrillVaultV1', to: 'DrillVaultV2', compatible: true, conflicts: [], appended: ['fixVersion'] })
    expect(() => assertStorageCompatible(result)).not.toThrow()
  })

  it('refuses DrillVaultV2 → DrillVaultV1, naming fixVersion and its slot', () => {
    const result = checkStorageLayout(drill.artifacts.get('DrillVaultV2'), drill.artifacts.get('DrillVaultV1'))

    expect(result.compatible).toBe(false)
    expect(result.conflicts).toMatchObject([{ kind: 'removed', label: 'fixVersion', slot: '1', offset: 0 }])
    expect(() => assertStorageCompatible(result)).toThrow(StorageLayoutConflictError)
    expect(() => assertStorageCompatible(result)).toThrow('upgrade from DrillVaultV2 to DrillVaultV1 refused: fixVersion (slot 1, offset 0) was removed or displaced')
  })
})

describe('buildUpgradePlan through the phase runner', () => {
  it('upgrades the proxy to DrillVaultV2 at the CREATE2 address the plan predicted, with fixVersion 1', async () => {
    const v2 = drill.artifacts.get('DrillVaultV2')
    const journal = Journal.open(join(scratch, 'incident'))
    const plan = buildUpgradePlan({
      proxy: drill.protocol.vault,
      implementation: v2,
      initData: initializeV2(),
      authority: { kind: 'key', address: actors.admin.address, label: 'governance' },
      checks: [{ kind: 'read', description: 'vault.fixVersion() is 1', address: drill.protocol.vault.address, abi: viewFunction(v2.abi, 'fixVersion'), args: [], expect: 1n }],
    })
    expect(await drill.chain.public.getStorageAt({ address: drill.protocol.vault.address, slot: IMPLEMENTATION_SLOT })).toBe(slotValueOf(drill.protocol.implementationV1))

    const outcome = await runPhase({ journal, accounts: [actors.admin], build: async () => ({ chain: drill.chain, plan }) })

    expect(outcome.simulation.ok).toBe(true)
    expect(outcome.steps.map((step) => [step.stepId, step.status])).toEqual([
      ['deploy-DrillVaultV2', 'done'],
      ['upgrade-vault', 'done'],
    ])
    expect(await drill.chain.public.getStorageAt({ address: drill.protocol.vault.address, slot: IMPLEMENTATION_SLOT })).toBe(slotValueOf(plan.implementationAddress))
    expect(await drill.chain.public.readContract({ address: drill.protocol.vault.address, abi: v2.abi, functionName: 'fixVersion' })).toBe(1n)
    expect(journal.entries().map((entry) => entry.type).at(-1)).toBe('plan.done')
  })
})

describe('the replay gate from the attack transaction hash', () => {
  it('reads the attack back from the chain and passes DrillVaultV2 with it', async () => {
    const fromChain = await readAttackTransactions(drill.chain, [attack.txHash])

    expect(fromChain.attackBlock).toBe(attack.blockNumber)
    expect(fromChain.attack).toEqual([{ from: getAddress(attack.from), to: getAddress(attack.to), data: attack.data, value: 0n }])
    const result = await replayAttack(replayOf({ attackBlock: fromChain.attackBlock, attack: fromChain.attack, preceding: fromChain.preceding }))
    expect(result.passed).toBe(true)
    expect(result.unpatched.extracted).toBe(attack.stolen)
  })

  it('refuses a hash that is not on the chain, before any fork starts', async () => {
    const unknown = keccak256(toHex('not an attack'))

    const error = await readAttackTransactions(drill.chain, [unknown]).catch((caught: unknown) => caught)

    expect(error).toBeInstanceOf(AttackTransactionNotFoundError)
    expect((error as AttackTransactionNotFoundError).shortMessage).toBe(`attack transaction ${unknown} is not on chain 31337 (unknown hash): check the hash and the RPC URL's network`)
  })
})
