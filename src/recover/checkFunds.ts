import { FirebreakError } from '../errors.js'
import { formatTokenAmount } from '../format.js'
import type { PolicyResult } from './policy.js'

/** A policy that would pay more than its funder can: refused before anything is deployed or sent. */
export class PolicyExceedsFundsError extends FirebreakError {
  override name = 'PolicyExceedsFundsError'
}

export type CheckFundsParameters = {
  policy: Pick<PolicyResult, 'total' | 'description' | 'payouts'>
  /** What the funder can pay: its balance of the token, or a budget the team set, whichever is lower. */
  available: bigint
  /** Who pays, as the message names them: `treasury 0xabc…`, `the budget`. */
  funder: string
  asset?: { symbol?: string; decimals?: number }
  lossesFile?: string
}

/** Throws when the policy's total exceeds what is available, saying by how much and what to do. */
export function checkFunds({ policy, available, funder, asset, lossesFile }: CheckFundsParameters): void {
  if (policy.total <= available) return
  const amount = (value: bigint) => `${formatTokenAmount(value, asset)} (${value})`
  const source = lossesFile ? ` for ${lossesFile}` : ''
  throw new PolicyExceedsFundsError(
    `policy "${policy.description}"${source} pays ${amount(policy.total)} to ${policy.payouts.length} accounts, but ${funder} has only ${amount(available)}: fund it with ${amount(policy.total - available)} more, or reimburse pro-rata to at most ${available}`,
  )
}
