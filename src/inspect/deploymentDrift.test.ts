import type { Address } from 'viem'
import { describe, expect, it } from 'vitest'
import { type Deployment, deploymentDrift } from './deploymentDrift.js'
import type { AuthorityNode, ContractInspection, Inspection, LeverAccess, LeverConfirmation, LeverEffect, LeverKind } from './types.js'

const VAULT: Address = '0x0000000000000000000000000000000000000099'
const guardian: AuthorityNode = { kind: 'eoa', address: '0x00000000000000000000000000000000000000a1', label: 'guardian' }
const stranger: AuthorityNode = { kind: 'eoa', address: '0x00000000000000000000000000000000000000a3' }
const owners: Address[] = ['0x00000000000000000000000000000000000000e1', '0x00000000000000000000000000000000000000e2', '0x00000000000000000000000000000000000000e3']
const safe = (threshold: number, ownerCount = 3, address: Address = '0x00000000000000000000000000000000000000b1'): AuthorityNode => ({ kind: 'safe', address, owners: owners.slice(0, ownerCount), threshold })
const timelock = (minDelay: bigint, address: Address = '0x00000000000000000000000000000000000000c1'): AuthorityNode => ({ kind: 'timelock', address, minDelay, proposers: [], executors: [] })

const pauses: LeverEffect = {
  status: 'pauses',
  puller: guardian.address,
  args: [],
  evidence: [{ kind: 'getter', getter: { contract: 'vault', address: VAULT, signature: 'paused()', abi: { type: 'function', name: 'paused', stateMutability: 'view', inputs: [], outputs: [{ type: 'bool', name: '' }] } } }],
}

function lever(kind: LeverKind, signature: string, paths: AuthorityNode[][], extra: { confirmation?: LeverConfirmation; effect?: LeverEffect } = {}): LeverAccess {
  const holders = paths.map((nodes) => nodes.at(-1)?.address as Address)
  return {
    lever: { kind, signature, selector: '0x00000000', source: 'abi', contract: 'vault', address: VAULT, confirmation: extra.confirmation ?? { status: 'confirmed', holders, deniedTo: '0x0000000000000000000000000000000000000098', detail: 'simulated' } },
    paths: paths.map((nodes) => ({ nodes, timeToExecute: { seconds: 12, description: 'one transaction' } })),
    ...(kind === 'pause' ? { effect: extra.effect ?? pauses } : {}),
  }
}

const pauseBy = (...paths: AuthorityNode[][]) => lever('pause', 'pause()', paths)
const unpauseBy = (...paths: AuthorityNode[][]) => lever('unpause', 'unpause()', paths)

function deployment(chain: string, levers: LeverAccess[], { name = 'vault', chainTime = 1_000_000n, pauseWindows = {}, error }: { name?: string; chainTime?: bigint; pauseWindows?: Deployment['pauseWindows']; error?: string } = {}): Deployment {
  const contract: ContractInspection = { name, address: VAULT, proxy: { kind: 'none' }, levers: error ? [] : levers, ...(error ? { error } : {}) }
  const inspection: Inspection = { chainId: chain === 'mainnet' ? 1 : 42161, blockNumber: 100n, chainTime, contracts: [contract], findings: [] }
  return { chain, inspection, pauseWindows }
}

const kinds = (deployments: Deployment[]) => deploymentDrift(deployments).map((item) => `${item.severity}:${item.kind}`)

describe('deploymentDrift', () => {
  it('finds nothing when the contract is deployed alike on every chain', () => {
    const alike = () => [pauseBy([guardian]), unpauseBy([safe(2), timelock(172_800n)])]
    expect(deploymentDrift([deployment('mainnet', alike()), deployment('arbitrum', alike())])).toEqual([])
  })

  it('compares only contracts named on two chains or more', () => {
    expect(deploymentDrift([deployment('mainnet', [pauseBy([guardian])], { name: 'vault' }), deployment('arbitrum', [], { name: 'bridge' })])).toEqual([])
  })

  it('reports a pause lever pullable on one chain and not in the code on another, naming both chains', () => {
    const drift = deploymentDrift([deployment('mainnet', [pauseBy([guardian])]), deployment('arbitrum', [])])
    expect(drift).toEqual([
      expect.objectContaining({
        kind: 'lever-missing',
        severity: 'high',
        contract: 'vault',
        levers: [{ signature: 'pause()', kind: 'pause' }],
        values: [
          { chain: 'mainnet', value: 'pullable' },
          { chain: 'arbitrum', value: 'absent' },
        ],
      }),
    ])
    expect(drift[0]?.message).toBe('vault: pause() can be pulled on mainnet; not in the code on arbitrum')
  })

  it('counts a lever in the code that no known account can pull (its role renounced) as missing', () => {
    const renounced = lever('pause', 'pause()', [], { confirmation: { status: 'unconfirmed', detail: 'no candidate could call it' }, effect: { status: 'untested', detail: 'no holder' } })
    const drift = deploymentDrift([deployment('mainnet', [pauseBy([guardian])]), deployment('arbitrum', [renounced])])
    expect(drift.map((item) => [item.kind, item.message])).toEqual([['lever-missing', 'vault: pause() can be pulled on mainnet; in the code but no known account can pull it on arbitrum']])
  })

  it('gives levers missing alike on one chain in one item, naming each', () => {
    const drift = deploymentDrift([deployment('mainnet', [pauseBy([guardian]), unpauseBy([guardian])]), deployment('arbitrum', [])])
    expect(drift).toHaveLength(1)
    expect(drift[0]?.message).toBe('vault: pause(), unpause() can be pulled on mainnet; not in the code on arbitrum')
  })

  it('reports a lever held by another account on one chain, with both addresses', () => {
    const drift = deploymentDrift([deployment('mainnet', [pauseBy([guardian])]), deployment('arbitrum', [pauseBy([stranger])])])
    expect(drift.map((item) => item.kind)).toEqual(['holders'])
    expect(drift[0]?.message).toBe(`vault: pause() held by other accounts on each chain: EOA guardian ${guardian.address} on mainnet; EOA ${stranger.address} on arbitrum`)
  })

  it('matches accounts by their manifest name: a Safe limited to a chain sits at another address there', () => {
    const onMainnet: AuthorityNode = { ...safe(2), label: 'ops' }
    const onArbitrum: AuthorityNode = { ...safe(2, 3, '0x00000000000000000000000000000000000000b2'), label: 'ops' }
    expect(deploymentDrift([deployment('mainnet', [pauseBy([onMainnet])]), deployment('arbitrum', [pauseBy([onArbitrum])])])).toEqual([])
  })

  it('says when a lever goes through a Safe and a timelock on one chain and to an EOA on the other', () => {
    const drift = deploymentDrift([deployment('mainnet', [unpauseBy([safe(2), timelock(172_800n)])]), deployment('arbitrum', [unpauseBy([stranger])])])
    expect(drift.map((item) => item.kind)).toEqual(['holder-kind'])
    expect(drift[0]?.message).toBe(
      `vault: unpause() held through another kind of authority on each chain: Safe ${safe(2).address} → timelock ${timelock(0n).address} on mainnet; EOA ${stranger.address} on arbitrum`,
    )
  })

  it('says when a lever anyone may pull on one chain is guarded on the other', () => {
    const open = lever('unpause', 'unpause()', [], { confirmation: { status: 'unguarded', detail: 'anyone' } })
    expect(kinds([deployment('mainnet', [unpauseBy([guardian])]), deployment('arbitrum', [open])])).toEqual(['medium:holder-kind'])
  })

  it('reports the same timelock waiting another delay on each chain, with both delays', () => {
    const drift = deploymentDrift([deployment('mainnet', [unpauseBy([safe(2), timelock(172_800n)])]), deployment('arbitrum', [unpauseBy([safe(2), timelock(86_400n)])])])
    expect(drift.map((item) => item.kind)).toEqual(['timelock-delay'])
    expect(drift[0]?.values.map((value) => value.value)).toEqual([[expect.objectContaining({ minDelay: 172_800n })], [expect.objectContaining({ minDelay: 86_400n })]])
    expect(drift[0]?.message).toBe(`vault: unpause() wait another timelock delay on each chain: 2-day timelock ${timelock(0n).address} on mainnet; 1-day timelock ${timelock(0n).address} on arbitrum`)
  })

  it('rates a pause behind a longer delay on one chain as high', () => {
    expect(kinds([deployment('mainnet', [pauseBy([safe(2), timelock(3_600n)])]), deployment('arbitrum', [pauseBy([safe(2), timelock(7_200n)])])])).toEqual(['high:timelock-delay'])
  })

  it("reports a Safe's threshold or owner count differing between chains", () => {
    expect(deploymentDrift([deployment('mainnet', [unpauseBy([safe(2)])]), deployment('arbitrum', [unpauseBy([safe(1)])])]).map((item) => item.message)).toEqual([
      `vault: unpause() need another Safe quorum on each chain: 2-of-3 Safe ${safe(2).address} on mainnet; 1-of-3 Safe ${safe(1).address} on arbitrum`,
    ])
    expect(kinds([deployment('mainnet', [unpauseBy([safe(2, 3)])]), deployment('arbitrum', [unpauseBy([safe(2, 2)])])])).toEqual(['medium:safe-signers'])
  })

  it('reports a pause window expired on one chain and open on the other, by each chain\'s time', () => {
    const windows = (endsAt: bigint) => ({ vault: { endsAt } })
    const drift = deploymentDrift([
      deployment('mainnet', [pauseBy([guardian])], { chainTime: 2_000_000_000n, pauseWindows: windows(1_900_000_000n) }),
      // The same end, on a chain whose clock is earlier (a fork, a chain that started later): still open there.
      deployment('arbitrum', [pauseBy([guardian])], { chainTime: 1_800_000_000n, pauseWindows: windows(1_900_000_000n) }),
    ])
    expect(drift.map((item) => `${item.severity}:${item.kind}`)).toEqual(['high:pause-window'])
    expect(drift[0]?.message).toBe("vault's pause window: EXPIRED at 2030-03-17T17:46:40.000Z (can no longer be paused) on mainnet; open until 2030-03-17T17:46:40.000Z (~1157.4 d left) on arbitrum")
  })

  it('reports a pause window closing within the warning on one chain only, and nothing when both are open', () => {
    const at = (endsAt: bigint) => ({ chainTime: 1_000_000n, pauseWindows: { vault: { endsAt } } })
    expect(kinds([deployment('mainnet', [], at(1_000_000n + 3_600n)), deployment('arbitrum', [], at(1_000_000n + 90n * 86_400n))])).toEqual(['medium:pause-window'])
    expect(kinds([deployment('mainnet', [], at(1_000_000n + 30n * 86_400n)), deployment('arbitrum', [], at(1_000_000n + 90n * 86_400n))])).toEqual([])
    expect(deploymentDrift([deployment('mainnet', [], at(1_000_000n + 3_600n)), deployment('arbitrum', [], at(1_000_000n + 90n * 86_400n))], { closingWithinSeconds: 60n })).toEqual([])
  })

  it('reports an expired window on one chain against a contract without any window on the other', () => {
    expect(kinds([deployment('mainnet', [], { pauseWindows: { vault: { endsAt: 1n } } }), deployment('arbitrum', [])])).toEqual(['high:pause-window'])
  })

  it('reports a pause that pauses on one chain and reverts or does nothing on another, with what each chain said', () => {
    const reverted = lever('pause', 'pause()', [[guardian]], { effect: { status: 'reverted', puller: guardian.address, args: [], detail: 'PauseWindowExpired(1700000000)' } })
    const noEffect = lever('pause', 'pause()', [[guardian]], { effect: { status: 'no-effect', puller: guardian.address, args: [], detail: 'no paused getter turned true' } })
    const drift = deploymentDrift([deployment('mainnet', [pauseBy([guardian])]), deployment('arbitrum', [reverted]), deployment('base', [noEffect])])
    expect(drift.map((item) => `${item.severity}:${item.kind}`)).toEqual(['high:pause-effect'])
    expect(drift[0]?.message).toBe('vault: pause() pauses on some chains and not on others: pauses (paused() turns true) on mainnet; CANNOT BE PULLED (PauseWindowExpired(1700000000)) on arbitrum; DOES NOT PAUSE (no paused getter turned true) on base')
  })

  it('says a contract is paused on one chain and runs on another', () => {
    const paused = lever('pause', 'pause()', [[guardian]], { effect: { status: 'already-paused', args: [], evidence: [] } })
    expect(deploymentDrift([deployment('mainnet', [paused]), deployment('arbitrum', [pauseBy([guardian])])]).map((item) => item.message)).toEqual(['vault is paused on mainnet and runs on arbitrum'])
  })

  it('leaves a chain where the contract could not be read out of the comparison, and says so', () => {
    const drift = deploymentDrift([deployment('mainnet', [pauseBy([guardian])]), deployment('arbitrum', [], { error: 'no code at 0x…99' })])
    expect(drift.map((item) => [item.kind, item.message])).toEqual([['unreadable', 'vault could not be read on arbitrum: its deployments are not compared']])
  })

  it('orders drift worst first', () => {
    const drift = deploymentDrift([
      deployment('mainnet', [pauseBy([guardian]), unpauseBy([guardian])], { pauseWindows: { vault: { endsAt: 1n } } }),
      deployment('arbitrum', [unpauseBy([stranger])]),
    ])
    expect(drift.map((item) => `${item.severity}:${item.kind}`)).toEqual(['high:lever-missing', 'high:pause-window', 'medium:holders'])
  })
})
