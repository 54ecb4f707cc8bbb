import { HttpRequestError, ResponseBodyTooLargeError, RpcRequestError, TimeoutError, WebSocketRequestError } from 'viem'
import { FirebreakError } from '../errors.js'

/**
 * How a request failed when the node (or whatever stands in front of it) gave no real answer:
 * - `dropped`: the connection closed before the answer arrived;
 * - `refused`: nothing listens at the address (a node restarting, or the wrong port);
 * - `timeout`: no answer in time;
 * - `rate-limited`: HTTP 429, or a JSON-RPC error that says "too many requests";
 * - `unavailable`: a gateway's 502, 503 or 504;
 * - `malformed`: an answer that is not JSON-RPC (a truncated body, a batch with answers missing);
 * - `http`: any other HTTP error status (401, 403, 404: a wrong URL or key, not worth asking again).
 */
export type NodeFaultKind = 'dropped' | 'refused' | 'timeout' | 'rate-limited' | 'unavailable' | 'malformed' | 'http'

export type NodeFault = {
  kind: NodeFaultKind
  /** The fault in a few words a user can act on: "connection dropped", "HTTP 429 (rate limited)". */
  description: string
  /** The node may answer if asked again. */
  transient: boolean
  /**
   * The request surely never reached the node's execution (a rate limiter or a load balancer
   * turned it away, or nothing listened): sending it again cannot do anything twice.
   */
  unprocessed: boolean
  /** The node asked to be left alone this long (a Retry-After header). */
  retryAfterMs?: number
}

/**
 * The node never gave a real answer, even after retries: firebreak's verdict on the node, which
 * says nothing about the contract or the transaction it was asked about.
 */
export class NodeFailedError extends FirebreakError {
  override name = 'NodeFailedError'
  /** The node, without any path, query or credentials (which may hold an API key). */
  readonly node: string
  readonly method: string
  readonly attempts: number
  readonly fault: NodeFault

  constructor(parameters: { node: string; method: string; attempts: number; fault: NodeFault; resendUnsafe?: boolean; cause?: unknown }) {
    const { node, method, attempts, fault } = parameters
    const what = attempts > 1 ? `kept failing (${attempts} attempts: ${fault.description})` : `failed (${fault.description})`
    const notResent = parameters.resendUnsafe ? ': it was not sent again, as the node may have acted on it' : ''
    super(`the node at ${node} ${what} on ${method}${notResent}`, {
      metaMessages: [
        ...lastError(parameters.cause),
        parameters.resendUnsafe
          ? 'Check on chain whether the transaction landed before sending it again; a journaled step resumes by itself.'
          : 'Check the node or use another RPC URL, then run the same command again.',
      ],
      cause: parameters.cause,
    })
    this.node = node
    this.method = method
    this.attempts = attempts
    this.fault = fault
  }
}

/**
 * What the HTTP client said last, for --verbose: viem's short message and the system's reason
 * ("HTTP request failed. (other side closed)"). Never viem's full message, which prints the URL.
 */
function lastError(cause: unknown): string[] {
  const chain = causes(cause)
  const short = (chain[0] as { shortMessage?: unknown } | undefined)?.shortMessage
  const innermost = chain.at(-1) as { message?: unknown } | undefined
  const reason = chain.length > 1 && typeof innermost?.message === 'string' ? innermost.message.split('\n')[0] : undefined
  if (typeof short !== 'string') return []
  return [`last error: ${short}${reason ? ` (${reason})` : ''}`]
}

/**
 * The part of an RPC URL that is safe to print: scheme, host and port. Providers put API keys in
 * the path (Infura's /v3/KEY, Alchemy's /v2/KEY), the query or the credentials.
 */
export function nodeLabel(rpcUrl: string): string {
  try {
    const url = new URL(rpcUrl)
    return `${url.protocol}//${url.host}`
  } catch {
    return 'an RPC URL that does not parse'
  }
}

/** JSON-RPC codes with which providers say "too many requests" in a 200 answer (Alchemy in a batch, QuickNode). */
const rateLimitCodes = new Set([429, -32007])
/** -32005 is "limit exceeded": a rate limit at Infura, a log range refusal at geth. Only the former is asked again. */
const rateLimitMessage = /rate|too many requests|request (count|limit)|per second|capacity|throughput/i

/**
 * What went wrong with the node, or `undefined` when the error is the node's real answer (a
 * revert, invalid params, "nonce too low", a log range refusal), which no retry changes.
 */
export function nodeFault(error: unknown): NodeFault | undefined {
  const chain = causes(error)
  const failed = chain.find((cause): cause is NodeFailedError => cause instanceof NodeFailedError)
  if (failed) return failed.fault
  if (chain.some((cause) => cause instanceof ResponseBodyTooLargeError)) return undefined
  if (chain.some((cause) => cause instanceof TimeoutError)) return { kind: 'timeout', description: 'no answer in time', transient: true, unprocessed: false }

  const http = chain.find((cause): cause is HttpRequestError | RpcRequestError => cause instanceof HttpRequestError || cause instanceof RpcRequestError)
  const status = http?.status
  const retryAfterMs = retryAfter(http?.headers)
  const code = chain.map((cause) => (cause as { code?: unknown }).code).find((value) => typeof value === 'number') as number | undefined
  const text = chain.map((cause) => (cause as { details?: unknown; message?: unknown }).details ?? (cause as { message?: unknown }).message).filter((value) => typeof value === 'string').join('\n')

  if (status === 429 || (code !== undefined && rateLimitCodes.has(code)) || (code === -32005 && rateLimitMessage.test(text))) {
    return { kind: 'rate-limited', description: status === 429 ? 'HTTP 429: rate limited' : 'rate limited', transient: true, unprocessed: true, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) }
  }
  if (status === 502 || status === 503 || status === 504 || status === 408) {
    // A load balancer's 503 turns the request away; a 502 or 504 may come after the node acted on it.
    return { kind: 'unavailable', description: `HTTP ${status}`, transient: true, unprocessed: status === 503, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) }
  }
  // Any other JSON-RPC error is the node's answer, even under an HTTP error status.
  if (code !== undefined || chain.some((cause) => cause instanceof RpcRequestError)) return undefined
  if (http instanceof HttpRequestError && status !== undefined) return { kind: 'http', description: `HTTP ${status}`, transient: false, unprocessed: true }
  if (http instanceof HttpRequestError || chain.some((cause) => cause instanceof WebSocketRequestError)) return connectionFault(chain)
  return undefined
}

/** A request that got no HTTP answer at all: told apart by the system's error codes along the chain. */
function connectionFault(chain: unknown[]): NodeFault {
  const codes = chain.flatMap((cause) => {
    const { code, errors } = cause as { code?: unknown; errors?: unknown }
    // A connection to "localhost" tries ::1 and 127.0.0.1, and fails with an AggregateError of both.
    const inner = Array.isArray(errors) ? errors.map((item) => (item as { code?: unknown }).code) : []
    return [code, ...inner].filter((value): value is string => typeof value === 'string')
  })
  const innermost = chain.at(-1) as { message?: unknown } | undefined
  if (codes.includes('ECONNREFUSED')) return { kind: 'refused', description: 'connection refused', transient: true, unprocessed: true }
  if (codes.includes('ENOTFOUND')) return { kind: 'http', description: 'host not found', transient: false, unprocessed: true }
  if (codes.some((code) => ['UND_ERR_SOCKET', 'ECONNRESET', 'EPIPE', 'UND_ERR_CLOSED', 'ECONNABORTED'].includes(code))) {
    return { kind: 'dropped', description: 'connection dropped', transient: true, unprocessed: false }
  }
  if (codes.some((code) => ['ETIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT'].includes(code))) {
    return { kind: 'timeout', description: 'no answer in time', transient: true, unprocessed: false }
  }
  if (codes.includes('EAI_AGAIN')) return { kind: 'refused', description: 'host name lookup failed', transient: true, unprocessed: true }
  const message = typeof innermost?.message === 'string' ? innermost.message.split('\n')[0] : 'no answer'
  if (innermost instanceof SyntaxError || /expected \d+ responses/i.test(message ?? '')) {
    return { kind: 'malformed', description: `an answer that is not JSON-RPC (${message})`, transient: true, unprocessed: false }
  }
  return { kind: 'dropped', description: `connection failed (${message})`, transient: true, unprocessed: false }
}

function retryAfter(headers: Headers | undefined): number | undefined {
  const value = headers?.get('retry-after')
  if (!value) return undefined
  const seconds = Number(value)
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000)
  const at = Date.parse(value)
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now())
}

function causes(error: unknown): unknown[] {
  const chain: unknown[] = []
  for (let current = error; current !== undefined && current !== null && chain.length < 12; current = (current as { cause?: unknown }).cause) {
    chain.push(current)
    if (typeof current !== 'object') break
  }
  return chain
}
