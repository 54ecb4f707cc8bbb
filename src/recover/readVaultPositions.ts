import { type Abi, type AbiEvent, type Address, getAddress, parseAbiItem } from 'viem'
import type { ChainClients } from '../chain/clients.js'
import { readLogsAdaptive } from '../eradicate/snapshot/readLogsAdaptive.js'

export type VaultPosition = { account: Address; shares: bigint; assets: bigint }

const depositEvent = parseAbiItem('event Deposit(address indexed sender, address indexed owner, uint256 assets, uint256 shares)') as AbiEvent

/**
 * Every account that ever received vault shares through a deposit, from the ERC-4626 Deposit logs,
 * read in ranges the node accepts (public nodes refuse one getLogs over a vault's whole history).
 */
export async function findDepositors(chain: ChainClients, vault: Address, toBlock: bigint, fromBlock = 0n): Promise<Address[]> {
  const owners = new Set<Address>()
  for await (const chunk of readLogsAdaptive(chain, { address: vault, event: depositEvent, fromBlock, toBlock })) {
    for (const log of chunk.logs) {
      const owner = (log as unknown as { args: { owner?: Address } }).args.owner
      if (owner) owners.add(getAddress(owner))
    }
  }
  return [...owners]
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
