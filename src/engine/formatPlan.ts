import { type SafeTransactionAwaitingSignatures, describeAwaitingSignatures } from './awaitingSignatures.js'
import type { StepOutcome } from './execute.js'
import type { Authority, Plan, Step } from './plan.js'
import type { SimulationResult } from './simulate.js'

/**
 * What a war room reads before anything is signed: every step with the authority that signs it,
 * each call decoded, the checks that will prove it worked, and the notes (slow paths, routes).
 */
export function formatPlan(plan: Plan, notes: readonly string[] = []): string {
  const lines = [`plan ${plan.id}: ${plan.steps.length} step${plan.steps.length === 1 ? '' : 's'}`]
  plan.steps.forEach((step, index) => lines.push(...formatStep(step, index + 1)))
  for (const note of notes) lines.push(`  note: ${note}`)
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

/** When a plan waiting for a timelock can go on, as a UTC time. */
export function formatReadyAt(readyAt: bigint): string {
  return new Date(Number(readyAt) * 1000).toISOString().replace('.000Z', 'Z')
}

/** Before the first send: ready, or which Safe transactions wait while the rest goes ahead. */
export function formatPrepared(awaiting: readonly SafeTransactionAwaitingSignatures[]): string {
  if (awaiting.length === 0) return 'every signer and key is ready; sending\n'
  return `sending what needs no signature now; waiting for Safe owners on:\n${awaiting.map((each) => `  ${describeAwaitingSignatures(each)}\n`).join('')}`
}
