import { ManifestError } from './ManifestError.js'
import type { Manifest, ManifestChain } from './types.js'

/**
 * Throws when the node behind a chain's RPC URL is another network than the manifest says. A
 * mainnet manifest pointed at a testnet RPC (or the reverse) would otherwise inspect, and later
 * pause, contracts that happen to share an address on the wrong chain.
 */
export function assertChainId(manifest: Pick<Manifest, 'file'>, chain: ManifestChain, actualChainId: number): void {
  if (actualChainId === chain.chainId) return
  const node = chain.rpcUrlEnv === undefined ? 'the node at rpcUrl' : `the node at ${chain.rpcUrlEnv}`
  throw new ManifestError({
    file: manifest.file,
    path: ['chains', chain.name, 'chainId'],
    problem: `expected chain id ${chain.chainId}, but ${node} reports ${actualChainId}`,
  })
}
