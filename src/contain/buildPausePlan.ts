import type { Abi } from 'viem'
import { type Authority, type Check, type ContractRef, type Plan, type Step, contractCall, viewFunction } from '../engine/plan.js'

export type PauseTarget = {
  contract: ContractRef
  /** Who holds the pause right on this contract. */
  authority: Authority
  /** Extra checks that prove the pause contains the incident, e.g. the attack's call now reverts. */
  probes?: Check[]
}

export type BuildPausePlanParameters = { targets: PauseTarget[]; id?: string }

/** One `pause()` step per pausable contract, each verified by `paused() == true` and its probes. */
export function buildPausePlan({ targets, id = 'contain-pause' }: BuildPausePlanParameters): Plan {
  const steps: Step[] = targets.map(({ contract, authority, probes = [] }) => ({
    id: `pause-${contract.name}`,
    title: `pause ${contract.name} as ${authority.label}`,
    authority,
    actions: [contractCall(contract, 'pause', [])],
    postconditions: [pausedIs(contract, true), ...probes],
  }))
  return { id, phase: 'contain', title: `pause ${targets.map((target) => target.contract.name).join(', ')}`, steps, abis: abisOf(targets) }
}

export function pausedIs(contract: ContractRef, paused: boolean): Check {
  return {
    kind: 'read',
    description: `${contract.name}.paused() is ${paused}`,
    address: contract.address,
    abi: viewFunction(contract.abi, 'paused'),
    args: [],
    expect: paused,
  }
}

function abisOf(targets: PauseTarget[]): Abi[] {
  return targets.map((target) => target.contract.abi)
}
