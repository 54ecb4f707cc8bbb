import { basename } from 'node:path'
import { formatPlan, formatSimulation, formatStepOutcome } from '../engine/formatPlan.js'
import { formatTokenAmount } from '../format.js'
import type { PaidAccount } from './findPaidAccounts.js'
import type { AssetInfo } from './readAssetInfo.js'
import type { ReimbursementOutcome, ReimbursementProgress } from './runReimbursement.js'

/** Each stage of a reimbursement as it happens: the policy's numbers, the plan, the simulation, each step. */
export function formatProgress(event: ReimbursementProgress): string {
  switch (event.stage) {
    case 'distributed': {
      const amount = (value: bigint) => `${formatTokenAmount(value, event.asset)} (${value})`
      const { policy } = event
      return [
        `policy ${policy.description}: ${policy.payouts.length} accounts paid ${amount(policy.total)} of ${amount(policy.lossTotal)} lost`,
        ...(policy.dust > 0n ? [`  rounding dust ${policy.dust} stays with the treasury`] : []),
        ...(policy.unpaid.length ? [`  ${policy.unpaid.length} accounts paid nothing (${policy.unpaid[0]!.reason}${policy.unpaid.length > 1 ? ', …' : ''})`] : []),
        ...formatPaid(event.alreadyPaid, 'already paid for these losses, left out', event.asset),
        ...formatPaid(event.paidAgain, 'already paid for these losses, PAID AGAIN as asked', event.asset),
        `distribution root ${event.distribution.root} published in ${basename(event.file)}`,
        '',
      ].join('\n')
    }
    case 'planned':
      return formatPlan(event.plan)
    case 'simulated':
      return formatSimulation(event.simulation)
    case 'prepared':
      return 'every signer and key is ready; sending\n'
    case 'step':
      return formatStepOutcome(event.step, event.outcome)
  }
}

/** Each account paid earlier, and the payment that paid it: the operator checks them before believing the chain. */
function formatPaid(accounts: readonly PaidAccount[], heading: string, asset: AssetInfo): string[] {
  if (accounts.length === 0) return []
  return [
    `${accounts.length} ${accounts.length === 1 ? 'account' : 'accounts'} ${heading}:`,
    ...accounts.map((paid) => {
      const where = paid.incident ? `incident ${paid.incident}` : 'on chain, by no incident of this workspace'
      return `  ${paid.account} ${formatTokenAmount(paid.amount, paid.how === 'recovery-token' ? {} : asset)} by ${paid.how} ${paid.txHash}${paid.state === 'pending' ? ' (sent, not mined yet)' : ''} (${where})`
    }),
  ]
}

export function formatOutcome(outcome: ReimbursementOutcome): string {
  const where = outcome.claimAddress ? ` claim contract ${outcome.claimAddress}` : outcome.recoveryToken ? ` recovery token ${outcome.recoveryToken}` : ''
  switch (outcome.status) {
    case 'dry-run':
      return `dry run: nothing was sent (incident ${outcome.incident}); run without --dry-run to execute\n`
    case 'waiting':
      return `WAITING: step ${outcome.waiting!.step} waits for its timelock; run the same command again then (incident ${outcome.incident})\n`
    case 'already-paid':
      return [
        ...formatPaid(outcome.alreadyPaid, 'already paid for these losses', outcome.asset),
        `nothing to pay: every account the policy pays was paid already; nothing was sent (incident ${outcome.incident}). To pay them again on purpose, run again with --pay-again`,
        '',
      ].join('\n')
    case 'reimbursed':
      return `reimbursed ${outcome.distribution.entries.length} accounts by ${outcome.mode}:${where} (incident ${outcome.incident})\n`
  }
}
