import { type Address, getAddress, isAddress } from 'viem'
import type { ChainClients } from '../chain/clients.js'
import { InvalidInputError } from '../errors.js'
import { didYouMean } from '../describeValue.js'
import { connectToManifestChain } from './manifestChain.js'
import { manifestTargets } from './manifestTargets.js'
import type { Manifest } from './types.js'

export type ManifestChainConnection = {
  chain: ChainClients
  /** The manifest's contracts on that chain. */
  contracts: { name: string; address: Address }[]
}

/**
 * Connects to the manifest's chain (the one named, or its only one), after checking the node is
 * that chain: reimbursing on the wrong network would pay strangers who share an address.
 */
export async function connectManifestChain({ manifest, chain: chainName, rpcUrl }: { manifest: Manifest; chain?: string; rpcUrl?: string }): Promise<ManifestChainConnection> {
  const contracts = manifestTargets(manifest, chainName).map(({ name, address }) => ({ name, address: getAddress(address) }))
  const { chain } = await connectToManifestChain(manifest, { chain: chainName, rpcUrl })
  return { chain, contracts }
}

/** A contract given by its manifest name or by address. */
export function resolveContract(contracts: readonly { name: string; address: Address }[], nameOrAddress: string, parameter: string): { name?: string; address: Address } {
  if (isAddress(nameOrAddress, { strict: false })) {
    const address = getAddress(nameOrAddress)
    const named = contracts.find((contract) => contract.address === address)
    return named ?? { address }
  }
  const named = contracts.find((contract) => contract.name === nameOrAddress)
  if (!named) {
    const names = contracts.map((contract) => contract.name)
    throw new InvalidInputError({ parameter, value: nameOrAddress, problem: `neither an address nor a contract of the manifest (${names.join(', ')})${didYouMean(nameOrAddress, names)}` })
  }
  return named
}
