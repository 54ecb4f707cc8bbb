import { type Abi, type Address, parseAbiItem } from 'viem'
import type { ChainClients } from '../chain/clients.js'

export type VaultPosition = { account: Address; shares: bigint; assets: bigint }

const depositEvent = parseAbiItem('event Deposit(address indexed sender, address indexed owner, uint256 assets, uint256 shares)')

/** Every account that ever received vault shares through a deposit, from the ERC-4626 Deposit logs. */
export async function findDepositors(chain: ChainClients, vault: Address, toBlock: bigint): Promise<Address[]> {
  const logs = await chain.public.getLogs({ address: vault, event: depositEvent, fromBlock: 0n, toBlock })
  return [...new Set(logs.map((log) => log.args.owner).filter((owner): owner is Address => owner !== undefined))]
}

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
