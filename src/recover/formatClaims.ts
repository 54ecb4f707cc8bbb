import { formatTokenAmount } from '../format.js'
import type { ClaimsOutcome } from './runClaimsTracking.js'

/** Who claimed and who has not, the unclaimed listed first twenty by twenty. */
export function formatClaims(outcome: ClaimsOutcome, asset: { symbol?: string; decimals?: number }): string {
  const amount = (value: bigint) => `${formatTokenAmount(value, asset)} (${value})`
  const total = outcome.claimed.length + outcome.unclaimed.length
  const window = outcome.windowOpen ? `open until ${new Date(Number(outcome.claimDeadline) * 1000).toISOString()}` : 'closed'
  return [
    `claim contract ${outcome.claimAddress} (root ${outcome.root}), at block ${outcome.toBlock}, window ${window}`,
    `  claimed:   ${outcome.claimed.length} of ${total} accounts, ${amount(outcome.claimedAmount)}`,
    `  unclaimed: ${outcome.unclaimed.length} accounts, ${amount(outcome.unclaimedAmount)}`,
    ...(outcome.sweptAmount > 0n ? [`  swept back to the treasury: ${amount(outcome.sweptAmount)}`] : []),
    ...outcome.unclaimed.slice(0, 20).map((entry) => `    #${entry.index} ${entry.account} ${amount(entry.amount)}`),
    ...(outcome.unclaimed.length > 20 ? [`    … and ${outcome.unclaimed.length - 20} more (--json lists them all)`] : []),
    '',
  ].join('\n')
}
