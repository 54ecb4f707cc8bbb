import { BaseError, type Hash, MethodNotFoundRpcError, MethodNotSupportedRpcError, type Transaction, TransactionNotFoundError } from 'viem'
import { FirebreakError } from '../errors.js'
import type { ChainClients } from './clients.js'
import { nodeLabel } from './nodeFault.js'
import { unwrapNodeFailure } from './transportError.js'

export type WatchPendingTransactionsParameters = {
  /**
   * Called once for each new pending transaction, as soon as it is fetched, without waiting for
   * the others of its poll. A promise it returns is not awaited (the watcher sets its own pace);
   * its rejection, like a throw, goes to `onError`. Never called once `stop()` has been called.
   * `blockNumber` is set when the transaction was mined between its hash and its fetch.
   */
  onTransaction: (transaction: Transaction) => void | Promise<void>
  /** The wait between the end of one poll and the start of the next, in ms. Default 100. */
  pollMs?: number
  /**
   * A node's failure (already retried by the transport) or `onTransaction`'s: polling goes on.
   * Required: an armed watcher that loses its node in silence is worse than none.
   */
  onError: (error: Error) => void
}

export type WatchPendingTransactionsReturnType = {
  /**
   * Settles once the node's pending-transaction filter is installed: every transaction the node
   * receives from then on is reported. Also settles when `stop()` is called first.
   */
  ready: Promise<void>
  /** Stops polling, waits for the poll under way, and uninstalls the filter (a failure to is ignored). */
  stop(): Promise<void>
}

/** The node does not offer a pending-transaction filter (many hosted providers do not). */
export class PendingTransactionsUnavailableError extends FirebreakError {
  override name = 'PendingTransactionsUnavailableError'
}

/** Enough to recognise a hash the filter hands out again (geth does after a reorg puts it back). */
const rememberedHashes = 10_000
/** Polls in which a hash whose fetch failed is asked for again before it is given up. */
const fetchAttempts = 3

/**
 * Reports the node's new pending transactions, each once, as the full transaction.
 *
 * It polls `eth_newPendingTransactionFilter` / `eth_getFilterChanges` rather than diffing
 * `txpool_content`, although anvil answers both: each poll carries only the hashes that are new
 * (txpool_content returns the whole pool every time, megabytes on a busy mainnet node, for this
 * loop to diff), and geth, reth, Nethermind and anvil serve filters, while `txpool_*` is a debug
 * namespace most providers close. The price is one `eth_getTransactionByHash` per hash, which
 * connect's transport batches into one HTTP request per poll.
 *
 * A node forgets a filter nobody polled for a while (anvil and geth after 5 minutes: a laptop that
 * slept) or when it restarts: the filter is installed again at once, and what arrived in between
 * is not seen. Neither is a batch of hashes whose answer was lost on the way back: the node has
 * already moved the filter past them.
 */
export function watchPendingTransactions(chain: ChainClients, { onTransaction, pollMs = 100, onError }: WatchPendingTransactionsParameters): WatchPendingTransactionsReturnType {
  let filter: Awaited<ReturnType<typeof chain.public.createPendingTransactionFilter>> | undefined
  let stopping: Promise<void> | undefined
  let timer: ReturnType<typeof setTimeout> | undefined
  let inFlight: Promise<void> = Promise.resolve()
  let markReady = () => {}
  const ready = new Promise<void>((resolve) => (markReady = resolve))
  const seen = new Set<Hash>()
  /** Hashes whose fetch failed, with the attempts they have left. */
  const refetch = new Map<Hash, number>()

  const report = (error: unknown) => {
    try {
      onError(asError(unwrapNodeFailure(error)))
    } catch {
      // The watcher's own error handler failing must not end the loop it reports on.
    }
  }

  const remember = (hash: Hash) => {
    seen.add(hash)
    if (seen.size > rememberedHashes) seen.delete(seen.values().next().value as Hash)
  }

  const install = async () => {
    try {
      filter = await chain.public.createPendingTransactionFilter()
      markReady()
    } catch (error) {
      report(isMethodMissing(error) ? unavailable(chain, error) : error)
    }
  }

  const deliver = (transaction: Transaction) => {
    if (stopping) return
    try {
      void Promise.resolve(onTransaction(transaction)).catch(report)
    } catch (error) {
      report(error)
    }
  }

  const fetchOne = async (hash: Hash) => {
    try {
      const transaction = await chain.public.getTransaction({ hash })
      refetch.delete(hash)
      remember(hash)
      deliver(transaction)
    } catch (error) {
      if (error instanceof TransactionNotFoundError) {
        // Dropped, or replaced by another with its nonce, between its hash and its fetch: nothing to front-run.
        refetch.delete(hash)
        remember(hash)
        return
      }
      const left = (refetch.get(hash) ?? fetchAttempts) - 1
      if (left > 0) refetch.set(hash, left)
      else refetch.delete(hash)
      report(error)
    }
  }

  const poll = async () => {
    if (!filter) {
      await install()
      if (!filter) return
    }
    let hashes: Hash[] = []
    try {
      hashes = await chain.public.getFilterChanges({ filter })
    } catch (error) {
      if (isFilterNotFound(error)) {
        filter = undefined
        await install()
      } else report(error)
    }
    const fresh = new Set([...refetch.keys(), ...hashes.filter((hash) => !seen.has(hash))])
    await Promise.all([...fresh].map(fetchOne))
  }

  const run = () => {
    timer = undefined
    if (stopping) return
    inFlight = poll().finally(() => {
      if (!stopping) timer = setTimeout(run, pollMs)
    })
  }

  run()

  return {
    ready,
    stop() {
      stopping ??= (async () => {
        markReady()
        if (timer) clearTimeout(timer)
        timer = undefined
        await inFlight.catch(() => {})
        if (filter) await chain.public.uninstallFilter({ filter }).catch(() => {})
        filter = undefined
      })()
      return stopping
    },
  }
}

/** geth, reth and anvil say "filter not found"; Nethermind "Filter with id … does not exist". */
function isFilterNotFound(error: unknown): boolean {
  const text = error instanceof BaseError ? `${error.details} ${error.shortMessage}` : String((error as Error)?.message ?? error)
  return /filter (not found|.*does ?n[o']t exist)|unknown filter/i.test(text)
}

function isMethodMissing(error: unknown): boolean {
  return error instanceof BaseError && error.walk((cause) => cause instanceof MethodNotFoundRpcError || cause instanceof MethodNotSupportedRpcError) !== null
}

function unavailable(chain: ChainClients, cause: unknown): PendingTransactionsUnavailableError {
  return new PendingTransactionsUnavailableError(`the node at ${nodeLabel(chain.rpcUrl)} does not offer pending transactions (eth_newPendingTransactionFilter)`, {
    metaMessages: ["Watch through a node of your own (geth, reth, Nethermind) or a provider plan that serves the mempool: hosted RPCs often hide it."],
    cause,
  })
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error))
}
