import { type Address, parseAbiItem } from 'viem'
import type { ChainClients } from '../chain/clients.js'
import type { Distribution } from './buildDistribution.js'

const claimedEvent = parseAbiItem('event Claimed(uint256 indexed index, address indexed account, uint256 amount)')

export type ClaimsStatus = {
  claimed: { index: number; account: Address; amount: bigint }[]
  unclaimed: { index: number; account: Address; amount: bigint }[]
  claimedAmount: bigint
  unclaimedAmount: bigint
}

/** Reads the claim contract's Claimed events and sets them against the distribution. */
export async function trackClaims(chain: ChainClients, claimAddress: Address, distribution: Distribution): Promise<ClaimsStatus> {
  const logs = await chain.public.getLogs({ address: claimAddress, event: claimedEvent, fromBlock: 0n })
  const paid = new Set(logs.map((log) => Number(log.args.index)))
  const claimed = distribution.entries.filter((entry) => paid.has(entry.index)).map(({ index, account, amount }) => ({ index, account, amount }))
  const unclaimed = distribution.entries.filter((entry) => !paid.has(entry.index)).map(({ index, account, amount }) => ({ index, account, amount }))
  const sum = (entries: { amount: bigint }[]) => entries.reduce((total, entry) => total + entry.amount, 0n)
  return { claimed, unclaimed, claimedAmount: sum(claimed), unclaimedAmount: sum(unclaimed) }
}
