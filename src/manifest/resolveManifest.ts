import { dirname, resolve } from 'node:path'
import { describeValue, didYouMean } from './describeValue.js'
import { type ManifestLocator, manifestErrorAt } from './ManifestError.js'
import type { ManifestFile } from './manifestSchema.js'
import { rpcUrlShapeProblem } from './rpcUrl.js'
import type { Manifest, ManifestAuthority, ManifestChain, ManifestContract } from './types.js'

export type ResolveManifestOptions = {
  /** Where RPC URLs are read from; `process.env` unless a caller (a test, a war-room server) says otherwise. */
  env: Readonly<Record<string, string | undefined>>
}

/**
 * What the schema cannot see on one value at a time: names that must be unique, contracts that
 * name a chain, RPC URLs that live in the environment. ABI files are read by the caller.
 */
export function resolveManifest(source: ManifestLocator, parsed: ManifestFile, options: ResolveManifestOptions): Manifest {
  const chains = Object.entries(parsed.chains).map(([name, chain]): ManifestChain => {
    if (chain.rpcUrl !== undefined) return { name, rpcUrl: chain.rpcUrl, chainId: chain.chainId }
    const variable = chain.rpcUrlEnv!
    return { name, rpcUrl: readRpcUrl(source, name, variable, options.env), rpcUrlEnv: variable, chainId: chain.chainId }
  })
  const chainNames = chains.map((chain) => chain.name)

  rejectDuplicateNames(source, 'contracts', 'contract', parsed.contracts)
  const contracts = parsed.contracts.map((contract, index): ManifestContract => {
    const resolved: ManifestContract = { name: contract.name, address: contract.address, chain: resolveChainName(source, index, contract.chain, chainNames) }
    if (contract.abi !== undefined) resolved.abiFile = resolve(dirname(source.file), contract.abi)
    return resolved
  })

  const authorities = (parsed.authorities ?? []).map(
    (authority): ManifestAuthority =>
      authority.type === 'eoa'
        ? { name: authority.name, type: 'eoa', address: authority.address, ...(authority.keyEnv === undefined ? {} : { keyEnv: authority.keyEnv }) }
        : { name: authority.name, type: authority.type, address: authority.address },
  )
  rejectDuplicateNames(source, 'authorities', 'authority', authorities)

  return { file: source.file, chains, contracts, authorities }
}

/** The URL is never printed: RPC URLs from providers embed the account's API key. */
function readRpcUrl(source: ManifestLocator, chain: string, variable: string, env: ResolveManifestOptions['env']): string {
  const value = env[variable]
  const path = ['chains', chain, 'rpcUrlEnv']
  const expectation = `expected environment variable ${variable} to hold the RPC URL of chain ${chain}`
  if (value === undefined) throw manifestErrorAt(source, path, `${expectation}, but it is not set`)
  if (value.trim() === '') throw manifestErrorAt(source, path, `${expectation}, but it is empty`)
  // Unlike a literal rpcUrl, this one may carry a key (that is why it lives in the environment).
  const shapeProblem = rpcUrlShapeProblem(value.trim())
  if (shapeProblem) throw manifestErrorAt(source, path, `${expectation} (http, https, ws or wss), but its value ${shapeProblem}`)
  return value.trim()
}

function resolveChainName(source: ManifestLocator, index: number, chain: string | undefined, chainNames: readonly string[]): string {
  const path = ['contracts', index, 'chain']
  const expectation = `expected one of ${chainNames.join(', ')}`
  if (chain === undefined) {
    if (chainNames.length === 1) return chainNames[0]!
    throw manifestErrorAt(source, path, `${expectation} (required when the manifest names more than one chain), got nothing`)
  }
  if (chainNames.includes(chain)) return chain
  throw manifestErrorAt(source, path, `${expectation}, got ${describeValue(chain)}${didYouMean(chain, chainNames)}`)
}

/** Names are how the CLI, the journal and the report refer to things: two of one name is ambiguous. */
function rejectDuplicateNames(source: ManifestLocator, list: 'contracts' | 'authorities', what: string, entries: readonly { name: string }[]): void {
  const firstIndex = new Map<string, number>()
  entries.forEach((entry, index) => {
    const earlier = firstIndex.get(entry.name)
    if (earlier !== undefined) {
      throw manifestErrorAt(source, [list, index, 'name'], `expected a unique ${what} name, got ${describeValue(entry.name)} again (also ${list}[${earlier}].name)`)
    }
    firstIndex.set(entry.name, index)
  })
}
