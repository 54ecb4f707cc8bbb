import type { StepOutcome } from '../engine/execute.js'
import { type Step, describeActions } from '../engine/plan.js'
import type { PhaseProgress } from '../engine/runPhase.js'

/**
 * The latest stage of a phase's run, as the drill's live list shows it while the phase runs: the
 * plan, its simulation, the keys checked (`ready`), each step verified.
 */
export function phaseTitle(event: PhaseProgress, ready: string): string {
  switch (event.stage) {
    case 'planned':
      return `${event.plan.title}: simulating ${plural(event.plan.steps.length, 'step')} on a fork`
    case 'simulated':
      return `simulated on a fork at block ${event.simulation.forkBlock}: ${plural(event.simulation.steps.reduce((count, step) => count + step.checks.length, 0), 'check')} pass`
    case 'prepared':
      return `${ready}: sending`
    case 'step':
      return stepTitle(event.step, event.outcome)
  }
}

/** The decoded call stays on screen once done: it is what was signed. */
function stepTitle(step: Step, outcome: StepOutcome): string {
  const call = `${describeActions(step)} by ${step.authority.label}`
  return outcome.status === 'skipped' ? `${call}: already done (journal)` : `${call}: block ${outcome.blockNumber}, ${plural(outcome.checks.length, 'check')} verified`
}

export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`
}
