import { relative } from 'node:path'
import type { DrillSummary } from '../drill/summary.js'
import type { ChainsDrillSummary } from '../drill/runChainsDrill.js'
import { formatAmount, formatSeconds } from '../drill/format.js'

export function formatDrillSummary(summary: DrillSummary): string {
  const { attack, containment, eradication, recovery } = summary
  const whole = recovery.users.filter((user) => user.whole).length
  const rows: [string, string][] = [
    ['attack', `${formatAmount(attack.stolen)} taken from ${attack.victims.length} users in block ${attack.blockNumber}`],
    ['contained', `block ${containment.pauseBlock}, ${containment.blocksFromAttack} block${containment.blocksFromAttack === 1n ? '' : 's'} after the attack; attacker's retry ${containment.secondAttemptReverted ? `reverted: ${containment.secondAttemptReason}` : 'SUCCEEDED'}`],
    ['fixed', `DrillVaultV2 at ${eradication.implementation} (block ${eradication.upgradeBlock}); storage gate ${eradication.storageCompatible ? 'passed' : 'failed'}; replay gate: attack now fails`],
    ['losses', recovery.users.filter((user) => user.loss > 0n).map((user) => `${user.name} ${formatAmount(user.loss)}`).join(', ')],
    ['reimbursed', `${formatAmount(recovery.reimbursed)} of ${formatAmount(recovery.totalLoss)} lost, through claim ${recovery.claimContract}; ${whole}/${recovery.users.length} users whole`],
    ['restored', `unpaused in block ${recovery.restoreBlock}`],
    ['phases', summary.phases.map((phase) => `${phase.name} ${formatSeconds(phase.milliseconds)}`).join(' · ')],
    ['report', `${relative(process.cwd(), summary.incident.report) || summary.incident.report} (report.html beside it)`],
  ]
  const width = Math.max(...rows.map(([label]) => label.length))
  return [
    '',
    `Drill complete in ${formatSeconds(summary.wallMilliseconds)}: incident ${summary.incident.id}`,
    ...rows.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`),
    '',
  ].join('\n')
}

/** The drill over several chains: each chain's lines under its name, then the one report. */
export function formatChainsDrillSummary(summary: ChainsDrillSummary): string {
  const lines = ['', `Drill on ${summary.chains.length} chains complete in ${formatSeconds(summary.wallMilliseconds)}: incident ${summary.incident.id}`]
  for (const chain of summary.chains) {
    const whole = chain.recovery.users.filter((user) => user.whole).length
    lines.push(`  ${chain.name} (chain id ${chain.chain.chainId})`)
    lines.push(`    attack      ${formatAmount(chain.attack.stolen)} taken from ${chain.attack.victims.length} users in block ${chain.attack.blockNumber}`)
    lines.push(`    contained   block ${chain.containment.pauseBlock}; attacker's retry ${chain.containment.secondAttemptReverted ? 'reverted' : 'SUCCEEDED'}`)
    lines.push(`    fixed       block ${chain.eradication.upgradeBlock}`)
    lines.push(`    reimbursed  ${formatAmount(chain.recovery.reimbursed)} of ${formatAmount(chain.recovery.totalLoss)}; ${whole}/${chain.recovery.users.length} users whole`)
    lines.push(`    restored    block ${chain.recovery.restoreBlock}`)
  }
  lines.push(`  phases  ${summary.phases.map((phase) => `${phase.name} ${formatSeconds(phase.milliseconds)}`).join(' · ')}`)
  lines.push(`  report  ${relative(process.cwd(), summary.incident.report) || summary.incident.report}`)
  return `${lines.join('\n')}\n`
}
