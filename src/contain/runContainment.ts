import { type Address, type LocalAccount, getAddress } from 'viem'
import { type JournalLike, findStepEntry, wasSent } from '../engine/journalLike.js'
import { errorMessage } from '../errors.js'
import type { SafeTransactionAwaitingSignatures } from '../engine/awaitingSignatures.js'
import { type StepOutcome, executePlan } from '../engine/execute.js'
import type { Plan, Step } from '../engine/plan.js'
import type { SimulationResult } from '../engine/simulate.js'
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

export type ContainmentProgress =
  | { stage: 'planned'; plan: Plan; notes: string[]; skipped: PlanContainmentReturnType['skipped']; exposed: PlanContainmentReturnType['exposed'] }
  | { stage: 'simulated'; simulation: SimulationResult }
  | { stage: 'prepared'; awaitingSignatures: SafeTransactionAwaitingSignatures[] }
  | { stage: 'step'; step: Step; outcome: StepOutcome }

export type ContainmentOutcome = {
  /**
   * `contained`: every target is verified contained by checks read on chain. `exposed`: some
   * target is not (it could not be inspected, nobody can pull its lever, or nothing checks a step);
   * every step that could be sent was. `signatures`: every step that could go went, and Safe
   * transactions wait for their owners' signatures (all named in `awaitingSignatures`). `waiting`: a
   * step waits for a timelock's delay; run the same command again once it has passed.
   * `nothing-to-do`: the chain shows every target contained already.
   */
  status: 'contained' | 'exposed' | 'signatures' | 'dry-run' | 'waiting' | 'nothing-to-do'
  incident: string
  plan: Plan
  notes: string[]
  skipped: PlanContainmentReturnType['skipped']
  /** What remains exposed, target by target, and why. */
  exposed: PlanContainmentReturnType['exposed']
  simulation?: SimulationResult
  steps: StepOutcome[]
  waiting?: { step: string; readyAt: bigint }
  /** Safe transactions written and waiting for owners: sign them all, then run the same command with the signature files. */
  awaitingSignatures?: SafeTransactionAwaitingSignatures[]
  /** Steps held back behind a step that waits (same sender, or a timelock's schedule). */
  blocked?: { step: string; behind: string }[]
}

/**
 * `firebreak contain <playbook>`: inspect, build the plan, show it, simulate it on a fork, check
 * every key and signature, then execute and verify step by step, all journaled in the incident.
 * Run again after an interruption, it resumes from the journal and sends nothing twice.
 */
export async function runContainment(parameters: RunContainmentParameters): Promise<ContainmentOutcome> {
  const { journal } = parameters.incident
  journal.append('contain.started', { playbook: parameters.playbook, dryRun: parameters.dryRun ?? false })
  try {
    return await contain(parameters)
  } catch (error) {
    // The war room's record must say the run stopped, and why, whatever stopped it.
    journal.append('contain.failed', { playbook: parameters.playbook, reason: errorMessage(error).split('\n')[0] })
    throw error
  }
}

async function contain(parameters: RunContainmentParameters): Promise<ContainmentOutcome> {
  const { incident, dryRun = false, onProgress = () => {} } = parameters
  const { journal } = incident
  const inFlight = transactionsInFlight(journal, containPlanId(parameters.playbook))
  const keyAtHand = keysAtHand(parameters.manifest.authorities, parameters.accounts)
  const planned = await planContainment({ ...parameters, incidentId: incident.id, inFlight, keyAtHand })
  const { plan, notes, chain, targets } = planned
  const earlier = await containedEarlier(chain, journal, plan.id, planned.exposed)
  const skipped = [...planned.skipped, ...earlier.contained]
  const exposed = earlier.exposed
  journal.append('contain.planned', { planId: plan.id, notes, skipped, exposed, targets, contains: stepContainment(plan, planned.calls, targets) })
  onProgress({ stage: 'planned', plan, notes, skipped, exposed })
  // Every lever that can be pulled is pulled, even when another target stays exposed: a partial
  // containment now is worth more than a complete one later. Only the verdict waits for the rest.
  const outcome: ContainmentOutcome = { status: 'contained', incident: incident.id, plan, notes, skipped, exposed, steps: [] }
  if (plan.steps.length === 0) return finish(incident, { ...outcome, status: exposed.length > 0 ? 'exposed' : 'nothing-to-do' })

  const run = await executePlan(chain, plan, {
    journal,
    accounts: parameters.accounts,
    signatureFiles: parameters.signatureFiles,
    outputDir: incident.dir,
    dryRun,
    onProgress,
    awaitingSignatures: 'return',
  })
  const awaiting = run.awaitingSignatures && run.awaitingSignatures.length > 0 ? run.awaitingSignatures : undefined
  const status = run.dryRun ? 'dry-run' : awaiting ? 'signatures' : run.waiting ? 'waiting' : exposed.length > 0 ? 'exposed' : 'contained'
  return finish(incident, {
    ...outcome,
    status,
    simulation: run.simulation,
    steps: run.steps,
    ...(run.waiting ? { waiting: run.waiting } : {}),
    ...(awaiting ? { awaitingSignatures: awaiting } : {}),
    ...(run.blocked && run.blocked.length > 0 ? { blocked: run.blocked } : {}),
  })
}

function finish(incident: Incident, outcome: ContainmentOutcome): ContainmentOutcome {
  incident.journal.append('contain.finished', {
    planId: outcome.plan.id,
    status: outcome.status,
    ...(outcome.exposed.length > 0 ? { exposed: outcome.exposed } : {}),
    ...(outcome.waiting ? { waiting: outcome.waiting } : {}),
  })
  return outcome
}

/** The contracts acted on by every step of `planId` that the journal shows sent but not yet done. */
function transactionsInFlight(journal: JournalLike, planId: string): Set<Address> {
  type Data = { planId?: string; targets?: Record<string, Address[]> }
  const planned = journal.entries().filter((entry) => entry.type === 'contain.planned' && (entry.data as Data).planId === planId).at(-1)?.data as Data | undefined
  const inFlight = Object.keys(planned?.targets ?? {}).filter((stepId) => wasSent(journal, { id: planId }, { id: stepId }) && !findStepEntry(journal, 'step.done', planId, stepId))
  return new Set(inFlight.flatMap((stepId) => planned!.targets![stepId]!.map((address) => getAddress(address))))
}
