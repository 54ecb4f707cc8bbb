import type { Hash, Hex, LocalAccount, TransactionReceipt } from 'viem'
import type { ChainClients } from '../../chain/clients.js'
import type { JournalLike } from '../journalLike.js'
import type { Plan, Step } from '../plan.js'
import type { KeyLanes } from './keyLane.js'

/**
 * Performs one step through the authority that holds it. `prepare` runs for every pending step of
 * a plan before the first one is sent, so a missing key, a signer who is not an owner or a
 * threshold not met stops the plan with nothing sent.
 */
export type Executor = {
  /** Shown in progress and in the journal: `key guardian 0xabc…`, `Safe 2-of-3 0xdef…`. */
  describe: string
  /** Checks everything that could stop the send, without sending. */
  prepare(): Promise<void>
  /**
   * Sends the step's one transaction and returns its hash. An executor that signs locally calls
   * `beforeBroadcast` with the hash and the signed transaction first, so the journal holds the
   * transaction before any node can: a run killed at that moment resumes by waiting for it (or
   * broadcasting it again), never by signing a second one.
   */
  send(beforeBroadcast?: (signed: SignedForBroadcast) => void): Promise<Hash>
  /**
   * Waits for the step's transaction. A key executor replaces a transaction that is not mined in
   * time with a higher-fee one (same nonce) and reports each replacement before it is sent on.
   */
  confirm?(hash: Hash, onReplaced: (replacement: Hash) => void): Promise<TransactionReceipt>
  /** The nonce of the transaction last sent, where the executor chose it (a key): journaled with the send. */
  readonly lastNonce?: number | undefined
}

/** A transaction signed and not yet broadcast: public data (it is about to be), never a key. */
export type SignedForBroadcast = { hash: Hash; serialized: Hex }

export type ExecutorContext = {
  chain: ChainClients
  plan: Plan
  step: Step
  journal: JournalLike
  /** Keys handed over in memory (never read from or written to a file). */
  accounts?: readonly LocalAccount[]
  /** Where executors write what signers need: Safe transactions, Transaction Builder batches. */
  outputDir?: string
  /** Signature files from Safe owners, one per signer, so that signers need not share a machine. */
  signatureFiles?: readonly string[]
  /** Blocks a key waits for its transaction to be mined before replacing it with higher fees. */
  replaceAfterBlocks?: number
  /**
   * Steps of one key go out together (consecutive nonces, one broadcast, confirmed in the same
   * blocks) rather than each waiting for the one before to be mined. Default true; `false` sends
   * one transaction per block, as firebreak did before (the benchmark's baseline).
   */
  pipeline?: boolean
  /** The nonces each key of the run hands out to its steps: made by runPhase for one run of a plan. */
  keyLanes?: KeyLanes
}
