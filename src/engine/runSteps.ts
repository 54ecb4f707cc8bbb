import { AwaitingSignaturesError, type SafeTransactionAwaitingSignatures } from './awaitingSignatures.js'
import { StepWaitingError } from './errors.js'
import type { StepOutcome } from './execute.js'
import { SafeThresholdNotMetError } from './executors/safe/errors.js'
import type { Step } from './plan.js'

/** A plan's steps once every executor is prepared: what runSteps runs (runPhase makes them). */
export type PreparedSteps = {
  /** The Safe transactions that preparing found short of owner signatures, every one of the plan's, in plan order. */
  readonly awaitingSignatures: SafeTransactionAwaitingSignatures[]
  /** Each step, with the earlier steps it waits for (see stepDependencies). */
  steps: { step: Step; run(): Promise<StepOutcome>; dependsOn: string[] }[]
  /** Journals the plan as done. */
  finish(): void
}

export type StepsOutcome = {
  /** The steps done (or found done), in plan order. */
  steps: StepOutcome[]
  /** Set when a step waits for a timelock's delay: the plan is not done, and a later run resumes it there. */
  waiting?: { step: string; readyAt: bigint }
  /**
   * Set when Safe transactions of the plan lack owner signatures: every one of them, each file
   * written. Everything that did not depend on them was done; a run with the signatures resumes.
   */
  awaitingSignatures?: SafeTransactionAwaitingSignatures[]
  /** Steps not run because a step they follow waits (for signatures or a timelock): `behind` is that step. */
  blocked?: { step: string; behind: string }[]
}

export type RunStepsOptions = {
  /**
   * A run that leaves Safe transactions unsigned: `throw` (the default) ends it with an
   * AwaitingSignaturesError once every step that could go has gone, so that a caller unaware of
   * signatures never takes the plan for done; `return` puts them in `awaitingSignatures`.
   */
  awaitingSignatures?: 'throw' | 'return'
}

/**
 * Runs the prepared steps and journals the plan done when all are. Each step starts as soon as the
 * steps it depends on are done: in a plan of independent authorities, a key's step does not wait
 * for a Safe's signatures. A step waiting for a timelock or for signatures holds up only the
 * steps behind it; that is the plan's normal pace, not an error. A step that fails holds up the
 * steps behind it too, and its error is thrown once the steps already under way have finished.
 */
export async function runSteps(
  stages: PreparedSteps,
  onStep: (step: Step, outcome: StepOutcome) => void | Promise<void> = () => {},
  { awaitingSignatures = 'throw' }: RunStepsOptions = {},
): Promise<StepsOutcome> {
  type State = 'pending' | 'running' | 'done' | 'signatures' | 'timelock' | 'failed' | 'blocked'
  const state = new Map<string, State>(stages.steps.map(({ step }) => [step.id, 'pending']))
  const blockedBehind = new Map<string, string>()
  const outcomes = new Map<string, StepOutcome>()
  const shortOfSignatures = new Set(stages.awaitingSignatures.map((each) => each.stepId))
  let waiting: StepsOutcome['waiting']
  const failures: unknown[] = []

  await new Promise<void>((resolve) => {
    let running = 0
    const launch = async ({ step, run }: PreparedSteps['steps'][number]) => {
      state.set(step.id, 'running')
      running++
      try {
        const outcome = await run()
        state.set(step.id, 'done')
        outcomes.set(step.id, outcome)
        await onStep(step, outcome)
      } catch (error) {
        if (error instanceof StepWaitingError) {
          state.set(step.id, 'timelock')
          waiting ??= { step: step.id, readyAt: error.readyAt }
        } else if (error instanceof SafeThresholdNotMetError) {
          state.set(step.id, 'signatures')
        } else {
          state.set(step.id, 'failed')
          failures.push(error)
        }
      } finally {
        running--
        pump()
      }
    }
    const pump = () => {
      for (const entry of stages.steps) {
        const { step, dependsOn } = entry
        if (state.get(step.id) !== 'pending') continue
        // Short of signatures whatever it follows: journaled as waiting now, its file already written.
        if (shortOfSignatures.has(step.id)) {
          void launch(entry)
          continue
        }
        const stuck = dependsOn.find((id) => !['pending', 'running', 'done'].includes(state.get(id) ?? 'done'))
        if (stuck) {
          state.set(step.id, 'blocked')
          blockedBehind.set(step.id, blockedBehind.get(stuck) ?? stuck)
          continue
        }
        if (dependsOn.every((id) => state.get(id) === 'done')) void launch(entry)
      }
      if (running === 0) resolve()
    }
    pump()
  })

  if (failures.length > 0) throw failures[0]
  const steps = stages.steps.flatMap(({ step }) => outcomes.get(step.id) ?? [])
  const blocked = [...blockedBehind].map(([step, behind]) => ({ step, behind }))
  const awaiting = stages.awaitingSignatures
  const outcome: StepsOutcome = {
    steps,
    ...(waiting ? { waiting } : {}),
    ...(awaiting.length > 0 ? { awaitingSignatures: awaiting } : {}),
    ...(blocked.length > 0 ? { blocked } : {}),
  }
  if (steps.length === stages.steps.length) stages.finish()
  if (awaiting.length > 0 && awaitingSignatures === 'throw') throw new AwaitingSignaturesError({ ...outcome, awaitingSignatures: awaiting })
  return outcome
}

