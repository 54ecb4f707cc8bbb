import type { StepOutcome } from '../engine/execute.js'
import type { Authority, Plan, Step } from '../engine/plan.js'
import type { SimulationResult } from '../engine/simulate.js'
import type { ContainmentOutcome, ContainmentProgress } from './runContainment.js'

/**
 * What a war room reads before anything is signed: every step with the authority that signs it,
 * each call decoded, the checks that will prove it worked, and the slow paths called out.
 */
export function formatPlan({ plan, notes, skipped }: Extract<ContainmentProgress, { stage: 'planned' }>): string {
  const lines = [`plan ${plan.id}: ${plan.steps.length} step${plan.steps.length === 1 ? '' : 's'}`]
  plan.steps.forEach((step, index) => lines.push(...formatStep(step, index + 1)))
  for (const note of notes) lines.push(`  note: ${note}`)
  for (const { contract, reason } of skipped) lines.push(`  skipped ${contract}: ${reason}`)
  return `${lines.join('\n')}\n`
}

function formatStep(step: Step, number: number): string[] {
  const lines = [`  ${number}. ${step.title}`, `     signer: ${describeAuthority(step.authority)}`]
  for (const action of step.actions) lines.push(`     call:   ${action.decoded.text}  → ${action.call.to}`)
  if (step.after) lines.push(`     waits:  ${step.after.seconds} s after scheduling (timelock ${step.after.timelock})`)
  for (const check of step.postconditions) lines.push(`     check:  ${check.description}`)
  return lines
}

function describeAuthority(authority: Authority): string {
  switch (authority.kind) {
    case 'key':
      return `key ${authority.label} ${authority.address}${authority.keyEnv ? ` (key in $${authority.keyEnv})` : authority.keystore ? ` (keystore ${authority.keystore.path})` : ''}`
    case 'safe':
      return `Safe ${authority.label} ${authority.address}, ${authority.threshold} of ${authority.owners.length} owners must sign`
    case 'impersonate':
      return `impersonated ${authority.label} ${authority.address} (local chain only)`
  }
}

export function formatSimulation(simulation: SimulationResult): string {
  const checks = simulation.steps.reduce((count, step) => count + step.checks.length, 0)
  const done = simulation.steps.filter((step) => step.status === 'already-done').length
  return `simulated on a fork at block ${simulation.forkBlock}: ${checks} check${checks === 1 ? '' : 's'} pass${done > 0 ? ` (${done} step${done === 1 ? '' : 's'} already on chain)` : ''}\n`
}

export function formatStepOutcome(step: Step, outcome: StepOutcome): string {
  if (outcome.status === 'skipped') return `  ✔ ${step.title}: already done (journal or chain)\n`
  return `  ✔ ${step.title}: block ${outcome.blockNumber}, tx ${outcome.txHash}, ${outcome.checks.length} check${outcome.checks.length === 1 ? '' : 's'} verified\n`
}

export function formatOutcome(outcome: ContainmentOutcome): string {
  switch (outcome.status) {
    case 'nothing-to-do':
      return `nothing to contain: every lever of ${outcome.plan.id.replace(/^contain-/, '')} is already pulled (incident ${outcome.incident})\n`
    case 'dry-run':
      return `dry run: nothing was sent (incident ${outcome.incident}); run without --dry-run to execute\n`
    case 'waiting': {
      const when = new Date(Number(outcome.waiting!.readyAt) * 1000).toISOString().replace('.000Z', 'Z')
      return `WAITING: step ${outcome.waiting!.step} waits for its timelock until ${when}; run the same command again then (incident ${outcome.incident})\n`
    }
    case 'contained':
      return `contained: ${outcome.steps.length} step${outcome.steps.length === 1 ? '' : 's'} done and verified on chain (incident ${outcome.incident})\n`
  }
}
