import type { ChainClients } from '../chain/clients.js'
import { evaluateChecks } from '../engine/checks.js'
import { type JournalLike, findStepEntry } from '../engine/journalLike.js'
import type { Check, Plan } from '../engine/plan.js'
import type { RoutedCall } from '../engine/routing/buildRoutedPlan.js'

/** What one step of a containment plan contains, and the checks that show it: journaled with the plan. */
export type StepContainment = { contracts: string[]; checks: Check[] }

/** Per step, the targets it contains and its checks, as `contain.planned` journals them. */
export function stepContainment(plan: Plan, calls: readonly RoutedCall[], targets: Record<string, readonly string[]>): Record<string, StepContainment> {
  const record: Record<string, StepContainment> = {}
  for (const step of plan.steps) {
    const addresses = new Set((targets[step.id] ?? []).map((address) => address.toLowerCase()))
    const held = calls.filter((call) => addresses.has(call.contract.address.toLowerCase()))
    const contracts = [...new Set(held.flatMap((call) => [call.contract.name, ...(call.alsoContains ?? [])]))]
    record[step.id] = { contracts, checks: step.postconditions }
  }
  return record
}

export type ContainedEarlierReturnType = {
  /** Targets an earlier run of this plan contained, whose checks hold on chain now. */
  contained: { contract: string; reason: string }[]
  /** The rest of the exposed targets. */
  exposed: { contract: string; reason: string }[]
}

/**
 * A rerun of an interrupted or partly signed containment meets targets it already paused, some of
 * which no longer show that they are paused (a pause seen only by ordinary calls starting to
 * revert cannot be seen twice). Such a target is contained when this incident's journal shows a
 * step of the same plan done for it, and that step's own checks, read on chain now, still hold.
 */
export async function containedEarlier(chain: ChainClients, journal: JournalLike, planId: string, exposed: readonly { contract: string; reason: string }[]): Promise<ContainedEarlierReturnType> {
  type Planned = { planId?: string; contains?: Record<string, StepContainment> }
  const earlier = journal.entries().filter((entry) => entry.type === 'contain.planned' && (entry.data as Planned).planId === planId)
  const result: ContainedEarlierReturnType = { contained: [], exposed: [] }
  for (const target of exposed) {
    const step = earlier
      .flatMap((entry) => Object.entries((entry.data as Planned).contains ?? {}))
      .find(([stepId, containment]) => containment.contracts.includes(target.contract) && findStepEntry(journal, 'step.done', planId, stepId))
    const checks = step ? step[1].checks.map(fromJournal) : []
    const results = checks.length > 0 ? await evaluateChecks(chain.public, checks) : []
    if (step && results.length > 0 && results.every((check) => check.passed)) {
      result.contained.push({ contract: target.contract, reason: `contained by step ${step[0]} of this incident, whose checks hold on chain now: ${results.map((check) => check.description).join('; ')}` })
    } else {
      result.exposed.push(target)
    }
  }
  return result
}

/** The journal keeps bigints as decimal strings. */
function fromJournal(check: Check): Check {
  return check.kind === 'call' && check.value !== undefined ? { ...check, value: BigInt(check.value) } : check
}
