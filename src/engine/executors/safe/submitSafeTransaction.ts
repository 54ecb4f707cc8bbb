import { type Address, type Hash, type TransactionReceipt, isAddressEqual, parseEventLogs } from 'viem'
import type { Call } from '../../plan.js'
import { firstRevertingCall } from '../../replayCalls.js'
import { decodeRevert } from '../../../chain/revert.js'
import type { Executor, ExecutorContext, SignedForBroadcast } from '../types.js'
import { safeAbi } from './abi.js'
import { SafeTransactionError } from './errors.js'
import { type PendingSafeTransaction, pendingSafeTransactions } from './pendingSafeTransactions.js'
import type { SafeState } from './readSafe.js'
import type { OwnerSignature } from './signatures.js'

/** Everything `send` needs, established by `prepare` before any step of the plan is sent. */
export type PreparedSafeTransaction = PendingSafeTransaction & {
  state: SafeState
  file: string
  signatures: OwnerSignature[]
  /** `execTransaction` with the signatures, as the submitter sends it. */
  execCall: Call
  /** The submitter's key executor: it sends `execCall` and replaces it with higher fees if it is not mined in time. */
  submitter: Executor
  submitterAddress: Address
}

/**
 * Submits `execTransaction`. The call is tried first (eth_call) so that a Safe transaction that
 * would fail is refused with its reason and costs neither gas nor the Safe's nonce.
 */
export async function submitSafeTransaction(prepared: PreparedSafeTransaction, context: ExecutorContext, beforeBroadcast?: (signed: SignedForBroadcast) => void): Promise<Hash> {
  const { chain, plan, journal } = context
  const { transaction, state, execCall } = prepared
  const safe = state.address
  const current = await chain.public.readContract({ address: safe, abi: safeAbi, functionName: 'nonce' })
  const expectedNow = pendingSafeTransactions(plan, journal, safe, current, chain.chain.id).find((each) => each.step.id === prepared.step.id)
  if (!expectedNow || expectedNow.hashes.safeTxHash !== prepared.hashes.safeTxHash) {
    throw new SafeTransactionError(
      `Safe ${safe}'s nonce is now ${current}: another Safe transaction was executed since the signatures for nonce ${transaction.nonce} were collected; run again to build and sign a new Safe transaction`,
    )
  }
  try {
    await chain.public.call({ account: prepared.submitterAddress, to: execCall.to, data: execCall.data, value: execCall.value })
  } catch (error) {
    throw await explainExecFailure(context, prepared, error)
  }
  return prepared.submitter.send(beforeBroadcast)
}

/** Safe 1.4.1's revert codes (Safe.sol, OwnerManager.sol) a submitter can meet, in words. */
const safeErrors: Record<string, string> = {
  GS010: 'not enough gas for the Safe transaction',
  GS020: 'the signatures are too short for the threshold',
  GS021: 'a contract signature points outside the signatures',
  GS024: 'a contract signature is invalid',
  GS025: 'an approved-hash signature was not approved',
  GS026: 'a signer is not an owner, or signatures are not in ascending owner order',
}

async function explainExecFailure({ chain, plan, step }: ExecutorContext, prepared: PreparedSafeTransaction, error: unknown): Promise<Error> {
  const reason = decodeRevert(error, plan.abis).text
  const code = /GS\d{3}/.exec(reason)?.[0]
  if (code === 'GS013') {
    const inner = await innerRevert(chain, prepared.state.address, step.actions, plan.abis)
    return new SafeTransactionError(`the Safe transaction of step "${step.title}" would fail: ${inner}; nothing was sent and the Safe's nonce is unchanged`, {
      metaMessages: [`Safe ${prepared.state.address} refuses with GS013 (its inner call failed, and without a refund it reverts rather than use the nonce).`],
      cause: error,
    })
  }
  const words = code ? `${safeErrors[code] ?? 'refused by the Safe'} (${code})` : reason
  return new SafeTransactionError(`the Safe transaction of step "${step.title}" would fail: ${words}; nothing was sent`, { cause: error })
}

/** Why the Safe's inner call fails: each call replayed as the Safe, until one reverts. */
async function innerRevert(chain: ExecutorContext['chain'], safe: Address, actions: ExecutorContext['step']['actions'], abis: ExecutorContext['plan']['abis']): Promise<string> {
  const failed = await firstRevertingCall(chain, safe, actions.map((action) => action.call), abis)
  if (failed) return `${actions[failed.index]!.decoded.text} reverts: ${failed.reason}`
  return actions.length > 1 ? 'the batch reverts although each call succeeds on its own (a later call depends on an earlier one)' : 'its call reverts'
}

/**
 * Waits for `execTransaction`. With safeTxGas and gasPrice 0 (always, here) Safe 1.4.1 reverts
 * the whole transaction when the inner call fails (`require(success || safeTxGas != 0 ||
 * gasPrice != 0, "GS013")`), so the receipt says `reverted` and the engine fails the step. A
 * Safe that emits `ExecutionFailure` instead (a transaction with a refund, or another Safe
 * version) would leave a successful receipt for a call that did nothing: that receipt is reported
 * as reverted too, so the step is never marked done on it.
 */
export async function confirmSafeTransaction(
  { chain }: ExecutorContext,
  prepared: PreparedSafeTransaction,
  hash: Hash,
  onReplaced: (replacement: Hash) => void,
): Promise<TransactionReceipt> {
  const { submitter, state } = prepared
  const receipt = submitter.confirm ? await submitter.confirm(hash, onReplaced) : await chain.public.waitForTransactionReceipt({ hash })
  if (receipt.status !== 'success') return receipt
  const failures = parseEventLogs({ abi: safeAbi, eventName: 'ExecutionFailure', logs: receipt.logs }).filter((log) => isAddressEqual(log.address, state.address))
  return failures.length > 0 ? { ...receipt, status: 'reverted' } : receipt
}
