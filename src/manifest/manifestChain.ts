import { type ChainClients, connect } from '../chain/clients.js'
import { InvalidInputError } from '../errors.js'
import { assertChainId } from './assertChainId.js'
import { rpcUrlShapeProblem } from './rpcUrl.js'
import { didYouMean } from '../describeValue.js'
import { ManifestError } from './ManifestError.js'
import type { Manifest, ManifestChain, ManifestContract } from './types.js'

/**
 * The manifest's chain by name, or its only one. With several chains the caller must say which:
 * silently using "the first" would act on (or report on) half a protocol.
 */
export function manifestChain(manifest: Manifest, chainName?: string): ManifestChain {
  const chainNames = manifest.chains.map((chain) => chain.name)
  const name = chainName ?? (chainNames.length === 1 ? chainNames[0] : undefined)
  if (name === undefined) {
    throw new ManifestError({ file: manifest.file, path: ['chains'], problem: `expected the name of the chain to use (one of ${chainNames.join(', ')}), got none` })
  }
  const found = manifest.chains.find((chain) => chain.name === name)
  if (!found) throw new ManifestError({ file: manifest.file, path: ['chains'], problem: `expected one of ${chainNames.join(', ')}, got "${name}"${didYouMean(name, chainNames)}` })
  return found
}

/** A contract the command names, found in the manifest; an unknown name says which ones exist. */
export function manifestContract(manifest: Manifest, name: string): ManifestContract {
  const found = manifest.contracts.find((contract) => contract.name === name)
  if (found) return found
  const names = manifest.contracts.map((contract) => contract.name)
  throw new ManifestError({ file: manifest.file, path: ['contracts'], problem: `expected a contract named ${name}, found ${names.join(', ')}${didYouMean(name, names)}` })
}

/**
 * Connects to a manifest chain (or to `rpcUrl`, a fork or private node standing in for it) and
 * checks the node is that chain: a manifest pointed at the wrong network must not act there.
 */
export async function connectToManifestChain(manifest: Manifest, { chain: chainName, rpcUrl }: { chain?: string; rpcUrl?: string } = {}): Promise<{ chain: ChainClients; config: ManifestChain }> {
  const config = manifestChain(manifest, chainName)
  const shapeProblem = rpcUrl === undefined ? undefined : rpcUrlShapeProblem(rpcUrl.trim())
  // The value is never shown: a provider's URL embeds the account's API key.
  if (shapeProblem) throw new InvalidInputError({ parameter: 'rpcUrl', problem: `${shapeProblem}: give the node's URL (http, https, ws or wss)` })
  const chain = await connect(rpcUrl ?? config.rpcUrl)
  assertChainId(manifest, config, chain.chain.id)
  return { chain, config }
}
