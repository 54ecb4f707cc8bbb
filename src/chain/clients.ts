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
} from 'viem'
import { FirebreakError, InvalidInputError, errorMessage } from '../errors.js'
import { NodeFailedError, nodeLabel } from './nodeFault.js'
import { type RetryEvent, type RetryPolicy, retryingHttp } from './retryingHttp.js'

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
  /** How often and how long a transient fault (429, dropped connection, timeout) is retried. */
  retry?: RetryPolicy
  /** Called before each retry of a transient fault. */
  onRetry?: (event: RetryEvent) => void
  /** How long one attempt waits for an answer, in ms. Default 10_000. */
  timeout?: number
}

/**
 * viem clients for one node. Requests are batched over JSON-RPC so that bursts of reads
 * (a postcondition per step, balances per account) cost one round trip. A node's transient
 * faults are retried with backoff ({@link retryingHttp}); one that keeps failing ends in a
 * {@link NodeFailedError}, never in an answer about the contract.
 */
export async function connect(rpcUrl: string, options: ConnectOptions = {}): Promise<ChainClients> {
  if (!rpcUrl) throw new InvalidInputError({ parameter: 'rpcUrl', problem: 'no RPC URL given: set it in the manifest or its environment variable, or give one' })
  const transport = retryingHttp(rpcUrl, {
    batch: options.batch === false ? false : { wait: 0 },
    onFetchRequest: options.onFetchRequest,
    ...(options.retry ? { retry: options.retry } : {}),
    ...(options.onRetry ? { onRetry: options.onRetry } : {}),
    ...(options.timeout === undefined ? {} : { timeout: options.timeout }),
  })
  const probe = createPublicClient({ transport })
  const chainId = await probe.getChainId().catch((error: unknown) => {
    // The URL is printed without its path, query or credentials: they may hold an API key.
    const reason = error instanceof NodeFailedError ? `${error.fault.description}${error.attempts > 1 ? ` (${error.attempts} attempts)` : ''}` : errorMessage(error).split('\n')[0]
    throw new ChainUnreachableError(`cannot reach the node at ${nodeLabel(rpcUrl)}: ${reason}`, {
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
