import { type EIP1193RequestFn, type Hex, type HttpTransportConfig, type Transport, http, keccak256 } from 'viem'
import { NodeFailedError, type NodeFault, nodeFault, nodeLabel } from './nodeFault.js'

export type RetryPolicy = {
  /** Attempts in all, the first one included. Default 5. */
  attempts?: number
  /** The wait before the second attempt, doubled before each further one. Default 200 ms. */
  baseDelayMs?: number
  /** No single wait is longer, whatever a node's Retry-After asks for. Default 4_000 ms. */
  maxDelayMs?: number
  /** No attempt starts later than this after the first one (timeouts add up). Default 30_000 ms. */
  budgetMs?: number
}

export type RetryEvent = { method: string; attempt: number; fault: NodeFault; delayMs: number }

export type RetryingHttpParameters = {
  batch?: HttpTransportConfig['batch']
  onFetchRequest?: HttpTransportConfig['onFetchRequest']
  /** Per attempt, in ms. Default viem's 10_000. */
  timeout?: number
  retry?: RetryPolicy
  /** Called before each retry (the CLI and the tests show them). */
  onRetry?: (event: RetryEvent) => void
}

/**
 * Methods that act each time they arrive: a second delivery after a lost answer mines another
 * block, moves the clock again, or sends a second transaction signed by the node with the next
 * nonce. They are sent again only when the node surely never saw them (a 429, a refused connection).
 */
const actsOnEachDelivery = new Set([
  'eth_sendTransaction',
  'eth_sendUnsignedTransaction',
  'wallet_sendTransaction',
  'evm_mine',
  'anvil_mine',
  'evm_increaseTime',
  'anvil_increaseTime',
  'evm_revert',
])

/**
 * viem's HTTP transport, with firebreak's retries of a node's transient faults (HTTP 429, 502,
 * 503, 504, dropped or refused connections, timeouts) and none of a node's real answers (a revert,
 * invalid params). Each JSON-RPC request retries on its own, so in a batch where one item was
 * rate-limited only that item is asked again, and the retries of a dropped batch travel together
 * in one batch again. A request that still fails ends in one {@link NodeFailedError}.
 *
 * Not viem's own `retryCount`: it also retries real answers (-32603, -32005 log range refusals
 * that the adaptive log reader must see at once), waits as long as any Retry-After says, never
 * retries sends, and ends with the last fault's error rather than the node's.
 */
export function retryingHttp(rpcUrl: string, parameters: RetryingHttpParameters = {}): Transport<'http'> {
  const { attempts = 5, baseDelayMs = 200, maxDelayMs = 4_000, budgetMs = 30_000 } = parameters.retry ?? {}
  const node = nodeLabel(rpcUrl)
  const inner = http(rpcUrl, { batch: parameters.batch, onFetchRequest: parameters.onFetchRequest, timeout: parameters.timeout, retryCount: 0 })

  return (options) => {
    const base = inner({ ...options, retryCount: 0 })
    const send = base.request as (args: { method: string; params?: unknown }, overrides?: { signal?: AbortSignal; dedupe?: boolean }) => Promise<unknown>

    // viem asks sends not to be retried ({ retryCount: 0 }); firebreak decides by method below.
    const request = async (args: { method: string; params?: unknown }, overrides?: { signal?: AbortSignal; dedupe?: boolean }) => {
      const started = Date.now()
      const forward = { ...(overrides?.signal ? { signal: overrides.signal } : {}), ...(overrides?.dedupe ? { dedupe: true } : {}) }
      for (let attempt = 1; ; attempt++) {
        try {
          return await send(args, forward)
        } catch (error) {
          if (overrides?.signal?.aborted) throw error
          const fault = nodeFault(error)
          if (!fault) {
            if (attempt > 1 && args.method === 'eth_sendRawTransaction') return alreadyTaken(send, args.params, error)
            throw error
          }
          const resendUnsafe = actsOnEachDelivery.has(args.method) && !fault.unprocessed
          const delayMs = Math.min(maxDelayMs, Math.max(baseDelayMs * 2 ** (attempt - 1), fault.retryAfterMs ?? 0))
          // A timed-out eth_getLogs is the adaptive log reader's to shrink, not to ask again as it was.
          const shrinkInstead = fault.kind === 'timeout' && args.method === 'eth_getLogs'
          const giveUp = !fault.transient || resendUnsafe || shrinkInstead || attempt >= attempts || Date.now() - started + delayMs > budgetMs
          if (giveUp) throw new NodeFailedError({ node, method: args.method, attempts: attempt, fault, resendUnsafe, cause: error })
          parameters.onRetry?.({ method: args.method, attempt, fault, delayMs })
          await new Promise((resolve) => setTimeout(resolve, delayMs))
        }
      }
    }

    return { config: { ...base.config, retryCount: 0 }, request: request as EIP1193RequestFn, value: base.value }
  }
}

/**
 * A signed transaction sent again after its first answer was lost: the node that took it the first
 * time now refuses it ("already known", "nonce too low"). Its hash is fixed by its bytes, so the
 * node is asked whether it holds that hash: then the send succeeded, and says so.
 */
async function alreadyTaken(send: (args: { method: string; params?: unknown }) => Promise<unknown>, params: unknown, refusal: unknown): Promise<Hex> {
  const serialized = (params as Hex[] | undefined)?.[0]
  if (!serialized) throw refusal
  const hash = keccak256(serialized)
  const known = await send({ method: 'eth_getTransactionByHash', params: [hash] }).catch(() => null)
  if (known) return hash
  throw refusal
}
