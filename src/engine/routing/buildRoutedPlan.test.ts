import { type Address, parseAbi, zeroAddress } from 'viem'
import { describe, expect, it } from 'vitest'
import { CANONICAL_MULTI_SEND_CALL_ONLY } from '../executors/safe/abi.js'
import { type Check, type ContractRef, viewFunction } from '../plan.js'
import { stepDependencies } from '../stepOrder.js'
import type { AuthorityNode, AuthorityPath } from '../../inspect/types.js'
import type { ManifestAuthority } from '../../manifest/types.js'
import { type RoutedCall, buildRoutedPlan } from './buildRoutedPlan.js'

const pausable = parseAbi(['function pause()', 'function paused() view returns (bool)'])
const guardianKey: Address = '0x1000000000000000000000000000000000000001'
const councilSafe: Address = '0x3000000000000000000000000000000000000003'
const governanceTimelock: Address = '0x5000000000000000000000000000000000000005'
const owners: Address[] = ['0xA000000000000000000000000000000000000001', '0xA000000000000000000000000000000000000002', '0xA000000000000000000000000000000000000003']
const TWO_DAYS = 172_800n

const team: ManifestAuthority[] = [
  { name: 'guardian', type: 'eoa', address: guardianKey, keyEnv: 'GUARDIAN_KEY' },
  { name: 'council', type: 'safe', address: councilSafe },
]

const eoa: AuthorityNode = { kind: 'eoa', address: guardianKey }
const safe: AuthorityNode = { kind: 'safe', address: councilSafe, owners, threshold: 2 }
const timelock: AuthorityNode = { kind: 'timelock', address: governanceTimelock, label: 'governance', minDelay: TWO_DAYS, proposers: [councilSafe], executors: [zeroAddress] }

const byKey: AuthorityPath = { nodes: [eoa], timeToExecute: { seconds: 12, description: 'one block' } }
const bySafe: AuthorityPath = { nodes: [safe], timeToExecute: { seconds: 3_600, description: '2-of-3 Safe (signature collection)' } }
const byTimelock: AuthorityPath = { nodes: [safe, timelock], timeToExecute: { seconds: 3_600 + 172_800, description: '2-of-3 Safe + 2-day timelock' } }

function pauseCall(name: string, address: Address, path: AuthorityPath): RoutedCall {
  const contract: ContractRef = { name, address, abi: pausable }
  const paused: Check = { kind: 'read', description: `${name}.paused() is true`, address, abi: viewFunction(pausable, 'paused'), args: [], expect: true }
  return { contract, functionName: 'pause', args: [], title: `pause ${name}`, paths: [path], postconditions: [paused], isPause: true }
}

const vault = pauseCall('vault', '0x6000000000000000000000000000000000000006', byKey)
const market = pauseCall('market', '0x7000000000000000000000000000000000000007', bySafe)
const pool = pauseCall('pool', '0x7100000000000000000000000000000000000071', bySafe)
const lending = pauseCall('lending', '0x8000000000000000000000000000000000000008', byTimelock)

describe('buildRoutedPlan with a key, a Safe and a timelock the Safe proposes to', () => {
  it("has the Safe sign one transaction holding its own pauses and the timelock's schedule; the execution stays its own step", () => {
    const { plan, notes, targets } = buildRoutedPlan({ planId: 'contain-pause-all', phase: 'contain', title: 'contain: pause-all', calls: [vault, market, pool, lending], team, incidentId: 'incident-1' })

    expect(plan.steps.map((step) => [step.id, step.authority.kind, step.authority.label, step.actions.map((action) => action.decoded.functionName)])).toEqual([
      ['pause-vault', 'key', 'guardian', ['pause']],
      ['safe-council', 'safe', 'council', ['pause', 'pause', 'schedule']],
      // Anyone may execute: the team's key does, sparing the owners a second round.
      ['timelock-governance', 'key', 'guardian', ['execute']],
    ])
    const [, council, execution] = plan.steps
    expect(council!.postconditions.map((check) => check.description)).toEqual(['market.paused() is true', 'pool.paused() is true', expect.stringMatching(/^governance operation 0x[0-9a-f]{8}… is scheduled \(pending\)$/)])
    // The batch is all or nothing, so the operation being scheduled says the whole transaction ran.
    expect(council!.doneWhen?.description).toMatch(/^governance operation 0x[0-9a-f]{8}… is scheduled$/)
    expect(execution!.after).toMatchObject({ timelock: governanceTimelock, seconds: TWO_DAYS })
    expect(targets).toEqual({ 'pause-vault': [vault.contract.address], 'safe-council': [market.contract.address, pool.contract.address, lending.contract.address], 'timelock-governance': [lending.contract.address] })
    expect(notes).toContain(
      `Safe council signs one transaction for all it does now (3 calls through MultiSendCallOnly ${CANONICAL_MULTI_SEND_CALL_ONLY}): pause market, pause pool as council; ${council!.title.split('; ')[1]}`,
    )
  })

  it("lets the key's pause go without waiting for the Safe, and the execution wait for the Safe's schedule", () => {
    const { plan } = buildRoutedPlan({ planId: 'contain-pause-all', phase: 'contain', title: 'contain: pause-all', calls: [vault, market, lending], team })

    expect(plan.independentAuthorities).toBe(true)
    expect(Object.fromEntries(stepDependencies(plan))).toEqual({ 'pause-vault': [], 'safe-council': [], 'timelock-governance': ['pause-vault', 'safe-council'] })
  })

  it('leaves a Safe with one call as it is', () => {
    const { plan, notes } = buildRoutedPlan({ planId: 'contain-pause-all', phase: 'contain', title: 'contain: pause-all', calls: [vault, lending], team })

    expect(plan.steps.map((step) => step.id)).toEqual(['pause-vault', 'schedule-timelock-governance', 'timelock-governance'])
    expect(notes.filter((note) => note.startsWith('Safe council'))).toEqual([])
  })

  it('gives each call its own Safe transaction where MultiSendCallOnly is not deployed, and says how to batch them', () => {
    const { plan, notes } = buildRoutedPlan({ planId: 'contain-pause-all', phase: 'contain', title: 'contain: pause-all', calls: [vault, market, pool, lending], team, multiSendDeployed: () => false })

    expect(plan.steps.map((step) => [step.id, step.authority.label, step.actions.length])).toEqual([
      ['pause-vault', 'guardian', 1],
      ['safe-council-1', 'council', 1],
      ['safe-council-2', 'council', 1],
      ['schedule-timelock-governance', 'council', 1],
      ['timelock-governance', 'guardian', 1],
    ])
    expect(notes).toContain(
      `MultiSendCallOnly is not deployed at ${CANONICAL_MULTI_SEND_CALL_ONLY} on this chain: Safe council signs 3 transactions instead of one; name a deployed MultiSendCallOnly in authorities[1].multiSend (council) to batch them`,
    )
  })

  it("batches through the manifest's MultiSendCallOnly where the canonical one is absent", () => {
    const ownMultiSend: Address = '0x9000000000000000000000000000000000000009'
    const withOwn: ManifestAuthority[] = [team[0]!, { name: 'council', type: 'safe', address: councilSafe, multiSend: ownMultiSend }]

    const { plan, notes } = buildRoutedPlan({ planId: 'contain-pause-all', phase: 'contain', title: 'contain: pause-all', calls: [market, lending], team: withOwn, multiSendDeployed: (address) => address === ownMultiSend })

    expect(plan.steps.map((step) => [step.id, step.actions.length])).toEqual([
      ['safe-council', 2],
      ['timelock-governance', 1],
    ])
    expect(notes.some((note) => note.includes(`through MultiSendCallOnly ${ownMultiSend}`))).toBe(true)
  })
})
