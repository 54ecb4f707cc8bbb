import type { ContainAcrossChainsReturnType } from './containAcrossChains.js'
import { describeAwaitingSignatures } from '../engine/awaitingSignatures.js'
import { formatPlan as formatPlanSteps, formatReadyAt } from '../engine/formatPlan.js'
import type { ContainmentOutcome, ContainmentProgress } from './runContainment.js'

export { formatPrepared, formatSimulation, formatStepOutcome } from '../engine/formatPlan.js'

/** The plan as signers must see it, then what the playbook leaves alone and why. */
export function formatPlan({ plan, notes, skipped, exposed }: Extract<ContainmentProgress, { stage: 'planned' }>): string {
  const lines = [...skipped.map(({ contract, reason }) => `  skipped ${contract}: ${reason}\n`), ...exposed.map(({ contract, reason }) => `  EXPOSED ${contract}: ${reason}\n`)]
  return `${formatPlanSteps(plan, notes)}${lines.join('')}`
}

export function formatOutcome(outcome: ContainmentOutcome): string {
  switch (outcome.status) {
    case 'nothing-to-do':
      return `nothing to contain: the chain shows every target of ${outcome.plan.id.replace(/^contain-/, '')} contained already (${outcome.skipped.map(({ contract, reason }) => `${contract}: ${reason}`).join('; ')}) (incident ${outcome.incident})\n`
    case 'exposed': {
      const done = outcome.steps.length > 0 ? `${describeSteps(outcome)}, but ` : ''
      const list = outcome.exposed.map(({ contract, reason }) => `  ${contract}: ${reason}\n`).join('')
      return `NOT CONTAINED: ${done}${outcome.exposed.length} target${outcome.exposed.length === 1 ? '' : 's'} remain${outcome.exposed.length === 1 ? 's' : ''} exposed (incident ${outcome.incident}):\n${list}`
    }
    case 'dry-run': {
      const exposed = outcome.exposed.length > 0 ? `; this plan would leave ${outcome.exposed.map(({ contract }) => contract).join(', ')} exposed` : ''
      return `dry run: nothing was sent (incident ${outcome.incident})${exposed}; run without --dry-run to execute\n`
    }
    case 'signatures': {
      const done = outcome.steps.length > 0 ? `${describeSteps(outcome)}; ` : ''
      const safes = (outcome.awaitingSignatures ?? []).map((each) => `  ${describeAwaitingSignatures(each)}\n`).join('')
      const exposed = outcome.exposed.length > 0 ? `and ${outcome.exposed.map(({ contract }) => contract).join(', ')} will stay exposed\n` : ''
      return `NOT YET CONTAINED: ${done}waiting for Safe owners to sign ${outcome.awaitingSignatures?.length ?? 0} transaction${outcome.awaitingSignatures?.length === 1 ? '' : 's'}; sign each with firebreak safe sign, then run the same command with --signature (incident ${outcome.incident}):\n${safes}${exposed}`
    }
    case 'waiting': {
      const when = formatReadyAt(outcome.waiting!.readyAt)
      return `WAITING: step ${outcome.waiting!.step} waits for its timelock until ${when}; run the same command again then (incident ${outcome.incident})\n`
    }
    case 'contained':
      return `contained: ${describeSteps(outcome)} (incident ${outcome.incident})\n`
  }
}

/** `2 steps done, 3 checks read on chain`: what "verified" rests on, counted. */
function describeSteps(outcome: ContainmentOutcome): string {
  const checks = outcome.steps.reduce((total, step) => total + step.checks.filter((check) => check.passed).length, 0)
  const steps = `${outcome.steps.length} step${outcome.steps.length === 1 ? '' : 's'}`
  return `${steps} done and verified on chain by ${checks} check${checks === 1 ? '' : 's'}`
}

/** The verdict chain by chain, then overall: a war room reads which chain still needs hands. */
export function formatAcrossChains(across: ContainAcrossChainsReturnType): string {
  const lines = ['', 'chain by chain:']
  for (const result of across.chains) {
    if (!result.outcome) lines.push(`  ${result.chain}: FAILED: ${result.reason}`)
    else lines.push(`  ${result.chain}: ${result.outcome.status}${result.outcome.exposed.length > 0 ? ` (exposed: ${result.outcome.exposed.map((target) => `${target.contract}: ${target.reason}`).join('; ')})` : ''}`)
  }
  const notContained = [...across.failed, ...across.exposed, ...across.signatures, ...across.waiting]
  lines.push(notContained.length === 0 ? `CONTAINED on ${across.contained.join(', ')}` : `NOT CONTAINED on ${[...new Set(notContained)].join(', ')}${across.contained.length > 0 ? `; contained on ${across.contained.join(', ')}` : ''}`)
  return `${lines.join('\n')}\n`
}
