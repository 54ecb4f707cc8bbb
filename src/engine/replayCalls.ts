import type { Abi, Address } from 'viem'
import type { ChainClients } from '../chain/clients.js'
import type { Call } from './plan.js'
import { decodeRevert } from '../chain/revert.js'

/**
 * The first of `calls` that reverts when replayed one by one as `from` (eth_call, nothing sent) on
 * the state of `blockNumber` (the latest block when absent), with its decoded reason; undefined
 * when each succeeds on its own. How a failed step, or a Safe batch that would fail, is explained.
 */
export async function firstRevertingCall(
  chain: ChainClients,
  from: Address,
  calls: readonly Call[],
  abis: readonly Abi[],
  blockNumber?: bigint,
): Promise<{ index: number; reason: string } | undefined> {
  for (const [index, call] of calls.entries()) {
    try {
      await chain.public.call({ account: from, to: call.to, data: call.data, value: call.value, ...(blockNumber === undefined ? {} : { blockNumber }) })
    } catch (error) {
      return { index, reason: decodeRevert(error, abis).text }
    }
  }
  return undefined
}
