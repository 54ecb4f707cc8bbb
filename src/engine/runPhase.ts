import type { ChainClients } from '../chain/clients.js'
import { FirebreakError, errorMessage } from '../errors.js'
import { AwaitingSignaturesError, type SafeTransactionAwaitingSignatures, awaitingSignaturesOf } from './awaitingSignatures.js'
import { evaluateChecks } from './checks.js'
import { SimulationFailedError, StepWaitingError } from './errors.js'
import { type ExecuteOptions, type StepOutcome, executeStep } from './execute.js'
import { type Executor, executorFor } from './executors/index.js'
import { SafeThresholdNotMetError } from './executors/safe/errors.js'
import { type JournalLike, findStepEntry, journaledHashes, wasSent } from './journalLike.js'
import type { Incident } from '../journal/incident.js'
import { type Authority, type Plan, type Step, describeActions } from './plan.js'
import { type PreparedSteps, runSteps } from './runSteps.js'
import { type SimulationResult, describeSimulationFailure, simulatePlan } from './simulate.js'
import { pipelinedDependencies, stepDependencies } from './stepOrder.js'
import { receiptOf } from './executors/blockWatcher.js'
import { KeyLanes } from './executors/keyLane.js'

/**
 * What a run that leaves Safe transactions unsigned does: `throw` (the default) ends it with an
 * AwaitingSignaturesError once every step that could go has gone, so that a caller unaware of
 * signatures never takes the plan for done; `return` ends it with the status `signatures`.
 */
export type AwaitingSignaturesMode = 'throw' | 'return'

/**
 * How a phase's run ended: `Done`, the phase's word for every step sent and verified (`contained`,
 * `upgraded`); `dry-run`, simulated and nothing sent; `waiting`, a step waits for a timelock's delay
 * (run the same command again once it has passed); `signatures`, Safe transactions wait for their
 * owners while everything that did not need them went (only when signatures are `return`ed).
 */
export type PhaseStatus<Done extends string = 'done', Signatures extends AwaitingSignaturesMode = 'throw'> =
  | Done
  | 'dry-run'
  | 'waiting'
  | (Signatures extends 'return' ? 'signatures' : never)

/**
 * What every phase tells its caller as it goes, so a war room sees each stage as it happens:
 * the plan before anything is signed (with what the phase shows beside it, `Shown`), its
 * simulation, every key and signature checked, each step verified. `Own` adds the phase's own
 * stages: its gates, its proof.
 */
export type PhaseProgress<Shown extends object = {}, Own extends { stage: string } = never> =
  | ({ stage: 'planned'; plan: Plan; notes: string[] } & Shown)
  | { stage: 'simulated'; simulation: SimulationResult }
  /** Every key checked; `awaitingSignatures` lists the Safe transactions still to sign, while the other steps go ahead. */
  | { stage: 'prepared'; awaitingSignatures: SafeTransactionAwaitingSignatures[] }
  | { stage: 'step'; step: Step; outcome: StepOutcome }
  | Own

/** What every phase's run ends with; `Detail` is what the phase adds (the incident, its gates, its proof). */
export type PhaseOutcome<Status extends string = PhaseStatus, Detail extends object = {}, P extends Plan = Plan> = { status: Status } & Detail & {
  plan: P
  simulation: SimulationResult
  /** The steps done (or found done), in plan order. */
  steps: StepOutcome[]
  /** Set when a step waits for a timelock's delay: a later run resumes it there. */
  waiting?: { step: string; readyAt: bigint }
  /** Set when Safe transactions wait for owner signatures: every one of them, each file written. */
  awaitingSignatures?: SafeTransactionAwaitingSignatures[]
  /** Steps not run because a step they follow waits (for signatures or a timelock): `behind` is that step. */
  blocked?: { step: string; behind: string }[]
}

/** A phase's plan, built from what it read on the chain and decided, with what it shows and adds to its outcome. */
export type PhasePlan<Done extends string = 'done', Detail extends object = {}, Shown extends object = {}, P extends Plan = Plan> = {
  chain: ChainClients
  plan: P
  /** The phase's word for every step sent and verified: `contained`, `upgraded`. Default `done`. */
  done?: Done
  /** What the phase adds to its outcome. */
  detail?: Detail
  /** Shown with the plan before it is simulated: notes (slow routes, Safe batches), what is left alone and why. */
  shown?: Shown & { notes?: string[] }
}

/** A phase with nothing to send (every target contained already, the stage restored): its outcome, as it is. */
export type PhaseEnded<Ended> = { ended: Ended }

export type RunPhaseParameters<
  Done extends string = 'done',
  Detail extends object = {},
  Shown extends object = {},
  P extends Plan = Plan,
  Ended = never,
  Signatures extends AwaitingSignaturesMode = 'throw',
> = ExecuteOptions & {
  /** build: read the chain and decide, then the plan; or `ended`, when the phase has nothing to send (its outcome). */
  build(): Promise<PhasePlan<Done, Detail, Shown, P> | PhaseEnded<Ended>>
  /** Build, show and simulate the plan on a fork; send nothing. */
  dryRun?: boolean
  awaitingSignatures?: Signatures
  /** Awaited: a war room may hold the run (for a last confirmation) before anything is sent. */
  onProgress?: (event: PhaseProgress<NoInfer<Shown>>) => void | Promise<void>
  /**
   * Gates that need the simulation, passed or failed (its result is journaled, and a failed one
   * is refused after this): throw to refuse the plan before anything is prepared.
   */
  checkSimulation?(simulation: SimulationResult, built: NoInfer<{ chain: ChainClients; plan: P; detail: Detail }>): void | Promise<void>
  /** verify, once every step is done and verified: the phase's own proof, added to its outcome. */
  verify?(outcome: NoInfer<PhaseOutcome<Done, Detail, P>>): Promise<NoInfer<PhaseOutcome<Done, Detail, P>>>
  /** Journals the phase's start in its own entry (`contain.started`). */
  started?(): void
  /** Journals the phase's outcome in its own entry (`contain.finished`). */
  finished?(outcome: NoInfer<PhaseOutcome<PhaseStatus<Done, Signatures>, Detail, P> | Ended>): void
  /** Says a failure in the phase's own words, before it is journaled and thrown. */
  explainFailure?(error: unknown): unknown
  /** Journals why the phase stopped, whatever stopped it (`contain.failed`). */
  failed?(error: unknown): void
}

/**
 * The one way a plan is run, for every phase: build → show → simulate → prepare → execute →
 * verify → journal. The phase builds its plan; the runner shows it (`planned`), journals it as
 * signers will see it and simulates it on a fork, refusing to go on when that fails; on a dry run
 * it stops there. Otherwise it checks every key and signature before the first send, runs the
 * steps (those of independent authorities at once), verifies each on chain, then lets the phase
 * prove its own result. Every transition is journaled, and a run started again resumes from the
 * journal without sending any step twice.
 */
export async function runPhase<
  Done extends string = 'done',
  Detail extends object = {},
  Shown extends object = {},
  P extends Plan = Plan,
  Ended = never,
  Signatures extends AwaitingSignaturesMode = 'throw',
>(phase: RunPhaseParameters<Done, Detail, Shown, P, Ended, Signatures>): Promise<PhaseOutcome<PhaseStatus<Done, Signatures>, Detail, P> | Ended> {
  type Outcome = PhaseOutcome<PhaseStatus<Done, Signatures>, Detail, P>
  const { build, dryRun = false, awaitingSignatures = 'throw', onProgress = () => {}, checkSimulation, verify, started, finished, explainFailure, failed, ...options } = phase
  const finish = <T extends Outcome | Ended>(outcome: T): T => {
    finished?.(outcome)
    return outcome
  }
  started?.()
  try {
    const built = await build()
    if ('ended' in built) return finish(built.ended)
    const { chain, plan, done = 'done' as Done, detail = {} as Detail, shown = {} as Shown & { notes?: string[] } } = built
    await onProgress({ stage: 'planned', plan, ...shown, notes: shown.notes ?? [] })

    const simulation = await simulate(chain, plan, options.journal)
    await checkSimulation?.(simulation, { chain, plan, detail })
    if (!simulation.ok) throw new SimulationFailedError(`plan "${plan.title}" was not executed: ${describeSimulationFailure(simulation)}`)
    await onProgress({ stage: 'simulated', simulation })
    const outcome = { status: done, ...detail, plan, simulation, steps: [] as StepOutcome[] }
    if (dryRun) return finish({ ...outcome, status: 'dry-run' } as Outcome)

    const stages = await prepare(chain, plan, options)
    await onProgress({ stage: 'prepared', awaitingSignatures: stages.awaitingSignatures })
    const run = await runSteps(stages, (step, result) => onProgress({ stage: 'step', step, outcome: result }), { awaitingSignatures: 'return' })
    const { steps, waiting, blocked } = run
    const awaiting = run.awaitingSignatures ?? []
    if (awaiting.length > 0 && awaitingSignatures === 'throw') throw new AwaitingSignaturesError({ simulation, ...run, awaitingSignatures: awaiting })
    const ran = {
      ...outcome,
      steps,
      ...(waiting ? { waiting } : {}),
      ...(awaiting.length > 0 ? { awaitingSignatures: awaiting } : {}),
      ...(blocked && blocked.length > 0 ? { blocked } : {}),
    }
    if (awaiting.length > 0) return finish({ ...ran, status: 'signatures' } as Outcome)
    if (waiting) return finish({ ...ran, status: 'waiting' } as Outcome)
    return finish((verify ? await verify(ran) : ran) as Outcome)
  } catch (caught) {
    const error = explainFailure ? explainFailure(caught) : caught
    // The war room's record must say the run stopped, and why, whatever stopped it.
    failed?.(error)
    throw error
  }
}

/** What a phase runner is given by its caller, the same for every phase. */
export type IncidentRunParameters<P> = {
  incident: Incident
  accounts?: ExecuteOptions['accounts']
  signatureFiles?: readonly string[]
  dryRun?: boolean
  onProgress?: (event: P) => void | Promise<void>
}

/** The options every phase passes to runPhase from its incident: its journal, its folder, the keys and signatures at hand. */
export function incidentRun<P>({ incident, accounts, signatureFiles, dryRun = false, onProgress }: IncidentRunParameters<P>) {
  return { journal: incident.journal, outputDir: incident.dir, accounts, ...(signatureFiles ? { signatureFiles } : {}), dryRun, ...(onProgress ? { onProgress } : {}) }
}

/** The first line of why a run stopped, as the phases journal it. */
export function failureReason(error: unknown): string {
  return errorMessage(error).split('\n')[0]!
}

/** Journals the plan as signers will see it, then simulates it on a fork and journals the result. */
async function simulate(chain: ChainClients, plan: Plan, journal: JournalLike): Promise<SimulationResult> {
  recordPlan(journal, plan)
  const result = await simulatePlan(chain, plan, { skip: await stepsOnChain(chain, plan, journal) })
  journal.append('plan.simulated', { planId: plan.id, ok: result.ok, forkBlock: result.forkBlock, steps: result.steps })
  if (!result.ok) journal.append('plan.failed', { planId: plan.id, stage: 'simulation', reason: describeSimulationFailure(result) })
  return result
}

/** Journals the plan as it will be shown to signers. */
function recordPlan(journal: JournalLike, plan: Plan): void {
  journal.append('plan.built', {
    planId: plan.id,
    phase: plan.phase,
    title: plan.title,
    steps: plan.steps.map((step) => ({
      stepId: step.id,
      title: step.title,
      authority: journaledAuthority(step.authority),
      calls: step.actions.map((action) => action.call),
      decoded: describeActions(step),
      ...(step.after ? { after: step.after } : {}),
      postconditions: step.postconditions.map((check) => check.description),
    })),
  })
}

/**
 * The authority as the journal keeps it: who signs and where the key is to be found, never the
 * name of the variable holding a keystore's password (the journal refuses password-named fields).
 */
function journaledAuthority(authority: Authority) {
  switch (authority.kind) {
    case 'key': {
      const { keystore, ...rest } = authority
      return keystore ? { ...rest, keystoreFile: keystore.path } : rest
    }
    case 'safe': {
      const { submitter, ...rest } = authority
      return submitter ? { ...rest, submitter: submitter.address } : rest
    }
    case 'impersonate':
      return authority
  }
}

/**
 * The steps a resumed plan must not replay on the fork: done, or sent and mined (the fork holds
 * them). A step sent but not yet mined is simulated like any other: its transaction will have the
 * same effect once mined, and later steps' checks must see that effect on the fork too.
 */
async function stepsOnChain(chain: ChainClients, plan: Plan, journal: JournalLike): Promise<Set<string>> {
  const mined = await Promise.all(
    plan.steps.map(async (step) => {
      if (findStepEntry(journal, 'step.done', plan.id, step.id)) return true
      if (!wasSent(journal, plan, step)) return false
      // A node that fails to answer is not a transaction that is not mined: replaying a mined step on
      // the fork would fail the simulation and blame the plan for the node.
      const receipts = await Promise.all(journaledHashes(journal, plan, step).map((hash) => receiptOf(chain.public, hash)))
      return receipts.some((receipt) => receipt !== undefined)
    }),
  )
  return new Set(plan.steps.filter((_, index) => mined[index]).map((step) => step.id))
}

/**
 * Readies every executor (keys, signatures, thresholds) before anything is sent, and gives each
 * step its run. A Safe step whose owners have not all signed is set aside in `awaitingSignatures`
 * (its file written, like every other Safe transaction of the plan) and journaled as waiting when
 * its turn comes; anything else not ready stops the plan here.
 */
async function prepare(chain: ChainClients, plan: Plan, options: ExecuteOptions): Promise<PreparedSteps> {
  const { journal } = options
  const stopped = (stage: string, error: unknown) => {
    const waiting = error instanceof StepWaitingError || error instanceof SafeThresholdNotMetError
    journal.append(waiting ? 'plan.waiting' : 'plan.failed', { planId: plan.id, stage: error instanceof SafeThresholdNotMetError ? 'signatures' : stage, reason: failureReason(error) })
    return error
  }
  const shortOfSignatures = new Map<string, SafeThresholdNotMetError>()
  const withLanes: ExecuteOptions = options.pipeline === false ? options : { ...options, keyLanes: new KeyLanes(plan, journal) }
  let executors: Map<string, Executor>
  try {
    executors = await prepareSteps(chain, plan, withLanes, shortOfSignatures)
  } catch (error) {
    throw stopped('prepare', error)
  }
  const ordered = stepDependencies(plan, { defaultSubmitter: options.accounts?.[0]?.address })
  const dependencies = options.pipeline === false ? ordered : pipelinedDependencies(plan, ordered)
  return {
    awaitingSignatures: plan.steps.flatMap((step) => {
      const short = shortOfSignatures.get(step.id)
      return short ? [awaitingSignaturesOf(short)] : []
    }),
    steps: plan.steps.map((step) => ({
      step,
      dependsOn: dependencies.get(step.id) ?? [],
      run: async () => {
        const short = shortOfSignatures.get(step.id)
        if (short) {
          const { safe, nonce, safeTxHash, file, signed, threshold } = short.details
          journal.append('step.waiting', { planId: plan.id, stepId: step.id, signatures: { safe, nonce, safeTxHash, file, signed, threshold } })
          throw stopped('signatures', short)
        }
        try {
          return await executeStep(chain, plan, step, { ...withLanes, executor: executors.get(step.id) })
        } catch (error) {
          throw stopped('execution', error)
        }
      },
    })),
    finish: () => void journal.append('plan.done', { planId: plan.id }),
  }
}

/**
 * Every executor the plan's unsent steps need, prepared; a Safe step short of owner signatures
 * does not stop the others from being prepared: it goes into `shortOfSignatures`, so that every
 * Safe transaction of the plan is written out and named in one run. Any other problem is thrown
 * once every step was looked at. The steps of independent authorities are prepared at once (a
 * Safe's reads do not hold up a key's pause); a plan of dependent steps, possibly hundreds of
 * batches, one after the other, so as not to flood the node.
 */
async function prepareSteps(chain: ChainClients, plan: Plan, options: ExecuteOptions, shortOfSignatures: Map<string, SafeThresholdNotMetError>): Promise<Map<string, Executor>> {
  const prepareOne = async (step: Step): Promise<{ executor?: Executor; problem?: unknown }> => {
    if (wasSent(options.journal, plan, step)) return {}
    // On chain already (a timelock's schedule a Safe sent in an earlier run): nothing to sign, executeStep journals it done.
    // A check that cannot be read yet (its contract is deployed by an earlier step) says not done.
    if (step.doneWhen && (await evaluateChecks(chain.public, [step.doneWhen], plan.abis).catch(() => []))[0]?.passed) return {}
    try {
      const executor = await executorFor({ ...options, chain, plan, step })
      await executor.prepare()
      return { executor }
    } catch (error) {
      if (error instanceof SafeThresholdNotMetError) {
        shortOfSignatures.set(step.id, error)
        return {}
      }
      // A node that does not answer, or a bug, ends the look-around at once; a user's problem (a key unset) does not.
      if (!(error instanceof FirebreakError)) throw error
      return { problem: error }
    }
  }
  const prepared: { executor?: Executor; problem?: unknown }[] = []
  if (plan.independentAuthorities) prepared.push(...(await Promise.all(plan.steps.map(prepareOne))))
  else for (const step of plan.steps) prepared.push(await prepareOne(step))
  const problem = prepared.find((each) => each.problem !== undefined)
  if (problem) throw problem.problem
  const executors = new Map<string, Executor>()
  for (const [index, { executor }] of prepared.entries()) if (executor) executors.set(plan.steps[index]!.id, executor)
  return executors
}
