import type { Address } from 'viem'
import { FirebreakError } from '../errors.js'

/**
 * One stage of a reimbursement policy. A policy is a list of stages applied in order to each
 * account's claimable amount, which starts as its loss.
 */
export type PolicyStage =
  /** Pay the claimable amount as it stands (the whole loss when no other stage ran). */
  | { kind: 'full' }
  /** Leave out accounts that lost less than `threshold`: paying them costs more in gas than it returns. */
  | { kind: 'minimum'; threshold: bigint }
  /** No account receives more than `cap`. */
  | { kind: 'cap'; cap: bigint }
  /** Share `recovered` among the accounts in proportion to their claimable amounts, never paying more than them. */
  | { kind: 'pro-rata'; recovered: bigint }

/** A loss as a policy sees it: who, and how much. */
export type PolicyInput = { account: Address; loss: bigint }

/** What an account is paid under the policy, next to what it lost. */
export type Payout = { account: Address; loss: bigint; amount: bigint }

export type PolicyResult = {
  /** Accounts paid something, in the order of the losses given. */
  payouts: Payout[]
  /** What the policy pays in all. */
  total: bigint
  /** The losses it started from, in all. */
  lossTotal: bigint
  /**
   * What a pro-rata stage could not hand out because every share is rounded down: less than one
   * base unit per account. It stays with the funder, who never sends it (see proRata).
   */
  dust: bigint
  /** Accounts with a loss that the policy pays nothing, and why. */
  unpaid: { account: Address; loss: bigint; reason: string }[]
  /** The policy in words, as the journal and the report state it: `minimum 100 → cap 5000 → pro-rata to 42000`. */
  description: string
}

export class PolicyError extends FirebreakError {
  override name = 'PolicyError'
}

/** A policy's stages in the order that makes each option mean what it says, whatever order the user gave them in. */
export function reimbursementPolicy(options: { minimum?: bigint; cap?: bigint; proRata?: bigint } = {}): PolicyStage[] {
  const stages: PolicyStage[] = []
  // Threshold first: it is a rule about the loss, and accounts it removes must not dilute the pro-rata share.
  if (options.minimum !== undefined) stages.push({ kind: 'minimum', threshold: options.minimum })
  // Cap before pro-rata: what the cap frees is shared among the others instead of staying unpaid.
  if (options.cap !== undefined) stages.push({ kind: 'cap', cap: options.cap })
  stages.push(options.proRata === undefined ? { kind: 'full' } : { kind: 'pro-rata', recovered: options.proRata })
  return stages
}

/** The stages in words, in the order they apply. */
export function describePolicy(stages: readonly PolicyStage[]): string {
  if (stages.length === 0) return 'full'
  return stages
    .map((stage) => {
      switch (stage.kind) {
        case 'full':
          return 'full'
        case 'minimum':
          return `minimum loss ${stage.threshold}`
        case 'cap':
          return `cap ${stage.cap} per account`
        case 'pro-rata':
          return `pro-rata to ${stage.recovered} recovered`
      }
    })
    .join(' → ')
}

type Row = { account: Address; loss: bigint; amount: bigint; unpaidReason?: string }

/**
 * Applies `stages` in order to the losses and returns what each account is paid. Pure: the same
 * losses and stages give the same payouts anywhere, so the published distribution can be checked
 * by anyone who has the losses file and the policy.
 */
export function applyPolicy(losses: readonly PolicyInput[], stages: readonly PolicyStage[]): PolicyResult {
  for (const stage of stages) validateStage(stage)
  let rows: Row[] = losses.map(({ account, loss }) => ({ account, loss, amount: loss }))
  let dust = 0n
  for (const stage of stages) {
    switch (stage.kind) {
      case 'full':
        break
      case 'minimum':
        rows = minimumLoss(rows, stage.threshold)
        break
      case 'cap':
        rows = capPerAccount(rows, stage.cap)
        break
      case 'pro-rata': {
        const shared = proRata(rows, stage.recovered)
        rows = shared.rows
        dust += shared.dust
        break
      }
    }
  }
  const payouts: Payout[] = []
  const unpaid: PolicyResult['unpaid'] = []
  for (const row of rows) {
    if (row.amount > 0n) payouts.push({ account: row.account, loss: row.loss, amount: row.amount })
    else if (row.loss > 0n) unpaid.push({ account: row.account, loss: row.loss, reason: row.unpaidReason ?? 'its share rounds down to 0' })
  }
  return {
    payouts,
    total: sum(payouts.map((payout) => payout.amount)),
    lossTotal: sum(losses.map((row) => row.loss)),
    dust,
    unpaid,
    description: describePolicy(stages),
  }
}

/** Accounts whose loss is under `threshold` are paid nothing. */
export function minimumLoss<T extends Row>(rows: readonly T[], threshold: bigint): T[] {
  return rows.map((row) => (row.loss < threshold ? { ...row, amount: 0n, unpaidReason: `its loss is under the minimum of ${threshold}` } : row))
}

/** No account is paid more than `cap`. */
export function capPerAccount<T extends Row>(rows: readonly T[], cap: bigint): T[] {
  return rows.map((row) => (row.amount > cap ? { ...row, amount: cap } : row))
}

/**
 * Shares `recovered` in proportion to each account's claimable amount: `amount × recovered / Σ`,
 * rounded down. When `recovered` covers everything, everyone is paid in full and nothing more.
 *
 * The rounded shares never add up to more than `recovered`: each is at most its exact share, and
 * the exact shares add up to `recovered`. What rounding leaves (the dust, under one base unit per
 * account) is not handed out: it stays with the funder. Giving it to the accounts with the largest
 * remainders would pay some accounts one unit more than others in the same position, on a
 * tie-break nobody can check from the published file alone.
 */
export function proRata<T extends Row>(rows: readonly T[], recovered: bigint): { rows: T[]; dust: bigint } {
  const claimable = sum(rows.map((row) => row.amount))
  if (claimable <= recovered) return { rows: [...rows], dust: 0n }
  const shared = rows.map((row) => ({ ...row, amount: (row.amount * recovered) / claimable }))
  return { rows: shared, dust: recovered - sum(shared.map((row) => row.amount)) }
}

function validateStage(stage: PolicyStage): void {
  const negative = (value: bigint, what: string) => {
    if (value < 0n) throw new PolicyError(`the policy's ${what} is negative (${value}): give an amount of 0 or more in the token's base units`)
  }
  if (stage.kind === 'minimum') negative(stage.threshold, 'minimum')
  if (stage.kind === 'cap') negative(stage.cap, 'cap')
  if (stage.kind === 'pro-rata') negative(stage.recovered, 'recovered amount')
}

function sum(values: readonly bigint[]): bigint {
  return values.reduce((total, value) => total + value, 0n)
}
