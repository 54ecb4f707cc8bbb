import { pausedIs } from '../contain/buildPausePlan.js'
import { type Authority, type Check, type ContractRef, type Plan, contractCall } from '../engine/plan.js'

export type RestoreStage = {
  contract: ContractRef
  authority: Authority
  /** What must work again once unpaused (a withdrawal, a deposit), checked on a fork and on chain. */
  checks?: Check[]
}

/** Unpauses each contract in order, each verified by `paused() == false` and its own checks. */
export function buildRestorePlan({ stages, id = 'recover-restore' }: { stages: RestoreStage[]; id?: string }): Plan {
  return {
    id,
    phase: 'recover',
    title: `restore ${stages.map((stage) => stage.contract.name).join(', ')}`,
    steps: stages.map(({ contract, authority, checks = [] }) => ({
      id: `unpause-${contract.name}`,
      title: `unpause ${contract.name} as ${authority.label}`,
      authority,
      actions: [contractCall(contract, 'unpause', [])],
      postconditions: [pausedIs(contract, false), ...checks],
    })),
    abis: stages.map((stage) => stage.contract.abi),
  }
}
