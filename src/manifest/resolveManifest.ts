import { homedir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import type { Abi, Hex } from 'viem'
import { describeValue, didYouMean } from '../describeValue.js'
import { type ManifestLocator, manifestErrorAt } from './ManifestError.js'
import type { ManifestFile } from './manifestSchema.js'
import { readAbiFile } from './readAbiFile.js'
import { readUrlVariable, resolveWatch } from './resolveWatch.js'
import { rpcUrlShapeProblem } from './rpcUrl.js'
import type { Manifest, ManifestAuthority, ManifestChain, ManifestContract, ManifestInvariant, ManifestOperation, ManifestPlaybook, ManifestRestoreStage, PlaybookAction } from './types.js'

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

  const contracts = parsed.contracts.map((contract, index): ManifestContract => {
    const resolved: ManifestContract = { name: contract.name, address: contract.address, chain: resolveChainName(source, index, contract.chain, chainNames) }
    if (contract.abi !== undefined) resolved.abiFile = resolve(dirname(source.file), contract.abi)
    return resolved
  })
  // One name per chain: the same name on two chains is one contract deployed on both.
  rejectDuplicateNames(source, 'contracts', 'contract', contracts.map((contract) => ({ name: contract.name, scope: contract.chain })))

  const authorities = (parsed.authorities ?? []).map((authority, index): ManifestAuthority => {
    const { name, type, address } = authority
    const chain = authority.chain === undefined ? {} : { chain: knownChain(source, ['authorities', index, 'chain'], authority.chain, chainNames) }
    if (type === 'eoa') {
      return {
        ...chain,
        name,
        type,
        address,
        ...(authority.keyEnv === undefined ? {} : { keyEnv: authority.keyEnv }),
        ...(authority.keystore === undefined ? {} : { keystore: { path: keystorePath(source.file, authority.keystore), passwordEnv: authority.passwordEnv! } }),
      }
    }
    if (type === 'safe') {
      return { ...chain, name, type, address, ...(authority.multiSend ? { multiSend: authority.multiSend } : {}), ...(authority.submitter ? { submitter: authority.submitter } : {}) }
    }
    return { ...chain, name, type, address }
  })
  // An authority on every chain clashes with one of its name anywhere; two on different chains do not.
  rejectDuplicateNames(source, 'authorities', 'authority', authorities.map((authority) => ({ name: authority.name, scope: authority.chain })))
  authorities.forEach((authority, index) => {
    if (authority.type !== 'safe' || authority.submitter === undefined) return
    const eoas = authorities.filter((candidate) => candidate.type === 'eoa').map((candidate) => candidate.name)
    if (!eoas.includes(authority.submitter)) {
      throw manifestErrorAt(source, ['authorities', index, 'submitter'], `expected the name of an eoa authority (${eoas.join(', ') || 'none listed'}), got ${describeValue(authority.submitter)}${didYouMean(authority.submitter, eoas)}`)
    }
  })

  const playbooks = Object.entries(parsed.playbooks ?? {}).map(([name, playbook]): ManifestPlaybook => {
    const actions = playbook.steps.map((step, index): PlaybookAction => {
      const path = ['playbooks', name, 'steps', index]
      const known = (contract: string, key: string, allowAll = false) => {
        const names = contracts.map((candidate) => candidate.name)
        if (names.includes(contract) || (allowAll && contract === 'all')) return contract
        const expectation = `expected ${allowAll ? "'all' or " : ''}one of ${names.join(', ')}`
        throw manifestErrorAt(source, [...path, ...(key === 'pause' ? ['pause'] : [key, 'contract'])], `${expectation}, got ${describeValue(contract)}${didYouMean(contract, names)}`)
      }
      if (step.pause !== undefined) return { kind: 'pause', contract: known(step.pause, 'pause', true) }
      if (step.limit) return { kind: 'limit', ...step.limit, contract: known(step.limit.contract, 'limit') }
      if (step.disable) return { kind: 'disable', ...step.disable, contract: known(step.disable.contract, 'disable') }
      const revoke = step.revoke!
      return { kind: 'revoke', ...revoke, contract: known(revoke.contract, 'revoke') }
    })
    return { name, ...(playbook.description ? { description: playbook.description } : {}), actions }
  })

  const contractNames = contracts.map((contract) => contract.name)
  const normalOperations = (parsed.normalOperations ?? []).map((operation, index): ManifestOperation => {
    if (!contractNames.includes(operation.contract)) {
      throw manifestErrorAt(source, ['normalOperations', index, 'contract'], `expected one of ${contractNames.join(', ')}, got ${describeValue(operation.contract)}${didYouMean(operation.contract, contractNames)}`)
    }
    return { ...operation, args: operation.args ?? [], value: BigInt(operation.value ?? 0) }
  })

  const restore = resolveRestore(source, parsed.restore, contractNames, authorities)

  const watch = resolveWatch(source, parsed.watch, {
    env: options.env,
    chains: chainNames,
    contracts,
    authorities,
    playbooks: playbooks.map((playbook) => playbook.name),
    abiOf: readAbiOf,
  })

  return { file: source.file, chains, contracts, authorities, playbooks, normalOperations, restore, ...(watch ? { watch } : {}) }
}

/** Stage names are unique; every contract and approver a stage names is in the manifest; approvers sign, so they are eoas. */
function resolveRestore(source: ManifestLocator, parsed: ManifestFile['restore'], contractNames: readonly string[], authorities: readonly ManifestAuthority[]): ManifestRestoreStage[] {
  const stages = parsed?.stages ?? []
  const firstIndex = new Map<string, number>()
  return stages.map((stage, index): ManifestRestoreStage => {
    const path = ['restore', 'stages', index]
    const earlier = firstIndex.get(stage.name)
    if (earlier !== undefined) throw manifestErrorAt(source, [...path, 'name'], `expected a unique stage name, got ${describeValue(stage.name)} again (also restore.stages[${earlier}].name)`)
    firstIndex.set(stage.name, index)
    const known = (contract: string, at: (string | number)[]) => {
      if (contractNames.includes(contract)) return contract
      throw manifestErrorAt(source, [...path, ...at], `expected one of ${contractNames.join(', ')}, got ${describeValue(contract)}${didYouMean(contract, contractNames)}`)
    }
    const unpause = (stage.unpause ?? []).map((contract, position) => known(contract, ['unpause', position]))
    const calls = (stage.calls ?? []).map((call, position) => ({ contract: known(call.contract, ['calls', position, 'contract']), function: call.function, args: call.args ?? [] }))
    const invariants = (stage.invariants ?? []).map((invariant, position): ManifestInvariant => {
      const target = invariant.contract !== undefined ? { contract: known(invariant.contract, ['invariants', position, 'contract']) } : { address: invariant.to! }
      const common = { description: invariant.description, target, args: invariant.args ?? [] }
      if (invariant.expect !== undefined) {
        return {
          kind: 'call',
          ...common,
          ...(invariant.function === undefined ? { data: invariant.data as Hex } : { function: invariant.function }),
          from: invariant.from!,
          value: BigInt(invariant.value ?? 0),
          expect: invariant.expect,
          ...(invariant.error ? { error: invariant.error } : {}),
        }
      }
      const [op, expect] = invariant.atLeast !== undefined ? (['gte', invariant.atLeast] as const) : invariant.atMost !== undefined ? (['lte', invariant.atMost] as const) : (['eq', invariant.equals!] as const)
      return { kind: 'read', ...common, function: invariant.function!, op, expect }
    })
    const signers = authorities.filter((authority) => authority.type === 'eoa').map((authority) => authority.name)
    const from = (stage.approvals?.from ?? []).map((name, position) => {
      if (signers.includes(name)) return name
      const other = authorities.find((authority) => authority.name === name)
      const problem = other
        ? `expected an eoa authority (an approval is signed with a key), got ${describeValue(name)}, a ${other.type}: list the ${other.type === 'safe' ? 'owners' : 'proposers'} who approve instead`
        : `expected one of the eoa authorities (${signers.join(', ') || 'none listed'}), got ${describeValue(name)}${didYouMean(name, signers)}`
      throw manifestErrorAt(source, [...path, 'approvals', 'from', position], problem)
    })
    const required = stage.approvals === undefined ? 0 : (stage.approvals.required ?? from.length)
    const eligible = from.length > 0 ? new Set(from).size : signers.length
    if (required > eligible) {
      throw manifestErrorAt(source, [...path, 'approvals', 'required'], `expected at most ${eligible} (the ${from.length > 0 ? 'authorities listed in from' : 'eoa authorities of the manifest'}), got ${required}`)
    }
    return {
      name: stage.name,
      ...(stage.description ? { description: stage.description } : {}),
      unpause,
      calls,
      fix: stage.fix ?? 'required',
      invariants,
      approvals: { required, from: [...new Set(from)] },
    }
  })
}

/** `~/.foundry/keystores/guardian` is in the home folder, as Foundry writes it; other paths are relative to the manifest. */
function keystorePath(manifestFile: string, path: string): string {
  return path.startsWith('~/') ? join(homedir(), path.slice(2)) : resolve(dirname(manifestFile), path)
}

function readRpcUrl(source: ManifestLocator, chain: string, variable: string, env: ResolveManifestOptions['env']): string {
  return readUrlVariable(source, { path: ['chains', chain, 'rpcUrlEnv'], variable, holds: `the RPC URL of chain ${chain}`, schemes: 'http, https, ws or wss', shapeProblem: rpcUrlShapeProblem }, env)
}

/**
 * `watch:` names events and views that must be in the contract's ABI, and loadManifest reads ABIs
 * only once the manifest is resolved: read the file here too. A file that cannot be read gives no
 * ABI, and loadManifest names it at `contracts[i].abi` right after.
 */
function readAbiOf(contract: ManifestContract): Abi | undefined {
  if (contract.abiFile === undefined) return undefined
  const result = readAbiFile(contract.abiFile)
  return 'abi' in result ? result.abi : undefined
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

/**
 * Names are how the CLI, the journal and the report refer to things: two of one name on one chain
 * is ambiguous. `scope` is the entry's chain; an entry without one is on every chain.
 */
function rejectDuplicateNames(source: ManifestLocator, list: 'contracts' | 'authorities', what: string, entries: readonly { name: string; scope?: string | undefined }[]): void {
  entries.forEach((entry, index) => {
    const earlier = entries.findIndex((other, at) => at < index && other.name === entry.name && (other.scope === undefined || entry.scope === undefined || other.scope === entry.scope))
    if (earlier >= 0) {
      const where = entry.scope === undefined ? '' : ` on chain ${entry.scope}`
      throw manifestErrorAt(source, [list, index, 'name'], `expected a unique ${what} name${where}, got ${describeValue(entry.name)} again (also ${list}[${earlier}].name)`)
    }
  })
}

function knownChain(source: ManifestLocator, path: (string | number)[], chain: string, chainNames: readonly string[]): string {
  if (chainNames.includes(chain)) return chain
  throw manifestErrorAt(source, path, `expected one of ${chainNames.join(', ')}, got ${describeValue(chain)}${didYouMean(chain, chainNames)}`)
}
