import { type Address, erc20Abi } from 'viem'
import type { ChainClients } from '../chain/clients.js'
import { isTransportError } from '../chain/transportError.js'
import type { JournalLike } from '../engine/journalLike.js'
import { dataOf, entriesOf } from '../journal/entries.js'
import { FirebreakError, errorMessage } from '../errors.js'
import { tryRead } from '../chain/tryRead.js'

export type RecordAssetSeriesParameters = {
  journal: JournalLike
  /** The ERC-20 whose balances are read; its symbol and decimals are read from it unless given. */
  asset: Address
  symbol?: string
  decimals?: number
  /** The protocol's contracts holding the asset (a vault, a pool, a treasury). */
  holders: readonly { name: string; address: Address }[]
  /** Default: as many blocks before the attack as have passed since it, so the chart shows before and after alike. */
  fromBlock?: bigint
  /** Default: the latest block. */
  toBlock?: bigint
  /** Evenly spaced blocks read between fromBlock and toBlock, besides the incident's own blocks. Default 48. */
  samples?: number
}

export type AssetSeriesPoint = { blockNumber: bigint; timestamp: bigint; balances: bigint[] }

export type RecordAssetSeriesReturnType = {
  asset: { address: Address; symbol: string; decimals: number }
  holders: { name: string; address: Address }[]
  fromBlock: bigint
  toBlock: bigint
  points: AssetSeriesPoint[]
  /** Sampled blocks the node could not answer for (a pruned node keeps recent state only). */
  unavailable: bigint[]
}

/** Reads per HTTP batch: a public RPC refuses batches of hundreds of calls. */
const BLOCKS_PER_BATCH = 8

/**
 * Reads what the protocol's contracts held of `asset` at a bounded number of blocks from before
 * the attack to now, and journals it as `assets.observed`: the post-mortem draws its "assets over
 * blocks" chart from the journal alone. The blocks of the incident's own events (the attack and
 * the block before it, each step done: the pause, the fix, the restore) are always read, so the
 * chart shows each drop and recovery where it happened, whatever the sampling.
 */
export async function recordAssetSeries(chain: ChainClients, parameters: RecordAssetSeriesParameters): Promise<RecordAssetSeriesReturnType> {
  const { journal, holders } = parameters
  if (holders.length === 0) throw new FirebreakError('recordAssetSeries needs at least one holder: name the protocol contracts whose assets the chart shows')
  const toBlock = parameters.toBlock ?? (await chain.public.getBlockNumber({ cacheTime: 0 }))
  const events = incidentBlocks(journal)
  const attack = events.attack
  const fromBlock = parameters.fromBlock ?? (attack === undefined ? 0n : max(0n, attack - max(toBlock - attack, 1n)))
  if (fromBlock > toBlock) throw new FirebreakError(`cannot observe assets from block ${fromBlock} to block ${toBlock}: the range is empty`)
  const blocks = sampleBlocks(fromBlock, toBlock, parameters.samples ?? 48, events.all)

  const [symbol, decimals] = await Promise.all([
    parameters.symbol ?? tryRead(chain, { address: parameters.asset, abi: erc20Abi, functionName: 'symbol' }),
    parameters.decimals ?? tryRead(chain, { address: parameters.asset, abi: erc20Abi, functionName: 'decimals' }),
  ])
  const points: AssetSeriesPoint[] = []
  const unavailable: bigint[] = []
  let lastProblem = ''
  for (let start = 0; start < blocks.length; start += BLOCKS_PER_BATCH) {
    const batch = blocks.slice(start, start + BLOCKS_PER_BATCH)
    const read = await Promise.all(batch.map((blockNumber) => readPoint(chain, parameters.asset, holders, blockNumber)))
    read.forEach((point, index) => {
      if ('problem' in point) {
        unavailable.push(batch[index]!)
        lastProblem = point.problem
      } else points.push(point)
    })
  }
  if (points.length === 0) {
    throw new FirebreakError(`could not read ${parameters.asset} balances at any of ${blocks.length} blocks from ${fromBlock} to ${toBlock}: ${lastProblem}`, {
      metaMessages: ['Reading past state needs an archive node: use the RPC URL of one, or observe a range closer to now.'],
    })
  }
  const observed: RecordAssetSeriesReturnType = {
    asset: { address: parameters.asset, symbol: typeof symbol === 'string' ? symbol : 'tokens', decimals: typeof decimals === 'number' ? decimals : 18 },
    holders: holders.map(({ name, address }) => ({ name, address })),
    fromBlock,
    toBlock,
    points,
    unavailable,
  }
  journal.append('assets.observed', observed)
  return observed
}

async function readPoint(chain: ChainClients, asset: Address, holders: RecordAssetSeriesParameters['holders'], blockNumber: bigint): Promise<AssetSeriesPoint | { problem: string }> {
  try {
    const [block, ...balances] = await Promise.all([
      chain.public.getBlock({ blockNumber }),
      ...holders.map((holder) => chain.public.readContract({ address: asset, abi: erc20Abi, functionName: 'balanceOf', args: [holder.address], blockNumber })),
    ])
    return { blockNumber, timestamp: (block as { timestamp: bigint }).timestamp, balances: balances as bigint[] }
  } catch (error) {
    // A dead node is not a pruned one: say so rather than report every block unavailable.
    if (isTransportError(error)) throw error
    return { problem: errorMessage(error).split('\n')[0]! }
  }
}

/**
 * The blocks of the incident's journaled events, each with the block before it (the state just
 * before): the attack, later attempts, each restore, and the first and last step of each plan (a
 * migration of a thousand batches adds two blocks, not a thousand).
 */
function incidentBlocks(journal: JournalLike): { attack?: bigint; all: bigint[] } {
  const attacks = entriesOf(journal, 'attack.detected').map((entry) => entry.data)
  const events = [...attacks, ...dataOf(journal, 'attack.blocked'), ...dataOf(journal, 'restore.finished')]
  // A step found already done on chain has no block of its own: it marks nothing.
  const stepsByPlan = new Map<string, { blockNumber: string }[]>()
  for (const step of dataOf(journal, 'step.done')) {
    if (step.blockNumber !== undefined) stepsByPlan.set(step.planId, [...(stepsByPlan.get(step.planId) ?? []), { blockNumber: step.blockNumber }])
  }
  const ends = [...stepsByPlan.values()].flatMap((steps) => [steps[0]!, steps.at(-1)!])
  const all = [...events, ...ends].flatMap(({ blockNumber }) => (blockNumber === undefined ? [] : [BigInt(blockNumber), BigInt(blockNumber) - 1n]))
  const attack = attacks[0]?.blockNumber
  return { ...(attack === undefined ? {} : { attack: BigInt(attack) }), all }
}

/** `samples` evenly spaced blocks, the ends and the incident's blocks in range included, in order. */
export function sampleBlocks(fromBlock: bigint, toBlock: bigint, samples: number, include: readonly bigint[] = []): bigint[] {
  const span = toBlock - fromBlock
  const count = BigInt(Math.max(2, Math.floor(samples)))
  const chosen = new Set<bigint>([fromBlock, toBlock])
  for (let index = 0n; index < count; index++) chosen.add(fromBlock + (span * index) / (count - 1n))
  for (const block of include) if (block >= fromBlock && block <= toBlock) chosen.add(block)
  return [...chosen].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
}

function max(a: bigint, b: bigint): bigint {
  return a > b ? a : b
}
