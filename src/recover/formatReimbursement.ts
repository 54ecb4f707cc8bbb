import { basename } from 'node:path'
import { formatPlan, formatSimulation, formatStepOutcome } from '../engine/formatPlan.js'
import { formatTokenAmount } from '../format.js'
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

export function formatOutcome(outcome: ReimbursementOutcome): string {
  const where = outcome.claimAddress ? ` claim contract ${outcome.claimAddress}` : outcome.recoveryToken ? ` recovery token ${outcome.recoveryToken}` : ''
  switch (outcome.status) {
    case 'dry-run':
      return `dry run: nothing was sent (incident ${outcome.incident}); run without --dry-run to execute\n`
    case 'waiting':
      return `WAITING: step ${outcome.waiting!.step} waits for its timelock; run the same command again then (incident ${outcome.incident})\n`
    case 'reimbursed':
      return `reimbursed ${outcome.distribution.entries.length} accounts by ${outcome.mode}:${where} (incident ${outcome.incident})\n`
  }
}
