import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type Abi, type Address, bytesToHex, encodeFunctionData, keccak256, toFunctionSelector, toHex } from 'viem'
import { mnemonicToAccount } from 'viem/accounts'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ANVIL_MNEMONIC } from '../src/chain/index.js'
import { deployContract } from '../src/chain/deploy.js'
import { runContainment } from '../src/contain/runContainment.js'
import { SimulationFailedError } from '../src/engine/errors.js'
import { decodeRevert } from '../src/chain/revert.js'
import { type Incident, openIncident } from '../src/journal/index.js'
import { loadManifest } from '../src/manifest/index.js'
import { useDrillProtocol } from './fixtures/localChain.js'
import { TWO_DAYS, compileAuthorityFixtures, deployGovernedTarget } from './fixtures/authorities.js'
import { compileContainFixtures, deployGuardedFleet, guardVault } from './fixtures/guardian.js'
import { writeTestManifest } from './fixtures/manifest.js'

const drill = useDrillProtocol()
const { actors } = drill

let dir: string
let incident: Incident

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'firebreak-contain-'))
  incident = openIncident({ root: join(dir, 'incidents'), id: 'test-incident' })
})

afterEach(() => {
  rmSync(dir, { recursive: true, force: true })
})

function drillManifest(extra: { playbooks?: Record<string, unknown> } = {}) {
  const { vault, token } = drill.protocol
  return loadManifest(
    writeTestManifest(dir, {
      rpcUrl: drill.anvil.rpcUrl,
      contracts: [vault, token],
      authorities: [
        { name: 'guardian', type: 'eoa', address: actors.guardian.address, keyEnv: 'FIREBREAK_TEST_GUARDIAN_KEY' },
        { name: 'governance', type: 'eoa', address: actors.admin.address },
      ],
      ...extra,
    }),
  )
}

function vaultPaused(): Promise<boolean> {
  return drill.chain.public.readContract({ ...drill.protocol.vault, functionName: 'paused' }) as Promise<boolean>
}

function journalTypes(): string[] {
  return incident.journal.entries().map((entry) => entry.type)
}

describe('contain pause-all on the drill protocol', () => {
  it('pauses the vault with the guardian key, after simulating on a fork, and verifies paused() on chain', async () => {
    const outcome = await runContainment({ manifest: drillManifest(), playbook: 'pause-all', incident, accounts: [actors.guardian] })

    expect(outcome.status).toBe('contained')
    expect(outcome.plan.steps.map((step) => step.actions.map((action) => action.decoded.text))).toEqual([['vault.pause()']])
    expect(outcome.plan.steps[0]!.authority).toMatchObject({ kind: 'key', label: 'guardian', address: actors.guardian.address })
    expect(outcome.skipped).toEqual([{ contract: 'dUSD', reason: expect.stringContaining('no pause lever') }])
    expect(await vaultPaused()).toBe(true)
    expect(journalTypes()).toEqual(expect.arrayContaining(['contain.started', 'contain.planned', 'plan.built', 'plan.simulated', 'step.sent', 'step.verified', 'step.done', 'plan.done', 'contain.finished']))
  })

  it('changes nothing on the real chain with --dry-run, and journals the simulation', async () => {
    const blockBefore = await drill.chain.public.getBlockNumber({ cacheTime: 0 })
    const nonceBefore = await drill.chain.public.getTransactionCount({ address: actors.guardian.address })

    const outcome = await runContainment({ manifest: drillManifest(), playbook: 'pause-all', incident, accounts: [actors.guardian], dryRun: true })

    expect(outcome.status).toBe('dry-run')
    expect(outcome.simulation?.ok).toBe(true)
    expect(await vaultPaused()).toBe(false)
    expect(await drill.chain.public.getBlockNumber({ cacheTime: 0 })).toBe(blockBefore)
    expect(await drill.chain.public.getTransactionCount({ address: actors.guardian.address })).toBe(nonceBefore)
    expect(journalTypes()).not.toContain('step.sent')
    expect(incident.journal.entries().at(-1)).toMatchObject({ type: 'contain.finished', data: { status: 'dry-run' } })
  })

  it('says there is nothing to do when the vault is already paused', async () => {
    await drill.chain.wallet(actors.guardian).writeContract({ ...drill.protocol.vault, functionName: 'pause' } as never)

    const outcome = await runContainment({ manifest: drillManifest(), playbook: 'pause-all', incident, accounts: [actors.guardian] })

    expect(outcome.status).toBe('nothing-to-do')
    expect(outcome.skipped).toContainEqual({ contract: 'vault', reason: 'already paused: vault.paused() reads true' })
  })

  it('does not call a manifest with nothing pausable contained', async () => {
    const tokenOnly = loadManifest(writeTestManifest(dir, { rpcUrl: drill.anvil.rpcUrl, contracts: [drill.protocol.token] }))

    const outcome = await runContainment({ manifest: tokenOnly, playbook: 'pause-all', incident })

    expect(outcome.status).toBe('exposed')
    expect(outcome.exposed).toEqual([{ contract: 'all', reason: expect.stringContaining('nothing here can be paused') }])
  })

  it('refuses a key that belongs to another account before anything is sent', async () => {
    const nonceBefore = await drill.chain.public.getTransactionCount({ address: actors.attacker.address })
    process.env.FIREBREAK_TEST_GUARDIAN_KEY = attackerKey()
    try {
      const error = await runContainment({ manifest: drillManifest(), playbook: 'pause-all', incident }).catch((caught: unknown) => caught)
      expect((error as Error).message).toContain(`holds the key of ${actors.attacker.address}, not of guardian`)
    } finally {
      delete process.env.FIREBREAK_TEST_GUARDIAN_KEY
    }
    expect(await vaultPaused()).toBe(false)
    expect(await drill.chain.public.getTransactionCount({ address: actors.attacker.address })).toBe(nonceBefore)
    expect(journalTypes()).not.toContain('step.sent')
  })

  it('refuses, before sending, when the only key given belongs to an account without the pause role', async () => {
    const { vault } = drill.protocol
    const manifest = loadManifest(
      writeTestManifest(dir, {
        rpcUrl: drill.anvil.rpcUrl,
        contracts: [vault],
        authorities: [{ name: 'intern', type: 'eoa', address: actors.attacker.address, keyEnv: 'FIREBREAK_TEST_INTERN_KEY' }],
      }),
    )

    const error = await runContainment({ manifest, playbook: 'pause-all', incident, accounts: [actors.attacker] }).catch((caught: unknown) => caught)

    expect((error as Error).message).toContain(`no key for ${actors.guardian.address.slice(0, 6)}`)
    expect(await vaultPaused()).toBe(false)
    expect(journalTypes()).not.toContain('step.sent')
    expect(incident.journal.entries().slice(-2)).toMatchObject([{ type: 'plan.failed', data: { stage: 'prepare' } }, { type: 'contain.failed' }])
  })

  it('names the playbook step when it names a function the contract does not have', async () => {
    const manifest = drillManifest({ playbooks: { freeze: { steps: [{ limit: { contract: 'vault', function: 'setDepositCapp', args: [0] } }] } } })

    const error = await runContainment({ manifest, playbook: 'freeze', incident, accounts: [actors.guardian] }).catch((caught: unknown) => caught)

    expect((error as Error).message).toMatch(/firebreak\.yaml: playbooks\.freeze\.steps\[0\]\.limit\.function: expected a function of vault, got "setDepositCapp" \(did you mean "setDepositCap"\?\)/)
  })

  it('lowers the deposit cap through the authority that holds it, and checks the new cap on chain', async () => {
    const manifest = drillManifest({ playbooks: { freeze: { steps: [{ limit: { contract: 'vault', function: 'setDepositCap', args: [0] } }] } } })

    const outcome = await runContainment({ manifest, playbook: 'freeze', incident, accounts: [actors.admin] })

    expect(outcome.status).toBe('contained')
    expect(outcome.plan.steps[0]!.authority).toMatchObject({ kind: 'key', label: 'governance' })
    expect(outcome.plan.steps[0]!.postconditions.map((check) => check.description)).toEqual(['vault.depositCap() is 0'])
    expect(await drill.chain.public.readContract({ ...drill.protocol.vault, functionName: 'depositCap' })).toBe(0n)
  })
})

/** anvil's development key of the drill's attacker: public, and never the guardian's. */
function attackerKey(): string {
  return bytesToHex(mnemonicToAccount(ANVIL_MNEMONIC, { addressIndex: 3 }).getHdKey().privateKey!)
}

describe('contain pause-all through an EmergencyGuardian', () => {
  it('pauses the vault and three markets in one transaction from one guardian key', async () => {
    const fleet = await deployGuardedFleet(drill.chain, { admin: actors.admin, guardianKey: actors.guardian.address, count: 3, artifacts: drill.artifacts })
    await guardVault(drill.chain, actors.admin, drill.protocol.vault, fleet, actors.guardian.address)
    const manifest = loadManifest(
      writeTestManifest(dir, {
        rpcUrl: drill.anvil.rpcUrl,
        contracts: [drill.protocol.vault, ...fleet.targets, fleet.guardian],
        authorities: [{ name: 'guardian-key', type: 'eoa', address: actors.guardian.address, keyEnv: 'FIREBREAK_TEST_GUARDIAN_KEY' }],
      }),
    )

    const outcome = await runContainment({ manifest, playbook: 'pause-all', incident, accounts: [actors.guardian] })

    expect(outcome.status).toBe('contained')
    expect(outcome.plan.steps).toHaveLength(1)
    expect(outcome.plan.steps[0]!.actions.map((action) => action.decoded.functionName)).toEqual(['pause'])
    expect(outcome.plan.steps[0]!.authority).toMatchObject({ kind: 'key', label: 'guardian-key' })
    expect(outcome.skipped).toContainEqual({ contract: 'guardian', reason: expect.stringContaining('a guardian') })
    const [step] = outcome.steps
    for (const target of [drill.protocol.vault, ...fleet.targets]) {
      expect(await drill.chain.public.readContract({ address: target.address, abi: drill.protocol.vault.abi, functionName: 'paused' })).toBe(true)
    }
    expect(step?.checks.filter((check) => check.passed)).toHaveLength(4)
  })
})

describe('contain pause-all behind a timelock', () => {
  it('reports the timelock path with the delay read from the chain, and simulates schedule and execution', async () => {
    const governed = await deployGovernedTarget(drill.chain, await compileAuthorityFixtures())
    const manifest = loadManifest(
      writeTestManifest(dir, {
        rpcUrl: drill.anvil.rpcUrl,
        contracts: [{ name: 'lending', address: governed.target }],
        authorities: [
          { name: 'council', type: 'safe', address: governed.safe },
          { name: 'governance-timelock', type: 'timelock', address: governed.timelock },
        ],
      }),
    )

    const outcome = await runContainment({ manifest, playbook: 'pause-all', incident, dryRun: true })

    expect(outcome.status).toBe('dry-run')
    expect(outcome.simulation?.ok).toBe(true)
    expect(outcome.notes).toEqual([expect.stringMatching(/^SLOW: pause lending must wait for timelock governance-timelock: a 2-day delay \(172800 s, read from its getMinDelay\(\)\)/)])
    expect(outcome.plan.steps.map((step) => [step.id, step.authority.kind, step.authority.label])).toEqual([
      ['schedule-timelock-governance-timelock', 'safe', 'council'],
      ['timelock-governance-timelock', 'safe', 'council'],
    ])
    expect(outcome.plan.steps[1]!.after?.seconds).toBe(TWO_DAYS)
  })
})

describe('contain playbooks that restrict rather than pause', () => {
  async function protectedVault() {
    const artifact = (await compileContainFixtures()).get('ProtectedVault')
    const address = await deployContract(drill.chain, actors.admin, artifact, [drill.protocol.token.address, actors.admin.address, actors.guardian.address])
    return { name: 'market', address, abi: artifact.abi }
  }

  function restrictManifest(market: { name: string; address: Address; abi: Abi }, steps: unknown[]) {
    return loadManifest(
      writeTestManifest(dir, {
        rpcUrl: drill.anvil.rpcUrl,
        contracts: [market, drill.protocol.vault],
        authorities: [
          { name: 'guardian', type: 'eoa', address: actors.guardian.address, keyEnv: 'FIREBREAK_TEST_GUARDIAN_KEY' },
          { name: 'governance', type: 'eoa', address: actors.admin.address, keyEnv: 'FIREBREAK_TEST_GOVERNANCE_KEY' },
        ],
        playbooks: { restrict: { steps } },
      }),
    )
  }

  it('switches off one function with the guardian key: withdraw reverts FunctionDisabled, deposit still works', async () => {
    const market = await protectedVault()
    const manifest = restrictManifest(market, [{ disable: { contract: 'market', function: 'withdraw' } }])

    const outcome = await runContainment({ manifest, playbook: 'restrict', incident, accounts: [actors.guardian] })

    expect(outcome.status).toBe('contained')
    expect(outcome.plan.steps.map((step) => [step.authority.label, step.actions[0]!.decoded.text])).toEqual([['guardian', `market.disableFunction(${toFunctionSelector('withdraw(uint256)')})`]])
    const withdraw = encodeFunctionData({ abi: market.abi, functionName: 'withdraw', args: [1n] })
    const error = await drill.chain.public.call({ account: actors.admin.address, to: market.address, data: withdraw }).catch((caught: unknown) => caught)
    expect(decodeRevert(error, [market.abi]).text).toBe(`FunctionDisabled(${toFunctionSelector('withdraw(uint256)')})`)
    expect(await drill.chain.public.readContract({ ...market, functionName: 'isFunctionEnabled', args: [toFunctionSelector('deposit(uint256)')] })).toBe(true)
  })

  it('stops before sending anything when a step reverts on the fork, with the decoded reason', async () => {
    const market = await protectedVault()
    const manifest = restrictManifest(market, [{ limit: { contract: 'market', function: 'setOutflowLimit', args: [drill.protocol.token.address, 100, 0] } }])
    const nonceBefore = await drill.chain.public.getTransactionCount({ address: actors.guardian.address })

    const error = await runContainment({ manifest, playbook: 'restrict', incident, accounts: [actors.guardian] }).catch((caught: unknown) => caught)

    expect(error).toBeInstanceOf(SimulationFailedError)
    expect((error as SimulationFailedError).shortMessage).toContain('reverts on a fork: InvalidWindow()')
    expect(await drill.chain.public.getTransactionCount({ address: actors.guardian.address })).toBe(nonceBefore)
    expect(journalTypes()).not.toContain('step.sent')
  })

  it("revokes a compromised key's role through governance, verified by hasRole on chain", async () => {
    const role = keccak256(toHex('PAUSER_ROLE'))
    const market = await protectedVault()
    const manifest = restrictManifest(market, [{ revoke: { contract: 'vault', role: 'PAUSER_ROLE', account: actors.guardian.address } }])

    const outcome = await runContainment({ manifest, playbook: 'restrict', incident, accounts: [actors.admin] })

    expect(outcome.status).toBe('contained')
    expect(outcome.plan.steps[0]!.authority).toMatchObject({ label: 'governance' })
    expect(await drill.chain.public.readContract({ ...drill.protocol.vault, functionName: 'hasRole', args: [role, actors.guardian.address] })).toBe(false)
  })
})
