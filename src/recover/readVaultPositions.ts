import type { Abi, Address } from 'viem'
import type { ChainClients } from '../chain/clients.js'

export type VaultPosition = { account: Address; shares: bigint; assets: bigint }

/**
 * Each account's shares and their value in the vault's asset at `blockNumber`, valued with the
 * vault's own `convertToAssets` at that block: the method the loss report states.
 */
export async function readVaultPositions(chain: ChainClients, vault: { address: Address; abi: Abi }, accounts: Address[], blockNumber: bigint): Promise<VaultPosition[]> {
  return Promise.all(
    accounts.map(async (account) => {
      const shares = (await chain.public.readContract({ ...vault, functionName: 'balanceOf', args: [account], blockNumber })) as bigint
      const assets = shares === 0n ? 0n : ((await chain.public.readContract({ ...vault, functionName: 'convertToAssets', args: [shares], blockNumber })) as bigint)
      return { account, shares, assets }
    }),
  )
}
