import type { InspectTarget } from '../inspect/types.js'
import { didYouMean } from './describeValue.js'
import { ManifestError } from './ManifestError.js'
import type { Manifest } from './types.js'

/**
 * The manifest's contracts on one chain, as inspect takes them. An inspection reads one chain, so
 * with several chains the caller must say which: silently inspecting "the first" would report a
 * protocol as ready while half of it was never looked at.
 */
export function manifestTargets(manifest: Manifest, chainName?: string): InspectTarget[] {
  const chainNames = manifest.chains.map((chain) => chain.name)
  const chain = chainName ?? (chainNames.length === 1 ? chainNames[0] : undefined)
  if (chain === undefined) {
    throw new ManifestError({ file: manifest.file, path: ['chains'], problem: `expected the name of the chain to use (one of ${chainNames.join(', ')}), got none` })
  }
  if (!chainNames.includes(chain)) {
    throw new ManifestError({ file: manifest.file, path: ['chains'], problem: `expected one of ${chainNames.join(', ')}, got "${chain}"${didYouMean(chain, chainNames)}` })
  }
  return manifest.contracts
    .filter((contract) => contract.chain === chain)
    .map((contract) => (contract.abi === undefined ? { name: contract.name, address: contract.address } : { name: contract.name, address: contract.address, abi: contract.abi }))
}
