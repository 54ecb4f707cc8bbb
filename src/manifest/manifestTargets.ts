import type { ContractTarget } from './types.js'
import { manifestChain } from './manifestChain.js'
import type { Manifest } from './types.js'

/** The manifest's contracts on one chain (named, or the only one), as inspect takes them. */
export function manifestTargets(manifest: Manifest, chainName?: string): ContractTarget[] {
  const chain = manifestChain(manifest, chainName).name
  return manifest.contracts
    .filter((contract) => contract.chain === chain)
    .map((contract) => (contract.abi === undefined ? { name: contract.name, address: contract.address } : { name: contract.name, address: contract.address, abi: contract.abi }))
}
