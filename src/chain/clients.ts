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
import { FirebreakError, errorMessage } from '../errors.js'

export class ChainUnreachableError extends FirebreakError {
  override name = 'ChainUnreachableError'
}

export type ChainClients = {
  rpcUrl: string
  chain: Chain
  public: PublicClient<Transport, Chain>
  /** anvil's own methods (impersonation, snapshots, balances); only on local chains and forks. */
  test: TestClient<'anvil', Transport, Chain>
  wallet(account: Account | `0x${string}`): WalletClient<Transport, Chain, Account>
}

export type ConnectOptions = {
  /** Batch concurrent JSON-RPC requests into one HTTP request (default true). */
  batch?: boolean
  /** Called for every HTTP request sent to the node (benchmarks count them). */
  onFetchRequest?: (request: Request) => void
}

/**
 * viem clients for one node. Requests are batched over JSON-RPC so that bursts of reads
 * (a postcondition per step, balances per account) cost one round trip.
 */
export async function connect(rpcUrl: string, options: ConnectOptions = {}): Promise<ChainClients> {
  if (!rpcUrl) throw new ChainUnreachableError('no RPC URL given: set it in the manifest, its environment variable, or --rpc-url')
  const transport = http(rpcUrl, {
    batch: options.batch === false ? false : { wait: 0 },
    retryCount: 0,
    onFetchRequest: options.onFetchRequest,
  })
  const probe = createPublicClient({ transport })
  const chainId = await probe.getChainId().catch((error: unknown) => {
    throw new ChainUnreachableError(`cannot reach the node at ${rpcUrl}: ${errorMessage(error).split('\n')[0]}`, {
      metaMessages: ['Check the URL (or the environment variable it comes from) and that the node is running.'],
      cause: error,
    })
  })
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
