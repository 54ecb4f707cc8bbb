import { type Address, isAddressEqual } from 'viem'
import { type JournalLike, wasSent } from '../../journalLike.js'
import type { Plan, SafeAuthority, Step } from '../../plan.js'
import { CANONICAL_MULTI_SEND_CALL_ONLY } from './abi.js'
import { type SafeTxHashes, safeTxHashes } from './hashes.js'
import { type SafeTransaction, buildSafeTransaction } from './safeTransaction.js'

export type PendingSafeTransaction = { step: Step; authority: SafeAuthority; transaction: SafeTransaction; hashes: SafeTxHashes }

/** The MultiSendCallOnly a Safe authority batches through. */
export function multiSendOf(authority: SafeAuthority): Address {
  return authority.multiSend ?? CANONICAL_MULTI_SEND_CALL_ONLY
}

/**
 * The Safe transactions of every step of `plan` that `safe` has yet to send, in plan order. Each
 * takes the next nonce: the Safe executes its transactions in nonce order, so every one of them can
 * be signed now, before the first is sent — owners sign the whole plan in one sitting.
 */
export function pendingSafeTransactions(plan: Plan, journal: JournalLike, safe: Address, currentNonce: bigint, chainId: number): PendingSafeTransaction[] {
  const pending: PendingSafeTransaction[] = []
  for (const step of plan.steps) {
    const { authority } = step
    if (authority.kind !== 'safe' || !isAddressEqual(authority.address, safe) || wasSent(journal, plan, step)) continue
    const transaction = buildSafeTransaction(
      step.actions.map((action) => action.call),
      { nonce: currentNonce + BigInt(pending.length), multiSend: multiSendOf(authority) },
    )
    pending.push({ step, authority, transaction, hashes: safeTxHashes(chainId, safe, transaction) })
  }
  return pending
}
