import { type AbiEvent, type Address, type Hex, type Log, numberToHex, parseAbiItem, toEventSelector } from 'viem'
import { FirebreakError, errorMessage } from '../errors.js'
import type { ChainClients } from './clients.js'
import { NodeFailedError, nodeFault } from './nodeFault.js'

/** The node refused a log query even for a single block: no smaller range exists to retry with. */
export class LogRangeError extends FirebreakError {
  override name = 'LogRangeError'
}

export type ReadLogsAdaptiveParameters = {
  address: Address
  /** The event, as a human-readable signature or an ABI item. Default: ERC-20 `Transfer`. */
  event?: string | AbiEvent
  /**
   * Several events read together, in chain order (a role's grants and revocations, which only
   * make sense replayed in the order they happened). Takes precedence over `event`.
   */
  events?: readonly AbiEvent[]
  fromBlock: bigint
  toBlock: bigint
  /** The first range tried, in blocks. Default 100_000: most chains' limits are far below, most local chains far above. */
  initialRange?: bigint
  /** Never grow beyond this. Default: initialRange. */
  maxRange?: bigint
  /** Called after every range-too-large refusal (benches and the CLI show it). */
  onRangeShrunk?: (range: { from: bigint; to: bigint; nextRange: bigint; reason: string }) => void
}

export type LogChunk = { fromBlock: bigint; toBlock: bigint; logs: Log<bigint, number, false, AbiEvent>[] }

/** A log as the node sends it: what a scan that only needs a few fields reads, without decoding. */
export type RawLog = { topics: Hex[]; data: Hex }

export type RawLogChunk = { fromBlock: bigint; toBlock: bigint; logs: RawLog[] }

export const transferEvent = 'event Transfer(address indexed from, address indexed to, uint256 value)'

/**
 * Messages and codes with which real providers refuse an `eth_getLogs` that is too wide or returns
 * too much: geth/Infura (-32005 "query returned more than 10000 results"), Infura's live range cap
 * (-32602 "range 1000000 exceeds limit of 10000"), Alchemy ("Log response size exceeded… reduce
 * query block range", "up to a 2K block range"), Tenderly/others ("range … is bigger than range
 * limit"), op-geth/scroll ("block range is bigger than maxBlockRange"), QuickNode/BSC ("exceed
 * maximum block range"), Ankr/Cloudflare ("block range is too wide", "too many blocks").
 */
const rangeTooLargePatterns = [
  /more than \d+ results/i,
  /query returned more than/i,
  /response size (exceeded|is larger)/i,
  /reduce (the )?(query )?block range/i,
  /block range/i,
  /range (limit|\d+ exceeds)/i,
  /exceeds? (the )?(max(imum)?|limit)/i,
  /too (many|wide|large|big)/i,
  /bigger than/i,
  /limit exceeded/i,
  // viem's own cap on an HTTP response (10 MiB): a dense range of logs hits it before any node limit.
  /exceeded the size limit/i,
]

/** Whether a node's error means "ask for fewer blocks" rather than "this request is wrong". */
export function isRangeTooLargeError(error: unknown): boolean {
  // A node that does not answer a wide range in time (public RPCs, or a million logs at once) is
  // asking for fewer blocks as surely as one that says so. Any other fault of the node (a dropped
  // connection, a 429 after its retries: "Too Many Requests") is the node's, not the range's.
  const fault = nodeFault(error)
  if (fault) return fault.kind === 'timeout'
  if (error instanceof NodeFailedError) return false
  const texts: string[] = []
  let codes: number[] = []
  for (let current: unknown = error, depth = 0; current && depth < 8; depth++) {
    const item = current as { message?: unknown; shortMessage?: unknown; details?: unknown; code?: unknown; data?: unknown; cause?: unknown }
    for (const text of [item.message, item.shortMessage, item.details]) if (typeof text === 'string') texts.push(text)
    if (item.data !== undefined) texts.push(JSON.stringify(item.data))
    if (typeof item.code === 'number') codes = [...codes, item.code]
    current = item.cause
  }
  const text = texts.join('\n')
  if (codes.includes(-32005)) return true
  return rangeTooLargePatterns.some((pattern) => pattern.test(text))
}

/**
 * Reads an event's logs from `fromBlock` to `toBlock` in ranges that adapt to the node: halves the
 * range when the node refuses it as too large, and doubles it again after four successes in a row,
 * so one dense stretch of blocks does not slow down the whole scan. Yields one chunk per range read,
 * in block order, so that callers never hold more than one range's logs.
 */
export function readLogsAdaptive(chain: ChainClients, parameters: ReadLogsAdaptiveParameters): AsyncGenerator<LogChunk> {
  const events = eventsOf(parameters)
  return readAdaptive(parameters, events, async (fromBlock, toBlock) =>
    (await chain.public.getLogs({ address: parameters.address, events, fromBlock, toBlock, strict: false })) as Log<bigint, number, false, AbiEvent>[],
  )
}

/**
 * {@link readLogsAdaptive} without viem's formatting and decoding of every log, which costs several
 * times the node's own work on a dense token: for scans that read a few topics of millions of logs.
 */
export function readRawLogsAdaptive(chain: ChainClients, parameters: ReadLogsAdaptiveParameters): AsyncGenerator<RawLogChunk> {
  const events = eventsOf(parameters)
  const topics = events.map((event) => toEventSelector(event))
  return readAdaptive(parameters, events, (fromBlock, toBlock) =>
    chain.public.request({
      method: 'eth_getLogs',
      params: [{ address: parameters.address, topics: [topics.length === 1 ? topics[0]! : topics], fromBlock: numberToHex(fromBlock), toBlock: numberToHex(toBlock) }],
    }) as Promise<RawLog[]>,
  )
}

function eventsOf(parameters: ReadLogsAdaptiveParameters): AbiEvent[] {
  if (parameters.events && parameters.events.length > 0) return [...parameters.events]
  return [typeof parameters.event === 'object' ? parameters.event : (parseAbiItem(parameters.event ?? transferEvent) as AbiEvent)]
}

async function* readAdaptive<L>(parameters: ReadLogsAdaptiveParameters, events: AbiEvent[], read: (from: bigint, to: bigint) => Promise<L[]>): AsyncGenerator<{ fromBlock: bigint; toBlock: bigint; logs: L[] }> {
  const maxRange = parameters.maxRange ?? parameters.initialRange ?? 100_000n
  let range = parameters.initialRange ?? maxRange
  let successes = 0
  let from = parameters.fromBlock
  while (from <= parameters.toBlock) {
    const to = from + range - 1n < parameters.toBlock ? from + range - 1n : parameters.toBlock
    let logs: L[]
    try {
      logs = await read(from, to)
    } catch (error) {
      if (!isRangeTooLargeError(error)) throw error
      if (to === from) {
        throw new LogRangeError(`the node refuses ${events.map((event) => event.name).join('/')} logs of ${parameters.address} even for the single block ${from}`, {
          metaMessages: [`node said: ${errorMessage(error).split('\n')[0]}`, 'Use a node without a log limit (an archive node you run, or a local fork).'],
          cause: error,
        })
      }
      range = (to - from + 1n) / 2n
      successes = 0
      parameters.onRangeShrunk?.({ from, to, nextRange: range, reason: errorMessage(error).split('\n')[0] ?? '' })
      continue
    }
    yield { fromBlock: from, toBlock: to, logs }
    from = to + 1n
    if (++successes >= 4 && range < maxRange) {
      range = range * 2n > maxRange ? maxRange : range * 2n
      successes = 0
    }
  }
}
