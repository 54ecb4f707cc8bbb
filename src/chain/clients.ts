import {
  type Account,
  type Chain,
  type PublicClient,
  type TestClient,
  type Transport,
  type WalletClient,
  createPublicClient,
  createTestClient,
  createWalletClient,
  defineChain,
  http,
} from 'viem'

export type ChainClients = {
  rpcUrl: string
  chain: Chain
  public: PublicClient<Transport, Chain>
  /** anvil's own methods (impersonation, snapshots, balances); only on local chains and forks. */
  test: TestClient<'anvil', Transport, Chain>
  wallet(account: Account | `0x${string}`): WalletClient<Transport, Chain, Account>
}

/**
 * viem clients for one node. Requests are batched over JSON-RPC so that bursts of reads
 * (a postcondition per step, balances per account) cost one round trip.
 */
export async function connect(rpcUrl: string): Promise<ChainClients> {
  const transport = http(rpcUrl, { batch: { wait: 0 }, retryCount: 0 })
  const probe = createPublicClient({ transport })
  const chainId = await probe.getChainId()
  const chain = defineChain({
    id: chainId,
    name: `chain ${chainId}`,
    nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
    rpcUrls: { default: { http: [rpcUrl] } },
  })
  return {
    rpcUrl,
    chain,
    public: createPublicClient({ chain, transport, pollingInterval: 50 }),
    test: createTestClient({ chain, transport, mode: 'anvil' }),
    wallet: (account) => createWalletClient({ chain, transport, account: account as Account }),
  }
}
