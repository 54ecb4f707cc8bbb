import { type Address, erc20Abi, getAddress } from 'viem'
import { type Authority, type Plan, type Step, contractCall, viewFunction } from '../engine/plan.js'

export type TransferPayout = { index: number; account: Address; amount: bigint }

export type BuildTransferPlanParameters = {
  id: string
  /** The token paid out. */
  token: Address
  payouts: readonly TransferPayout[]
  /** Sends the transfers from its own balance. */
  funder: Authority
  /**
   * Each account's balance of the token when the plan was first built. A transfer is verified by
   * the balance reaching baseline + amount; a resumed run must pass the same baseline, or a transfer
   * already made would be expected twice.
   */
  baseline: ReadonlyMap<Address, bigint>
  /** Transfers per Safe transaction (one MultiSend). A key sends one call per transaction, so one transfer per step. Default 50. */
  batchSize?: number
}

/**
 * Pays each account directly from the funder: for a short list, where a claim contract would cost
 * the users more in gas than it saves the team. Each step is one transaction (one transfer from a
 * key, a batch from a Safe), so an interrupted run resumes at the first unpaid step.
 */
export function buildTransferPlan(parameters: BuildTransferPlanParameters): Plan {
  const { id, token, payouts, funder, baseline } = parameters
  const batchSize = funder.kind === 'safe' ? Math.max(1, parameters.batchSize ?? 50) : 1
  const tokenRef = { name: 'token', address: token, abi: erc20Abi }
  const balanceOf = viewFunction(erc20Abi, 'balanceOf')
  const steps: Step[] = []
  for (let start = 0; start < payouts.length; start += batchSize) {
    const batch = payouts.slice(start, start + batchSize)
    const first = batch[0]!
    const last = batch.at(-1)!
    steps.push({
      id: batch.length === 1 ? `transfer-${first.index}` : `transfer-${first.index}-${last.index}`,
      title: batch.length === 1 ? `pay ${first.account} ${first.amount}` : `pay ${batch.length} accounts (entries ${first.index}–${last.index})`,
      authority: funder,
      actions: batch.map((payout) => contractCall(tokenRef, 'transfer', [payout.account, payout.amount])),
      postconditions: batch.map((payout) => ({
        kind: 'read' as const,
        description: `${payout.account} received ${payout.amount}`,
        address: token,
        abi: balanceOf,
        args: [payout.account],
        expect: (baseline.get(getAddress(payout.account)) ?? 0n) + payout.amount,
        op: 'gte' as const,
      })),
    })
  }
  const total = payouts.reduce((sum, payout) => sum + payout.amount, 0n)
  // The transfers need nothing of each other: a key's are sent back to back, each journaled first,
  // rather than one a block (a Safe's batches still go one after the other, by its nonce).
  return { id, phase: 'recover', title: `pay ${payouts.length} accounts ${total} directly from ${funder.label}`, steps, abis: [erc20Abi], independentAuthorities: true }
}
