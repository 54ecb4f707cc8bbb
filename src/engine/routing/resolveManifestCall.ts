import { type Abi, type AbiFunction, type Address, encodeFunctionData, getAbiItem, parseAbiItem } from 'viem'
import { formatAbiItem } from 'viem/utils'
import type { ChainClients } from '../../chain/clients.js'
import { isRevert } from '../../chain/revert.js'
import { didYouMean } from '../../describeValue.js'
import { authorityPaths } from '../../inspect/authorities/authorityPaths.js'
import type { AuthorityPath, ContractInspection, LeverAccess } from '../../inspect/types.js'
import { type ArgumentPath, type ManifestArgument, formatArgument, manifestArguments, manifestFunction } from '../../manifest/manifestCall.js'
import type { Manifest } from '../../manifest/types.js'
import { type Check, type ContractRef, viewFunction } from '../plan.js'
import type { RoutedCall } from './buildRoutedPlan.js'

export type ResolveManifestCallParameters = {
  manifest: Manifest
  /** The contract as inspect saw it: its levers' holders are the first candidates for the call. */
  contract: ContractInspection
  /** A name in the contract's ABI, a full signature, or the name of a lever inspect found. */
  function: string
  args: readonly ManifestArgument[]
  /** The team's names for addresses, shown on the paths. */
  labels: ReadonlyMap<string, string>
  /** A ManifestError at `path` under the manifest entry that named the call (`function`, `args[0].capacity`). */
  fail: (path: ArgumentPath, problem: string) => never
}

/**
 * A call the manifest names (a playbook's `limit`, a restore stage's call): the function found in
 * the ABI or by signature, its arguments typed against the function, the paths to whoever can make
 * the call now, and, for a setter, the getter that checks it. Reads the chain; sends nothing.
 */
export async function resolveManifestCall(chain: ChainClients, parameters: ResolveManifestCallParameters): Promise<RoutedCall> {
  const { manifest, contract, fail } = parameters
  const ref = contractRef(manifest, contract)
  const fn = findFunction(ref, contract, parameters.function) ?? fail(['function'], unknownFunction(ref, contract, parameters.function))
  const args = manifestArguments(fn, parameters.args, (path, problem) => fail(['args', ...path], problem))
  const target = { ...ref, abi: [fn, ...(ref.abi as Abi)] }
  return {
    contract: target,
    functionName: fn.name,
    args,
    title: `${contract.name}.${fn.name}(${args.map(formatArgument).join(', ')})`,
    paths: await pathsTo(chain, contract, fn, args, manifest, parameters.labels),
    postconditions: setterChecks(target, fn, args),
    isPause: false,
  }
}

export function contractRef(manifest: Manifest, contract: ContractInspection): ContractRef {
  const abi = manifest.contracts.find((candidate) => candidate.name === contract.name)?.abi ?? []
  return { name: contract.name, address: contract.address, abi }
}

/** By full signature or by name in the manifest's ABI, else by name among the levers inspect found. */
export function findFunction(ref: ContractRef, contract: ContractInspection, name: string): AbiFunction | undefined {
  const named = manifestFunction(ref.abi, name)
  if (named || name.includes('(')) return named
  const lever = contract.levers.find((access) => access.lever.signature.startsWith(`${name}(`))
  return lever ? (parseAbiItem(`function ${lever.lever.signature}`) as AbiFunction) : undefined
}

export function unknownFunction(ref: ContractRef, contract: ContractInspection, name: string): string {
  const known = [...new Set([...ref.abi.flatMap((item) => (item.type === 'function' ? [item.name] : [])), ...contract.levers.map((access) => access.lever.signature.split('(')[0]!)])]
  if (ref.abi.length === 0) return `expected a function of ${contract.name}, got ${JSON.stringify(name)}: without an ABI in the manifest, give its full signature, e.g. ${name}(uint256)`
  return `expected a function of ${contract.name}, got ${JSON.stringify(name)}${didYouMean(name, known)}`
}

/** `setDepositCap(0)` is checked by `depositCap() == 0`, when the contract has that getter. */
function setterChecks(ref: ContractRef, fn: AbiFunction, args: readonly unknown[]): Check[] {
  if (!fn.name.startsWith('set') || args.length !== 1) return []
  const property = fn.name.slice(3)
  for (const name of [property.charAt(0).toLowerCase() + property.slice(1), property]) {
    const getter = getAbiItem({ abi: ref.abi, name }) as AbiFunction | undefined
    if (getter?.type === 'function' && getter.inputs.length === 0 && getter.outputs.length === 1) {
      return [readCheck(ref, name, [], args[0], `${ref.name}.${name}() is ${String(args[0])}`)]
    }
  }
  return []
}

export function readCheck(ref: ContractRef, name: string, args: unknown[], expect: unknown, description: string): Check {
  return { kind: 'read', description, address: ref.address, abi: viewFunction(ref.abi, name), args, expect }
}

/**
 * The paths to a call: those inspect found for the same lever, or else the paths of every team
 * authority and lever holder from which the exact call succeeds (`eth_call`, nothing sent).
 */
async function pathsTo(chain: ChainClients, contract: ContractInspection, fn: AbiFunction, args: readonly unknown[], manifest: Manifest, labels: ReadonlyMap<string, string>): Promise<AuthorityPath[]> {
  const signature = formatAbiItem(fn).replace(/^function /, '')
  const lever = contract.levers.find((access: LeverAccess) => access.lever.signature === signature && access.lever.confirmation.status === 'confirmed')
  if (lever) return lever.paths
  const data = encodeFunctionData({ abi: [fn], functionName: fn.name, args: args as unknown[] })
  const holders = contract.levers.flatMap((access) => (access.lever.confirmation.status === 'confirmed' ? access.lever.confirmation.holders : []))
  const candidates = [...new Set([...manifest.authorities.map((authority) => authority.address), ...holders])]
  const callers = await Promise.all(
    candidates.map(async (from) => {
      try {
        await chain.public.call({ account: from, to: contract.address, data })
        return from
      } catch (error) {
        // Only a revert says this account cannot make the call; a node that failed to answer would
        // otherwise end as "nobody can make this call", sending the war room after the wrong problem.
        if (isRevert(error)) return undefined
        throw error
      }
    }),
  )
  const found = callers.filter((caller): caller is Address => caller !== undefined)
  return (await Promise.all(found.map((caller) => authorityPaths(chain, caller, { labels })))).flat()
}
