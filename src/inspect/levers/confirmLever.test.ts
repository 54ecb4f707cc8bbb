import { join } from 'node:path'
import { type Abi, type Address, toFunctionSelector } from 'viem'
import { beforeAll, describe, expect, it } from 'vitest'
import { useDrillProtocol } from '../../../test/fixtures/localChain.js'
import { deployContract } from '../../chain/deploy.js'
import { connect, startAnvil } from '../../chain/index.js'
import { packageRoot } from '../../packageRoot.js'
import type { Artifacts } from '../../solidity/artifacts.js'
import { compileContracts } from '../../solidity/compile.js'
import type { LeverFunction, LeverKind } from '../types.js'
import { confirmLever } from './confirmLever.js'

const drill = useDrillProtocol()
const { admin, guardian, attacker } = drill.actors
let fixtures: Artifacts
let guarded: { address: Address; abi: Abi }
let unguarded: { address: Address; abi: Abi }

beforeAll(async () => {
  fixtures = (await compileContracts({ sourcesDir: join(packageRoot, 'test', 'contracts', 'levers') })).artifacts
  const guardedArtifact = fixtures.get('GuardedLevers')
  guarded = { address: await deployContract(drill.chain, admin, guardedArtifact, [admin.address, guardian.address]), abi: guardedArtifact.abi }
  const unguardedArtifact = fixtures.get('UnguardedPause')
  unguarded = { address: await deployContract(drill.chain, admin, unguardedArtifact), abi: unguardedArtifact.abi }
})

function lever(signature: string, kind: LeverKind, source: LeverFunction['source'] = 'abi'): LeverFunction {
  return { signature, selector: toFunctionSelector(signature), kind, source }
}

const team = () => [admin.address, guardian.address]

/** confirmLever on the drill vault, with its ABI, from `candidates` (the team by default). */
const onVault = (leverFunction: LeverFunction, candidates = team()) =>
  confirmLever(drill.chain, { address: drill.protocol.vault.address, lever: leverFunction, abi: drill.protocol.vault.abi, candidates })

describe('confirmLever on the drill vault', () => {
  it("confirms the pause as the guardian's alone, refused to an unrelated address", async () => {
    const confirmation = await onVault(lever('pause()', 'pause'))
    expect(confirmation.status).toBe('confirmed')
    if (confirmation.status !== 'confirmed') return
    expect(confirmation.holders).toEqual([guardian.address])
    expect(team()).not.toContain(confirmation.deniedTo)
    expect(confirmation.detail).toContain('AccessControlUnauthorizedAccount')
  })

  it("confirms the unpause as the admin's alone: the admin passes the role check and stops on ExpectedPause", async () => {
    const confirmation = await onVault(lever('unpause()', 'unpause'))
    expect(confirmation).toMatchObject({ status: 'confirmed', holders: [admin.address] })
    expect(confirmation.detail).toContain('ExpectedPause()')
  })

  it("confirms upgradeToAndCall as the admin's: _authorizeUpgrade passes, then the implementation check refuses the argument", async () => {
    const confirmation = await onVault(lever('upgradeToAndCall(address,bytes)', 'upgrade'))
    expect(confirmation).toMatchObject({ status: 'confirmed', holders: [admin.address] })
    expect(confirmation.detail).toContain('ERC1967InvalidImplementation')
  })

  it("confirms the deposit cap as the admin's, without the ABI, from the selector's signature alone", async () => {
    const confirmation = await confirmLever(drill.chain, {
      address: drill.protocol.vault.address,
      lever: lever('setDepositCap(uint256)', 'limit', 'bytecode'),
      candidates: [...team(), attacker.address],
    })
    expect(confirmation).toMatchObject({ status: 'confirmed', holders: [admin.address] })
  })

  it('still finds the guardian while the vault is already paused: it passes the role check and stops on EnforcedPause', async () => {
    await drill.chain.public.waitForTransactionReceipt({
      hash: await drill.chain.wallet(guardian).writeContract({ ...drill.protocol.vault, functionName: 'pause' } as never),
    })
    const confirmation = await onVault(lever('pause()', 'pause'))
    expect(confirmation).toMatchObject({ status: 'confirmed', holders: [guardian.address] })
    expect(confirmation.detail).toContain('EnforcedPause()')
  })

  it('leaves the pause unconfirmed when no candidate holds it', async () => {
    const confirmation = await onVault(lever('pause()', 'pause'), [admin.address, attacker.address])
    expect(confirmation.status).toBe('unconfirmed')
    expect(confirmation.detail).toContain('no candidate passes the access check')
  })

  it('marks renounceRole self-service: it only ever removes the caller’s own role, so anyone may call it', async () => {
    const confirmation = await onVault(lever('renounceRole(bytes32,address)', 'revoke'))
    expect(confirmation.status).toBe('self-service')
    expect(confirmation.detail).toContain("caller's own role")
  })

  it('says to call the proxy when the upgrade is simulated on the implementation itself', async () => {
    const confirmation = await confirmLever(drill.chain, {
      address: drill.protocol.implementationV1,
      lever: lever('upgradeToAndCall(address,bytes)', 'upgrade'),
      abi: drill.protocol.vault.abi,
      candidates: team(),
    })
    expect(confirmation.status).toBe('unconfirmed')
    expect(confirmation.detail).toContain('UUPSUnauthorizedCallContext')
    expect(confirmation.detail).toContain('through its proxy')
  })
})

describe('confirmLever on contracts guarded other ways', () => {
  it('reports a pause anyone can call as unguarded', async () => {
    const confirmation = await confirmLever(drill.chain, {
      address: unguarded.address,
      lever: lever('pause()', 'pause'),
      abi: unguarded.abi,
      candidates: team(),
    })
    expect(confirmation.status).toBe('unguarded')
  })

  it("confirms a pause guarded by a custom error as the guardian's", async () => {
    const confirmation = await confirmLever(drill.chain, {
      address: guarded.address,
      lever: lever('pauseDeposits()', 'pause'),
      abi: guarded.abi,
      candidates: team(),
    })
    expect(confirmation).toMatchObject({ status: 'confirmed', holders: [guardian.address] })
    expect(confirmation.detail).toContain('NotGuardian()')
  })

  it('confirms the same pause without the ABI, the guardian getting further than a stranger refused with an error nobody can name', async () => {
    const confirmation = await confirmLever(drill.chain, {
      address: guarded.address,
      lever: lever('pauseDeposits()', 'pause', 'bytecode'),
      candidates: team(),
    })
    expect(confirmation).toMatchObject({ status: 'confirmed', holders: [guardian.address] })
    expect(confirmation.detail).toContain(`unknown error ${toFunctionSelector('NotGuardian()')}`)
  })

  it("confirms a per-feature pause(bool,bool,bool,bool,bool) guarded by a revert string, without an ABI", async () => {
    const confirmation = await confirmLever(drill.chain, {
      address: guarded.address,
      lever: lever('pause(bool,bool,bool,bool,bool)', 'pause', 'bytecode'),
      candidates: team(),
    })
    expect(confirmation).toMatchObject({ status: 'confirmed', holders: [guardian.address] })
    expect(confirmation.detail).toContain('!guardian')
  })

  it('confirms a limit behind a bare require: the owner gets further (to "limit: zero") than a stranger’s empty revert', async () => {
    const confirmation = await confirmLever(drill.chain, {
      address: guarded.address,
      lever: lever('setWithdrawalLimit(uint256)', 'limit'),
      abi: guarded.abi,
      candidates: team(),
    })
    expect(confirmation).toMatchObject({ status: 'confirmed', holders: [admin.address] })
    expect(confirmation.detail).toContain('limit: zero')
  })

  it("confirms a sweep as the owner's, though the owner's call then fails on its argument", async () => {
    const confirmation = await confirmLever(drill.chain, {
      address: guarded.address,
      lever: lever('sweep(address)', 'rescue'),
      abi: guarded.abi,
      candidates: team(),
    })
    expect(confirmation).toMatchObject({ status: 'confirmed', holders: [admin.address] })
  })

  it('leaves a lever unconfirmed when a state check stops every caller before the access check', async () => {
    const confirmation = await confirmLever(drill.chain, {
      address: guarded.address,
      lever: lever('unpauseDeposits()', 'unpause'),
      abi: guarded.abi,
      candidates: team(),
    })
    expect(confirmation.status).toBe('unconfirmed')
    expect(confirmation.detail).toContain('deposits not paused')
    expect(confirmation.detail).toContain('every caller')
  })
})

describe('confirmLever against a node that is gone', () => {
  it('throws rather than report the lever unconfirmed', async () => {
    const anvil = await startAnvil()
    const chain = await connect(anvil.rpcUrl)
    await anvil.stop()
    await expect(
      confirmLever(chain, { address: unguarded.address, lever: lever('pause()', 'pause'), candidates: team() }),
    ).rejects.toThrow(/HTTP request failed/)
  })
})
