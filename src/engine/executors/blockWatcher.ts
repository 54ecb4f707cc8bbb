import type { Hash, TransactionReceipt } from 'viem'
import { TransactionReceiptNotFoundError } from 'viem'
import type { ChainClients } from '../../chain/clients.js'
import { FirebreakError } from '../../errors.js'

type Client = ChainClients['public']

/**
 * The least a wait for a receipt tolerates without a new block. A node slower than that does
 * not shorten it: the allowance grows with the block time and the round trip measured.
 */
const minimumStallMs = 120_000
const stallBlocks = 30
const stallRoundTrips = 100

/** No new block arrived for longer than the node's own pace explains: the node or the chain is stuck. */
export class ReceiptWaitStalledError extends FirebreakError {
  override name = 'ReceiptWaitStalledError'
}

/**
 * One poll of the chain's head per client, shared by every wait on it: a plan's 200 pending steps
 * look for their receipts once per block, together, instead of each polling on its own. It also
 * measures the node's pace (time between blocks, round trip of a request), from which a wait
 * decides when the chain has stalled: a slow node or a slow chain waits longer, never a fixed time.
 */
export class BlockWatcher {
  /** Head seen last, and when. */
  private head: bigint | undefined
  private headSeenAt = 0
  /** Smoothed time between blocks and round trip of one request, in ms, once measured. */
  private blockMs: number | undefined
  private roundTripMs: number | undefined
  private readonly waiters = new Set<{ after: bigint; resolve(head: bigint): void; reject(error: unknown): void }>()
  private polling = false

  constructor(private readonly client: Client) {}

  /** The head now (one request), also recorded as the latest progress. */
  async current(): Promise<bigint> {
    const started = Date.now()
    const head = await this.client.getBlockNumber({ cacheTime: 0 })
    this.observe(head, Date.now() - started)
    return head
  }

  /**
   * The head once it is other than `after` (a new block), or after `withinMs` whatever it is (a receipt a node serves
   * a moment after its block, a chain that mines only when asked).
   */
  next(after: bigint, withinMs: number): Promise<bigint> {
    return new Promise((resolve, reject) => {
      const waiter = {
        after,
        resolve: (head: bigint) => {
          clearTimeout(timer)
          this.waiters.delete(waiter)
          resolve(head)
        },
        reject: (error: unknown) => {
          clearTimeout(timer)
          this.waiters.delete(waiter)
          reject(error)
        },
      }
      const timer = setTimeout(() => waiter.resolve(this.head ?? after), withinMs)
      this.waiters.add(waiter)
      if (this.head !== undefined && this.head !== after) waiter.resolve(this.head)
      else void this.poll()
    })
  }

  /** How long no new block is taken for the node's pace, before a wait gives up. */
  stallAllowanceMs(): number {
    return Math.max(minimumStallMs, stallBlocks * (this.blockMs ?? 0), stallRoundTrips * (this.roundTripMs ?? 0))
  }

  /** How often a waiter looks again without a new block: a block's time, at least a second. */
  recheckMs(): number {
    return Math.max(1_000, this.blockMs ?? 0)
  }

  /** Milliseconds since the head last moved. */
  sinceProgressMs(): number {
    return this.headSeenAt === 0 ? 0 : Date.now() - this.headSeenAt
  }

  private observe(head: bigint, roundTripMs: number): void {
    const now = Date.now()
    this.roundTripMs = this.roundTripMs === undefined ? roundTripMs : (this.roundTripMs * 3 + roundTripMs) / 4
    // A head that goes back (a reorg, a test chain reverted to a snapshot) is the new head too.
    if (this.head === undefined || head !== this.head) {
      if (this.head !== undefined && head > this.head) {
        const perBlock = (now - this.headSeenAt) / Number(head - this.head)
        this.blockMs = this.blockMs === undefined ? perBlock : (this.blockMs * 3 + perBlock) / 4
      }
      this.head = head
      this.headSeenAt = now
    }
    for (const waiter of [...this.waiters]) if (head !== waiter.after) waiter.resolve(head)
  }

  private async poll(): Promise<void> {
    if (this.polling) return
    this.polling = true
    try {
      while (this.waiters.size > 0) {
        await this.current()
        if (this.waiters.size > 0) await sleep(this.client.pollingInterval)
      }
    } catch (error) {
      for (const waiter of [...this.waiters]) waiter.reject(error)
    } finally {
      this.polling = false
    }
  }
}

const watchers = new WeakMap<Client, BlockWatcher>()

/** The block watcher shared by every wait on this client. */
export function blockWatcher(client: Client): BlockWatcher {
  let watcher = watchers.get(client)
  if (!watcher) watchers.set(client, (watcher = new BlockWatcher(client)))
  return watcher
}

/** Throws when the head has not moved, since `waitingSince` at least, for longer than the node's pace allows. */
export function assertProgress(watcher: BlockWatcher, hashes: readonly Hash[], waitingSince: number): void {
  const still = Math.min(watcher.sinceProgressMs(), Date.now() - waitingSince)
  const allowed = watcher.stallAllowanceMs()
  if (still <= allowed) return
  throw new ReceiptWaitStalledError(`no new block for ${Math.round(still / 1000)} s while waiting for ${hashes.length > 1 ? 'one of ' : ''}${hashes.join(', ')}`, {
    metaMessages: [
      `The node's pace allows ${Math.round(allowed / 1000)} s without a block; the transaction may still be mined.`,
      'Check the node, then run the same command again: it waits for the journaled transaction instead of sending another.',
    ],
  })
}

/**
 * Waits until one of several versions of a transaction (a step's original and its replacements)
 * is mined. No fixed timeout: it waits as long as blocks keep coming, and gives up only when the
 * chain stalls for longer than its measured pace explains.
 */
export async function waitForAnyReceipt(client: Client, hashes: readonly Hash[]): Promise<TransactionReceipt> {
  const watcher = blockWatcher(client)
  const since = Date.now()
  let head = await watcher.current()
  for (;;) {
    const receipt = (await Promise.all(hashes.map((hash) => receiptOf(client, hash)))).find((found) => found !== undefined)
    if (receipt) return receipt
    assertProgress(watcher, hashes, since)
    head = await watcher.next(head, watcher.recheckMs())
  }
}

/** A transaction's receipt, or undefined while it is not mined. */
export async function receiptOf(client: Client, hash: Hash): Promise<TransactionReceipt | undefined> {
  try {
    return await client.getTransactionReceipt({ hash })
  } catch (error) {
    if (error instanceof TransactionReceiptNotFoundError) return undefined
    throw error
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
