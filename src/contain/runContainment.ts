import { type Address, type LocalAccount, getAddress } from 'viem'
import type { StepOutcome } from '../engine/execute.js'
import { type JournalLike, findStepEntry, wasSent } from '../engine/journalLike.js'
import type { Plan } from '../engine/plan.js'
import { type PhaseEnded, type PhaseOutcome, type PhasePlan, type PhaseProgress, type PhaseStatus, failureReason, incidentRun, runPhase } from '../engine/runPhase.js'
import type { Incident } from '../journal/incident.js'
import { containPlanId } from './planContainment.js'
import { containedEarlier, stepContainment } from './containedEarlier.js'
import { keysAtHand } from '../engine/routing/keysAtHand.js'
import { type PlanContainmentParameters, type PlanContainmentReturnType, planContainment } from './planContainment.js'

export type RunContainmentParameters = Omit<PlanContainmentParameters, 'incidentId'> & {
  incident: Incident
  /** Build, show and simulate the plan on a fork; send nothing. */
  dryRun?: boolean
  /** Signature files from Safe owners (`firebreak safe sign`). */
  signatureFiles?: readonly string[]
  /** Keys handed over in memory (tests, a war-room server); the CLI reads keys from the environment or keystores. */
  accounts?: readonly LocalAccount[]
  /** Told of each stage as it happens, so a war room sees the plan before anything is signed. */
  onProgress?: (event: ContainmentProgress) => void
}

/** The plan as the war room sees it before anything is signed, with what the playbook leaves alone or cannot contain. */
type ContainmentShown = { skipped: PlanContainmentReturnType['skipped']; exposed: PlanContainmentReturnType['exposed'] }

export type ContainmentProgress = PhaseProgress<ContainmentShown>

type ContainmentDetail = {
  incident: string
  notes: string[]
  skipped: PlanContainmentReturnType['skipped']
  /** What remains exposed, target by target, and why. */
  exposed: PlanContainmentReturnType['exposed']
}

/**
 * `contained`: every target is verified contained by checks read on chain. `exposed`: some
 * target is not (it could not be inspected, nobody can pull its lever, or nothing checks a step);
 * every step that could be sent was. `signatures`: every step that could go went, and Safe
 * transactions wait for their owners' signatures (all named in `awaitingSignatures`): sign them
 * all, then run the same command with the signature files. `waiting`: a step waits for a
 * timelock's delay; run the same command again once it has passed. `nothing-to-do`: the chain
 * shows every target contained already. Steps held back behind a step that waits (same sender,
 * or a timelock's schedule) are in `blocked`.
 */
export type ContainmentOutcome = PhaseOutcome<PhaseStatus<'contained' | 'exposed', 'return'>, ContainmentDetail> | NothingToSend

/** The plan has no step: every target is contained already, or none can be. */
type NothingToSend = ContainmentDetail & {
  status: 'exposed' | 'nothing-to-do'
  plan: Plan
  simulation?: undefined
  steps: StepOutcome[]
  waiting?: undefined
  awaitingSignatures?: undefined
  blocked?: undefined
}

/**
 * `firebreak contain <playbook>`: inspect, build the plan, show it, simulate it on a fork, check
 * every key and signature, then execute and verify step by step, all journaled in the incident.
 * Run again after an interruption, it resumes from the journal and sends nothing twice.
 */
export function runContainment(parameters: RunContainmentParameters): Promise<ContainmentOutcome> {
  const { incident, playbook, dryRun = false } = parameters
  const { journal } = incident
  const chain = parameters.manifest.scope ? { chain: parameters.manifest.scope.chain } : {}
  return runPhase({
    ...incidentRun(parameters),
    // A Safe short of signatures is an outcome of its own here (exit 5), not an error.
    awaitingSignatures: 'return',
    started: () => journal.append('contain.started', { playbook, dryRun, ...chain }),
    build: () => buildContainment(parameters),
    finished: (outcome) =>
      journal.append('contain.finished', {
        planId: outcome.plan.id,
        ...chain,
        status: outcome.status,
        ...(outcome.exposed.length > 0 ? { exposed: outcome.exposed } : {}),
        ...(outcome.waiting ? { waiting: outcome.waiting } : {}),
      }),
    failed: (error) => journal.append('contain.failed', { playbook, reason: failureReason(error), ...chain }),
  })
}

async function buildContainment(parameters: RunContainmentParameters): Promise<PhasePlan<'contained' | 'exposed', ContainmentDetail, ContainmentShown> | PhaseEnded<NothingToSend>> {
  const { incident } = parameters
  const { journal } = incident
  const inFlight = transactionsInFlight(journal, containPlanId(parameters.playbook, parameters.manifest))
  const keyAtHand = keysAtHand(parameters.manifest.authorities, parameters.accounts)
  const planned = await planContainment({ ...parameters, incidentId: incident.id, inFlight, keyAtHand })
  const { plan, notes, chain, targets } = planned
  const earlier = await containedEarlier(chain, journal, plan.id, planned.exposed)
  const skipped = [...planned.skipped, ...earlier.contained]
  const exposed = earlier.exposed
  journal.append('contain.planned', { planId: plan.id, notes, skipped, exposed, targets, contains: stepContainment(plan, planned.calls, targets) })
  const detail: ContainmentDetail = { incident: incident.id, notes, skipped, exposed }
  if (plan.steps.length === 0) {
    await parameters.onProgress?.({ stage: 'planned', plan, notes, skipped, exposed })
    return { ended: { ...detail, status: exposed.length > 0 ? 'exposed' : 'nothing-to-do', plan, steps: [] } }
  }
  // Every lever that can be pulled is pulled, even when another target stays exposed: a partial
  // containment now is worth more than a complete one later. Only the verdict waits for the rest.
  return { chain, plan, done: exposed.length > 0 ? 'exposed' : 'contained', detail, shown: { notes, skipped, exposed } }
}

/** The contracts acted on by every step of `planId` that the journal shows sent but not yet done. */
function transactionsInFlight(journal: JournalLike, planId: string): Set<Address> {
  type Data = { planId?: string; targets?: Record<string, Address[]> }
  const planned = journal.entries().filter((entry) => entry.type === 'contain.planned' && (entry.data as Data).planId === planId).at(-1)?.data as Data | undefined
  const inFlight = Object.keys(planned?.targets ?? {}).filter((stepId) => wasSent(journal, { id: planId }, { id: stepId }) && !findStepEntry(journal, 'step.done', planId, stepId))
  return new Set(inFlight.flatMap((stepId) => planned!.targets![stepId]!.map((address) => getAddress(address))))
}
