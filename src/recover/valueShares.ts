import { type Address, getAddress, parseAbi } from 'viem'
import type { ChainClients } from '../chain/clients.js'

const erc4626Abi = parseAbi(['function asset() view returns (address)', 'function convertToAssets(uint256 shares) view returns (uint256)'])

/** The underlying asset of an ERC-4626 vault at `blockNumber`, or undefined when `contract` is not one. */
export async function vaultAsset(chain: ChainClients, contract: Address, blockNumber: bigint): Promise<Address | undefined> {
  try {
    const asset = await chain.public.readContract({ address: contract, abi: erc4626Abi, functionName: 'asset', blockNumber })
    // An `asset()` alone could be anything; a vault also converts shares.
    await chain.public.readContract({ address: contract, abi: erc4626Abi, functionName: 'convertToAssets', args: [0n], blockNumber })
    return getAddress(asset)
  } catch {
    return undefined
  }
}

export type ValueSharesParameters = {
  vault: Address
  positions: readonly { account: Address; balance: bigint }[]
  /** The block whose exchange rate values the shares. */
  rateBlock: bigint
  /** convertToAssets calls in flight at once (each batch is one JSON-RPC batch). Default 500. */
  concurrency?: number
}

/**
 * Each position's shares in the vault's asset, with the vault's own `convertToAssets` at
 * `rateBlock`: the vault's rounding and fee logic, not a price firebreak computes. One call per
 * account rather than one rate for all, because `convertToAssets` rounds per call and that rounding
 * is what the account could actually have withdrawn.
 */
export async function valueShares(chain: ChainClients, { vault, positions, rateBlock, concurrency = 500 }: ValueSharesParameters): Promise<{ account: Address; shares: bigint; assets: bigint }[]> {
  const valued: { account: Address; shares: bigint; assets: bigint }[] = []
  for (let start = 0; start < positions.length; start += concurrency) {
    const batch = positions.slice(start, start + concurrency)
    valued.push(
      ...(await Promise.all(
        batch.map(async ({ account, balance }) => ({
          account,
          shares: balance,
          assets: balance === 0n ? 0n : await chain.public.readContract({ address: vault, abi: erc4626Abi, functionName: 'convertToAssets', args: [balance], blockNumber: rateBlock }),
        })),
      )),
    )
  }
  return valued
}
