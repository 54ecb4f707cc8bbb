import { type Address, erc20Abi, getAddress } from 'viem'
import type { ChainClients } from '../chain/clients.js'

export type AssetInfo = { address: Address; symbol?: string; decimals?: number }

/** A token's symbol and decimals, where it has them: amounts are shown as people read them. */
export async function readAssetInfo(chain: ChainClients, address: Address): Promise<AssetInfo> {
  const [symbol, decimals] = await Promise.all([
    chain.public.readContract({ address, abi: erc20Abi, functionName: 'symbol' }).catch(() => undefined),
    chain.public.readContract({ address, abi: erc20Abi, functionName: 'decimals' }).catch(() => undefined),
  ])
  return { address: getAddress(address), ...(symbol === undefined ? {} : { symbol }), ...(decimals === undefined ? {} : { decimals }) }
}
