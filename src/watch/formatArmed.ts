import type { ArmedPlan } from './armPlan.js'
import { formatAlert } from './alerts.js'

/** What `firebreak arm` prints: what is ready to go, what owners must sign, and what the watcher cannot contain alone. */
export function formatArmed(armed: ArmedPlan): string {
  const lines = [`${armed.plan.id} at block ${armed.blockNumber}: simulated on a fork ${armed.simulation.ok ? 'and contained' : 'and FAILED'}`]
  for (const transaction of armed.transactions) lines.push(`  ready: ${transaction.title} (from ${transaction.from}, gas ${transaction.gas})`)
  for (const safe of armed.toSign) {
    lines.push(`  to sign: Safe ${safe.label} (${safe.safe}) nonce ${safe.nonce}, safeTxHash ${safe.safeTxHash}: ${safe.signed.length} of ${safe.threshold} signatures`)
    lines.push(`    file: ${safe.file}`)
    for (const owner of safe.missing) lines.push(`    ${owner} runs: firebreak safe sign ${safe.file} --out ${owner}.signature.json --key-env <VARIABLE holding its key>`)
  }
  if (armed.toSign.length > 0) lines.push('  then start the watcher with --signature <file> for each signature file')
  for (const alert of armed.unarmed.filter((each) => each.code !== 'signatures-missing')) lines.push(`  ${formatAlert(alert)}`)
  for (const exposed of armed.planned.exposed) lines.push(`  NOT AUTOMATIC ${exposed.contract}: ${exposed.reason}`)
  return `${lines.join('\n')}\n`
}

/** `ready` only when every target is armed through automatic authorities and the plan simulates to contained. */
export function armedStatus(armed: ArmedPlan): 'ready' | 'signatures' | 'not-ready' {
  if (!armed.simulation.ok || armed.planned.exposed.length > 0 || armed.unarmed.some((alert) => alert.code !== 'signatures-missing')) return 'not-ready'
  return armed.toSign.length > 0 ? 'signatures' : 'ready'
}
