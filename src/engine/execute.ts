import type { Abi, Address, Hash, Hex, TransactionReceipt } from 'viem'
import type { ChainClients } from '../chain/clients.js'
import { isTransportError } from '../chain/transportError.js'
import { type CheckResult, evaluateChecks } from './checks.js'
import { PostconditionFailedError, StepRevertedError, StepWaitingError } from './errors.js'
import { type Executor, type ExecutorContext, executorFor } from './executors/index.js'
import { type JournalLike, findStepEntry, journaledHashes, wasSent } from './journalLike.js'
import { type Call, type Plan, type Step, type TimelockWait, viewFunction } from './plan.js'
import { waitForAnyReceipt } from './executors/feeBump.js'
import { firstRevertingCall } from './replayCalls.js'
import { decodeRevert } from '../chain/revert.js'

export type ExecuteOptions = Omit<ExecutorContext, 'chain' | 'plan' | 'step'>

export type StepOutcome = {
  stepId: string
  /** `skipped`: the journal shows this step already done (a resumed plan never sends it twice). */
  status: 'done' | 'skipped'
  txHash?: Hash
  blockNumber?: bigint
  gasUsed?: bigint
  checks: CheckResult[]
}

/**
 * Every executor a plan needs, each prepared (keys found, signatures checked against the
 * threshold) before the first step is sent. Steps the journal shows sent need none. The first
 * problem stops it, a Safe short of signatures included: runPhase prepares its plans with the
 * same executors but sets such a Safe aside, so that the rest of the plan goes on.
 */
export async function prepareExecutors(chain: ChainClients, plan: Plan, options: ExecuteOptions): Promise<Map<string, Executor>> {
  const executors = new Map<string, Executor>()
  for (const step of plan.steps) {
    if (wasSent(options.journal, plan, step)) continue
    const executor = await executorFor({ ...options, chain, plan, step })
    await executor.prepare()
    executors.set(step.id, executor)
  }
  return executors
}

/**
 * Sends one step through its authority's executor, waits for it, verifies its postconditions on
 * the real chain and journals every transition. A step is marked done only when its checks pass.
 */
export async function executeStep(chain: ChainClients, plan: Plan, step: Step, options: ExecuteOptions & { executor?: Executor }): Promise<StepOutcome> {
  const { journal } = options
  const ids = { planId: plan.id, stepId: step.id }
  if (findStepEntry(journal, 'step.done', plan.id, step.id)) return { stepId: step.id, status: 'skipped', checks: [] }
  if (step.doneWhen && !wasSent(journal, plan, step)) {
    const [already] = await evaluateChecks(chain.public, [step.doneWhen], plan.abis)
    if (already?.passed) {
      journal.append('step.done', { ...ids, alreadyOnChain: already.description })
      return { stepId: step.id, status: 'skipped', checks: [already] }
    }
  }

  const receipt = await sendOnce(chain, plan, step, options)
  if (receipt.status !== 'success') {
    const reason = await explainStepRevert(chain, step, receipt.blockNumber, plan.abis)
    journal.append('step.failed', { ...ids, stage: 'execution', txHash: receipt.transactionHash, reason })
    throw new StepRevertedError(`step "${step.title}" reverted on chain: ${reason}`, {
      metaMessages: [`transaction ${receipt.transactionHash} in block ${receipt.blockNumber}`],
    })
  }

  const checks = await evaluateChecks(chain.public, step.postconditions, plan.abis)
  journal.append('step.verified', { ...ids, checks })
  const failed = checks.filter((check) => !check.passed)
  if (failed.length > 0) {
    journal.append('step.failed', { ...ids, stage: 'verification', checks: failed })
    throw new PostconditionFailedError(step.title, failed)
  }
  journal.append('step.done', { ...ids, txHash: receipt.transactionHash, blockNumber: receipt.blockNumber })
  return { stepId: step.id, status: 'done', txHash: receipt.transactionHash, blockNumber: receipt.blockNumber, gasUsed: receipt.gasUsed, checks }
}

/**
 * A step is sent at most once: if the journal holds a sent transaction for it (the previous run
 * was interrupted), we wait for that transaction instead of sending another.
 */
async function sendOnce(chain: ChainClients, plan: Plan, step: Step, options: ExecuteOptions & { executor?: Executor }): Promise<TransactionReceipt> {
  const { journal } = options
  const ids = { planId: plan.id, stepId: step.id }
  const mined = findStepEntry(journal, 'step.mined', plan.id, step.id)
  const sent = wasSent(journal, plan, step) ? findStepEntry(journal, 'step.sent', plan.id, step.id) : undefined
  if (mined) return waitForAnyReceipt(chain.public, [mined.txHash as Hash])
  // Interrupted between sending and mining: the record still needs the block the step landed in.
  if (sent) {
    await broadcastAgain(chain, sent.serialized as Hex | undefined)
    return recordMined(chain, journal, ids, sent.txHash as Hash, () => waitForAnyReceipt(chain.public, journaledHashes(journal, plan, step)))
  }

  if (step.after) await waitForTimelock(chain, plan, step, step.after, journal)
  let txHash: Hash | undefined
  let executor: Executor
  const recordSent = (hash: Hash, serialized?: Hex) => {
    txHash = hash
    const nonce = executor.lastNonce
    journal.append('step.sent', {
      ...ids,
      txHash: hash,
      executor: executor.describe,
      ...(nonce === undefined ? {} : { nonce }),
      ...(serialized ? { serialized } : {}),
      calls: step.actions.map((action) => action.call),
    })
  }
  try {
    executor = options.executor ?? (await executorFor({ ...options, chain, plan, step }))
    if (!options.executor) await executor.prepare()
    const hash = await executor.send((signed) => recordSent(signed.hash, signed.serialized))
    // An executor that cannot sign ahead (impersonation) is journaled once its node took the transaction.
    if (txHash === undefined) recordSent(hash)
  } catch (error) {
    if (txHash !== undefined) {
      // Journaled, then lost on the way: the node may hold it, so a resumed run broadcasts it again and waits.
      if (isTransportError(error)) throw error
      // Journaled, then refused by the node (underfunded, nonce used): it never left, and a resumed run signs anew.
      journal.append('step.failed', { ...ids, stage: 'broadcast', txHash, reason: decodeRevert(error, plan.abis).text })
      throw error
    }
    // Nothing was sent (no key, gas estimation reverted, node refused): say so, so a resume retries it.
    journal.append('step.failed', { ...ids, stage: 'send', reason: decodeRevert(error, plan.abis).text })
    throw error
  }
  const sentHash: Hash = txHash!
  const onReplaced = (replacement: Hash) => void journal.append('step.replaced', { ...ids, txHash: replacement, replaces: sentHash })
  return recordMined(chain, journal, ids, sentHash, executor.confirm ? (hash) => executor.confirm!(hash, onReplaced) : undefined)
}

/**
 * A journaled transaction the node may never have received (the run was killed between journaling
 * and broadcasting it) is handed to the node again. A node that already has it, or has mined it or
 * a replacement, refuses: that is the expected answer, and the wait that follows finds the receipt.
 */
async function broadcastAgain(chain: ChainClients, serialized: Hex | undefined): Promise<void> {
  if (!serialized) return
  await chain.public.sendRawTransaction({ serializedTransaction: serialized }).catch(() => undefined)
}

/**
 * A step behind a timelock's delay: sent only once the operation is ready. Before that, the plan
 * stops with the time it becomes ready, and a later run picks it up from the journal.
 */
async function waitForTimelock(chain: ChainClients, plan: Plan, step: Step, wait: TimelockWait, journal: JournalLike): Promise<void> {
  const read = (name: 'isOperationReady' | 'getTimestamp') =>
    chain.public.readContract({ address: wait.timelock, abi: [viewFunction(timelockViews, name)], functionName: name, args: [wait.operationId] })
  if (await read('isOperationReady')) return
  const readyAt = (await read('getTimestamp')) as bigint
  if (readyAt === 0n) throw new StepRevertedError(`step "${step.title}" cannot run: timelock ${wait.timelock} has no operation ${wait.operationId} scheduled (did the schedule step run?)`)
  journal.append('step.waiting', { planId: plan.id, stepId: step.id, timelock: wait.timelock, operationId: wait.operationId, readyAt })
  throw new StepWaitingError(step.title, wait.timelock, readyAt)
}

const timelockViews = [
  { type: 'function', name: 'isOperationReady', stateMutability: 'view', inputs: [{ name: 'id', type: 'bytes32' }], outputs: [{ name: '', type: 'bool' }] },
  { type: 'function', name: 'getTimestamp', stateMutability: 'view', inputs: [{ name: 'id', type: 'bytes32' }], outputs: [{ name: '', type: 'uint256' }] },
] as const

async function recordMined(
  chain: ChainClients,
  journal: JournalLike,
  ids: { planId: string; stepId: string },
  txHash: Hash,
  confirm: (hash: Hash) => Promise<TransactionReceipt> = (hash) => waitForAnyReceipt(chain.public, [hash]),
): Promise<TransactionReceipt> {
  const receipt = await confirm(txHash)
  journal.append('step.mined', {
    ...ids,
    txHash: receipt.transactionHash,
    status: receipt.status,
    blockNumber: receipt.blockNumber,
    gasUsed: receipt.gasUsed,
  })
  return receipt
}

/** Why a step's mined transaction reverted: its calls replayed as its authority on the state they met. */
async function explainStepRevert(chain: ChainClients, step: Step, blockNumber: bigint, abis: readonly Abi[]): Promise<string> {
  const failed = await firstRevertingCall(chain, step.authority.address, step.actions.map((action) => action.call), abis, blockNumber - 1n)
  if (!failed) return 'reverted (each call succeeds when replayed; the revert depended on the block or on the authority itself)'
  return step.actions.length > 1 ? `${step.actions[failed.index]!.decoded.text}: ${failed.reason}` : failed.reason
}

/** Why a mined transaction reverted: its call replayed on the state it met (the end of the block before). */
export async function explainRevert(chain: ChainClients, call: Call & { from: Address }, blockNumber: bigint, abis: readonly Abi[]): Promise<string> {
  const failed = await firstRevertingCall(chain, call.from, [call], abis, blockNumber - 1n)
  return failed?.reason ?? 'reverted (the call succeeds when replayed; the revert depended on the block)'
}
