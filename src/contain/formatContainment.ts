import { formatPlan as formatPlanSteps, formatReadyAt } from '../engine/formatPlan.js'
import type { ContainmentOutcome, ContainmentProgress } from './runContainment.js'

export { formatSimulation, formatStepOutcome } from '../engine/formatPlan.js'

/** The plan as signers must see it, then what the playbook leaves alone and why. */
export function formatPlan({ plan, notes, skipped }: Extract<ContainmentProgress, { stage: 'planned' }>): string {
  return `${formatPlanSteps(plan, notes)}${skipped.map(({ contract, reason }) => `  skipped ${contract}: ${reason}\n`).join('')}`
}

export function formatOutcome(outcome: ContainmentOutcome): string {
  switch (outcome.status) {
    case 'nothing-to-do':
      return `nothing to contain: every lever of ${outcome.plan.id.replace(/^contain-/, '')} is already pulled (incident ${outcome.incident})\n`
    case 'dry-run':
      return `dry run: nothing was sent (incident ${outcome.incident}); run without --dry-run to execute\n`
    case 'waiting': {
      const when = formatReadyAt(outcome.waiting!.readyAt)
      return `WAITING: step ${outcome.waiting!.step} waits for its timelock until ${when}; run the same command again then (incident ${outcome.incident})\n`
    }
    case 'contained':
      return `contained: ${outcome.steps.length} step${outcome.steps.length === 1 ? '' : 's'} done and verified on chain (incident ${outcome.incident})\n`
  }
}
