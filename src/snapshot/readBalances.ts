import { type Address, decodeFunctionResult, encodeFunctionData, erc20Abi, hexToBigInt, multicall3Abi } from 'viem'
import type { ChainClients } from '../chain/clients.js'
import { FirebreakError } from '../errors.js'
import { readThroughBalanceReader } from './balanceReader.js'
import { type Multicall3Access, multicall3Address } from './resolveMulticall3.js'

export type BalanceReader = 'balance-reader' | 'multicall3' | 'rpc-batch'

export type ReadBalancesParameters = {
  token: Address
  accounts: readonly Address[]
  blockNumber: bigint
  /**
   * `balance-reader`: firebreak's BalanceReader through a state override, one `eth_call` per
   * `batchSize` accounts; `multicall3`: one `aggregate3` per batch; `rpc-batch`: one `eth_call` per
   * account, sent in JSON-RPC batches.
   */
  via: BalanceReader
  /** With `multicall3`: how to reach it at the block (see resolveMulticall3). Default: deployed. */
  multicall3?: Multicall3Access
  /** Accounts per `aggregate3` (multicall3) or per group of concurrent calls (rpc-batch). Default 1000. */
  batchSize?: number
  /** Batches in flight at once. Default 4. */
  concurrency?: number
}

/** `balanceOf(account)` at `blockNumber` for every account, in the order given. */
export async function readBalances(chain: ChainClients, parameters: ReadBalancesParameters): Promise<bigint[]> {
  const batchSize = parameters.batchSize ?? 1000
  const batches: (readonly Address[])[] = []
  for (let start = 0; start < parameters.accounts.length; start += batchSize) batches.push(parameters.accounts.slice(start, start + batchSize))
  const results: bigint[][] = new Array(batches.length)
  let next = 0
  const worker = async () => {
    while (next < batches.length) {
      const index = next++
      const batch = batches[index] as readonly Address[]
      results[index] = await readers[parameters.via](chain, parameters, batch)
    }
  }
  await Promise.all(Array.from({ length: Math.min(parameters.concurrency ?? 4, batches.length) }, worker))
  return results.flat()
}

const readers: Record<BalanceReader, (chain: ChainClients, parameters: ReadBalancesParameters, accounts: readonly Address[]) => Promise<bigint[]>> = {
  'balance-reader': (chain, parameters, accounts) => readThroughBalanceReader(chain, parameters.token, accounts, parameters.blockNumber),
  multicall3: viaMulticall3,
  'rpc-batch': viaRpcBatch,
}

async function viaMulticall3(chain: ChainClients, parameters: ReadBalancesParameters, accounts: readonly Address[]): Promise<bigint[]> {
  const calls = accounts.map((account) => ({
    target: parameters.token,
    allowFailure: false,
    callData: encodeFunctionData({ abi: erc20Abi, functionName: 'balanceOf', args: [account] }),
  }))
  const data = encodeFunctionData({ abi: multicall3Abi, functionName: 'aggregate3', args: [calls] })
  const { data: returned } = await chain.public.call({ to: multicall3Address, data,
    blockNumber: parameters.blockNumber,
    stateOverride: parameters.multicall3?.kind === 'override' ? [{ address: multicall3Address, code: parameters.multicall3.code }] : undefined,
  })
  if (!returned) throw new FirebreakError(`Multicall3 at ${multicall3Address} returned nothing for ${accounts.length} balanceOf calls`)
  const decoded = decodeFunctionResult({ abi: multicall3Abi, functionName: 'aggregate3', data: returned })
  return decoded.map((result) => hexToBigInt(result.returnData))
}

async function viaRpcBatch(chain: ChainClients, parameters: ReadBalancesParameters, accounts: readonly Address[]): Promise<bigint[]> {
  return Promise.all(
    accounts.map(async (account) => {
      const { data } = await chain.public.call({
        to: parameters.token,
        data: encodeFunctionData({ abi: erc20Abi, functionName: 'balanceOf', args: [account] }),
        blockNumber: parameters.blockNumber,
      })
      return data && data !== '0x' ? hexToBigInt(data) : 0n
    }),
  )
}
