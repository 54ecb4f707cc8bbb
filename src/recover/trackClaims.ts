import { type AbiEvent, type Address, getAddress, parseAbiItem } from 'viem'
import type { ChainClients } from '../chain/clients.js'
import { readLogsAdaptive } from '../chain/readLogsAdaptive.js'
import { FirebreakError } from '../errors.js'
import type { Distribution } from '../distribution/buildDistribution.js'

const claimedEvent = parseAbiItem('event Claimed(uint256 indexed index, address indexed account, uint256 amount)') as AbiEvent
const sweptEvent = parseAbiItem('event Swept(address indexed treasury, uint256 amount)') as AbiEvent

/** The claim contract paid something the distribution does not hold: it was deployed for another tree. */
export class ClaimsMismatchError extends FirebreakError {
  override name = 'ClaimsMismatchError'
}

export type ClaimedEntry = { index: number; account: Address; amount: bigint }

export type ClaimsStatus = {
  claimed: ClaimedEntry[]
  unclaimed: ClaimedEntry[]
  claimedAmount: bigint
  unclaimedAmount: bigint
  /** What the contract sent back to the treasury after its window closed; 0 while it is open. */
  sweptAmount: bigint
  /** The last block read: claims after it are not counted. */
  toBlock: bigint
}

export type TrackClaimsOptions = {
  /** Where to start reading logs: the claim contract's deployment block. Default 0. */
  fromBlock?: bigint
  /** Default: the latest block. */
  toBlock?: bigint
  onRangeShrunk?: (range: { from: bigint; to: bigint; nextRange: bigint; reason: string }) => void
}

/**
 * Reads the claim contract's Claimed (and Swept) events in ranges the node accepts, and sets them
 * against the distribution: who has claimed, who has not, and how much each side adds up to.
 */
export async function trackClaims(chain: ChainClients, claimAddress: Address, distribution: Distribution, options: TrackClaimsOptions = {}): Promise<ClaimsStatus> {
  const toBlock = options.toBlock ?? (await chain.public.getBlockNumber({ cacheTime: 0 }))
  const fromBlock = options.fromBlock ?? 0n
  const byIndex = new Map(distribution.entries.map((entry) => [entry.index, entry]))
  const paid = new Set<number>()
  for await (const chunk of readLogsAdaptive(chain, { address: claimAddress, event: claimedEvent, fromBlock, toBlock, onRangeShrunk: options.onRangeShrunk })) {
    for (const log of chunk.logs) {
      const args = (log as unknown as { args: { index: bigint; account: Address; amount: bigint } }).args
      const index = Number(args.index)
      const entry = byIndex.get(index)
      if (!entry || getAddress(args.account) !== entry.account || args.amount !== entry.amount) {
        throw new ClaimsMismatchError(
          `claim contract ${claimAddress} paid entry ${index} (${args.account}, ${args.amount}) in transaction ${log.transactionHash}, which the distribution (root ${distribution.root}) does not hold: track it against the distribution it was deployed for`,
        )
      }
      paid.add(index)
    }
  }
  let sweptAmount = 0n
  for await (const chunk of readLogsAdaptive(chain, { address: claimAddress, event: sweptEvent, fromBlock, toBlock })) {
    for (const log of chunk.logs) sweptAmount += (log as unknown as { args: { amount: bigint } }).args.amount
  }
  const row = ({ index, account, amount }: ClaimedEntry) => ({ index, account, amount })
  const claimed = distribution.entries.filter((entry) => paid.has(entry.index)).map(row)
  const unclaimed = distribution.entries.filter((entry) => !paid.has(entry.index)).map(row)
  const sum = (entries: ClaimedEntry[]) => entries.reduce((total, entry) => total + entry.amount, 0n)
  return { claimed, unclaimed, claimedAmount: sum(claimed), unclaimedAmount: sum(unclaimed), sweptAmount, toBlock }
}
