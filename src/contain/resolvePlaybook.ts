import {
  type Abi,
  type AbiFunction,
  type Address,
  type Hex,
  encodeFunctionData,
  getAbiItem,
  isHex,
  keccak256,
  parseAbi,
  parseAbiItem,
  toFunctionSelector,
  toHex,
  zeroHash,
} from 'viem'
import { formatAbiItem } from 'viem/utils'
import type { ChainClients } from '../chain/clients.js'
import { type Check, type ContractRef, viewFunction } from '../engine/plan.js'
import { authorityPaths } from '../inspect/authorities/authorityPaths.js'
import { tryRead } from '../inspect/tryRead.js'
import type { AuthorityPath, ContractInspection, Inspection, LeverAccess } from '../inspect/types.js'
import { ManifestError } from '../manifest/ManifestError.js'
import { manifestArguments, manifestFunction } from '../manifest/manifestCall.js'
import { didYouMean } from '../manifest/describeValue.js'
import type { Manifest, ManifestPlaybook, PlaybookAction } from '../manifest/types.js'
import type { ContainCall } from './buildContainPlan.js'
import { ContainError } from './errors.js'

export type ResolvePlaybookParameters = {
  manifest: Manifest
  playbook: ManifestPlaybook
  inspection: Inspection
  /**
   * Contracts this playbook's plan has a transaction in flight for (journaled sent, not done): an
   * interrupted run. Their calls stay in the plan even though the chain already shows the effect,
   * so that the engine finds the journaled transaction, verifies it and records it done.
   */
  inFlight?: ReadonlySet<Address>
}

export type ResolvePlaybookReturnType = {
  calls: ContainCall[]
  /** Contracts left alone, and why: already paused, no pause lever, a guardian (it pauses others). */
  skipped: { contract: string; reason: string }[]
}

/** The built-in playbook: pause everything pausable, each contract through whoever holds its pause. */
export const PAUSE_ALL: ManifestPlaybook = { name: 'pause-all', description: 'pause every pausable contract', actions: [{ kind: 'pause', contract: 'all' }] }

/** Nullary pauses first: `pause()` is what most contracts answer to. */
const pauseCalls: readonly { signature: string; args: readonly unknown[] }[] = [
  { signature: 'pause()', args: [] },
  { signature: 'pauseAll()', args: [] },
  { signature: 'emergencyPause()', args: [] },
  { signature: 'setPaused(bool)', args: [true] },
  { signature: 'setPause(bool)', args: [true] },
]

const probeAbi = parseAbi([
  'function paused() view returns (bool)',
  'function hasRole(bytes32 role, address account) view returns (bool)',
  'function isFunctionEnabled(bytes4 selector) view returns (bool)',
])

/**
 * A playbook's actions as calls on the inspected contracts, each with the paths to its lever. It
 * reads the chain (is it paused already, does the account hold the role, what is the role's id)
 * but sends nothing. A contract or function the manifest does not know is an error naming the
 * playbook step; a contract already in the wanted state is skipped, and said so.
 */
export async function resolvePlaybook(chain: ChainClients, { manifest, playbook, inspection, inFlight = new Set() }: ResolvePlaybookParameters): Promise<ResolvePlaybookReturnType> {
  const resolved: ResolvePlaybookReturnType = { calls: [], skipped: [] }
  const labels = new Map(manifest.authorities.map((authority) => [authority.address.toLowerCase(), authority.name]))
  for (const [index, action] of playbook.actions.entries()) {
    const context: ActionContext = {
      chain,
      manifest,
      inspection,
      labels,
      settled: (address, done) => done && !inFlight.has(address),
      fail: (path, problem) => {
        throw new ManifestError({ file: manifest.file, path: ['playbooks', playbook.name, 'steps', index, ...path], problem })
      },
    }
    const { calls, skipped } = await resolveAction(action, context)
    resolved.calls.push(...calls)
    resolved.skipped.push(...skipped)
  }
  return resolved
}

type ActionContext = {
  chain: ChainClients
  manifest: Manifest
  inspection: Inspection
  labels: Map<string, string>
  /** Already in the wanted state, and not because of a transaction of this plan still in flight. */
  settled: (address: Address, done: boolean) => boolean
  /** A ManifestError naming the playbook step and the path inside it. */
  fail: (path: (string | number)[], problem: string) => never
}

function resolveAction(action: PlaybookAction, context: ActionContext): Promise<ResolvePlaybookReturnType> {
  switch (action.kind) {
    case 'pause':
      return pauseAction(action, context)
    case 'limit':
      return limitAction(action, context)
    case 'disable':
      return disableAction(action, context)
    case 'revoke':
      return revokeAction(action, context)
  }
}

async function pauseAction(action: Extract<PlaybookAction, { kind: 'pause' }>, context: ActionContext): Promise<ResolvePlaybookReturnType> {
  const { chain, manifest, inspection, settled, fail } = context
  const contracts = action.contract === 'all' ? inspection.contracts : [inspected(inspection, action.contract)]
  // All at once: the reads of every contract share JSON-RPC batches, as in inspect.
  const outcomes = await Promise.all(contracts.map((contract) => pauseCall(chain, manifest, contract, settled)))
  const resolved: ResolvePlaybookReturnType = { calls: [], skipped: [] }
  for (const [position, outcome] of outcomes.entries()) {
    if (!('skip' in outcome)) {
      resolved.calls.push(outcome)
      continue
    }
    if (action.contract !== 'all' && outcome.missing) fail(['pause'], `expected a pausable contract, but ${outcome.skip}`)
    resolved.skipped.push({ contract: contracts[position]!.name, reason: outcome.skip })
  }
  return resolved
}

async function limitAction(action: Extract<PlaybookAction, { kind: 'limit' }>, { chain, manifest, inspection, labels, fail }: ActionContext): Promise<ResolvePlaybookReturnType> {
  const contract = inspected(inspection, action.contract)
  const ref = contractRef(manifest, contract)
  const fn = findFunction(ref, contract, action.function) ?? fail(['limit', 'function'], unknownFunction(ref, contract, action.function))
  const args = manifestArguments(fn, action.args, (position, problem) => fail(['limit', 'args', ...(position === undefined ? [] : [position])], problem))
  const target = { ...ref, abi: [fn, ...(ref.abi as Abi)] }
  const call: ContainCall = {
    contract: target,
    functionName: fn.name,
    args,
    title: `${contract.name}.${fn.name}(${args.map(String).join(', ')})`,
    paths: await pathsTo(chain, contract, fn, args, manifest, labels),
    postconditions: setterChecks(target, fn, args),
    isPause: false,
  }
  return { calls: [call], skipped: [] }
}

async function disableAction(action: Extract<PlaybookAction, { kind: 'disable' }>, { chain, manifest, inspection, settled, fail }: ActionContext): Promise<ResolvePlaybookReturnType> {
  const contract = inspected(inspection, action.contract)
  const ref = contractRef(manifest, contract)
  const fn = findFunction(ref, contract, action.function) ?? fail(['disable', 'function'], unknownFunction(ref, contract, action.function))
  const selector = toFunctionSelector(fn)
  const switchLever =
    contract.levers.find((access) => ['disableFunction(bytes4)', 'setFunctionPaused(bytes4,bool)'].includes(access.lever.signature)) ??
    fail(['disable'], `expected ${contract.name} to have a per-function switch (disableFunction(bytes4) or setFunctionPaused(bytes4,bool)), found none: pause it instead, or adopt FunctionSwitches (contracts/contain) before the next incident`)
  const enabled = await tryRead(chain, { address: ref.address, abi: probeAbi, functionName: 'isFunctionEnabled', args: [selector] })
  if (settled(ref.address, enabled === false)) return { calls: [], skipped: [{ contract: contract.name, reason: `${fn.name} is already disabled` }] }
  const lever = parseAbiItem(`function ${switchLever.lever.signature}`) as AbiFunction
  const target = { ...ref, abi: [lever, ...probeAbi, ...(ref.abi as Abi)] }
  const call: ContainCall = {
    contract: target,
    functionName: lever.name,
    args: lever.inputs.length === 1 ? [selector] : [selector, true],
    title: `disable ${contract.name}.${formatAbiItem(fn).replace(/^function /, '')}`,
    paths: switchLever.paths,
    postconditions: typeof enabled === 'boolean' ? [readCheck(target, 'isFunctionEnabled', [selector], false, `${contract.name}.${fn.name} is disabled`)] : [],
    isPause: false,
  }
  return { calls: [call], skipped: [] }
}

async function revokeAction(action: Extract<PlaybookAction, { kind: 'revoke' }>, { chain, manifest, inspection, settled, fail }: ActionContext): Promise<ResolvePlaybookReturnType> {
  const contract = inspected(inspection, action.contract)
  const ref = contractRef(manifest, contract)
  const role = await roleId(chain, ref.address, action.role)
  const holds = await tryRead(chain, { address: ref.address, abi: probeAbi, functionName: 'hasRole', args: [role, action.account] })
  if (settled(ref.address, holds === false)) return { calls: [], skipped: [{ contract: contract.name, reason: `${action.account} does not hold ${action.role}` }] }
  const revoke =
    contract.levers.find((access) => access.lever.signature === 'revokeRole(bytes32,address)') ??
    fail(['revoke'], `expected ${contract.name} to have revokeRole(bytes32,address) (OpenZeppelin AccessControl), found none`)
  const lever = parseAbiItem('function revokeRole(bytes32 role, address account)') as AbiFunction
  const target = { ...ref, abi: [lever, ...probeAbi, ...(ref.abi as Abi)] }
  const call: ContainCall = {
    contract: target,
    functionName: 'revokeRole',
    args: [role, action.account],
    title: `revoke ${action.role} from ${action.account} on ${contract.name}`,
    paths: revoke.paths,
    postconditions: [readCheck(target, 'hasRole', [role, action.account], false, `${action.account} no longer holds ${action.role} on ${contract.name}`)],
    isPause: false,
  }
  return { calls: [call], skipped: [] }
}

type PauseOutcome = ContainCall | { skip: string; missing?: boolean }

async function pauseCall(chain: ChainClients, manifest: Manifest, contract: ContractInspection, settled: (address: Address, done: boolean) => boolean): Promise<PauseOutcome> {
  if (contract.error) return { skip: `could not be inspected: ${contract.error}`, missing: true }
  const signatures = contract.levers.map((access) => access.lever.signature)
  if (signatures.includes('pause(address[])')) return { skip: 'a guardian: it pauses other contracts, it is not paused itself' }
  const lever = pauseCalls.map((call) => ({ call, access: contract.levers.find((access) => access.lever.signature === call.signature) })).find(({ access }) => access)
  if (!lever?.access) return { skip: 'no pause lever firebreak can pull (pause(), pauseAll(), emergencyPause(), setPaused(bool))', missing: true }
  const paused = await tryRead(chain, { address: contract.address, abi: probeAbi, functionName: 'paused' })
  if (settled(contract.address, paused === true)) return { skip: 'already paused' }
  const fn = parseAbiItem(`function ${lever.call.signature}`) as AbiFunction
  const ref = contractRef(manifest, contract)
  const target = { ...ref, abi: [fn, ...probeAbi, ...(ref.abi as Abi)] }
  return {
    contract: target,
    functionName: fn.name,
    args: lever.call.args,
    title: `pause ${contract.name}`,
    paths: lever.access.paths,
    postconditions: typeof paused === 'boolean' ? [readCheck(target, 'paused', [], true, `${contract.name}.paused() is true`)] : [],
    isPause: true,
  }
}

/** The manifest checked that the name exists; a contract on another chain than this run's was not inspected. */
function inspected(inspection: Inspection, name: string): ContractInspection {
  const contract = inspection.contracts.find((candidate) => candidate.name === name)
  if (!contract) throw new ContainError(`the playbook names ${name}, which is on another chain than this run's (chain id ${inspection.chainId}): run it with --chain naming ${name}'s chain`)
  return contract
}

function contractRef(manifest: Manifest, contract: ContractInspection): ContractRef {
  const abi = manifest.contracts.find((candidate) => candidate.name === contract.name)?.abi ?? []
  return { name: contract.name, address: contract.address, abi }
}

/** By full signature or by name in the manifest's ABI, else by name among the levers inspect found. */
function findFunction(ref: ContractRef, contract: ContractInspection, name: string): AbiFunction | undefined {
  const named = manifestFunction(ref.abi, name)
  if (named || name.includes('(')) return named
  const lever = contract.levers.find((access) => access.lever.signature.startsWith(`${name}(`))
  return lever ? (parseAbiItem(`function ${lever.lever.signature}`) as AbiFunction) : undefined
}

function unknownFunction(ref: ContractRef, contract: ContractInspection, name: string): string {
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

function readCheck(ref: ContractRef, name: string, args: unknown[], expect: unknown, description: string): Check {
  return { kind: 'read', description, address: ref.address, abi: viewFunction(ref.abi, name), args, expect }
}

/**
 * The paths to a call: those inspect found for the same lever, or else the paths of every team
 * authority and lever holder from which the exact call succeeds (`eth_call`, nothing sent).
 */
async function pathsTo(chain: ChainClients, contract: ContractInspection, fn: AbiFunction, args: readonly unknown[], manifest: Manifest, labels: Map<string, string>): Promise<AuthorityPath[]> {
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
      } catch {
        return undefined
      }
    }),
  )
  const found = callers.filter((caller): caller is Address => caller !== undefined)
  return (await Promise.all(found.map((caller) => authorityPaths(chain, caller, { labels })))).flat()
}

/** `DEFAULT_ADMIN_ROLE` is zero; `PAUSER_ROLE` is read from the contract's own constant, or else hashed as OpenZeppelin does. */
async function roleId(chain: ChainClients, address: Address, role: string): Promise<Hex> {
  if (isHex(role) && role.length === 66) return role
  if (role === 'DEFAULT_ADMIN_ROLE') return zeroHash
  const read = await tryRead(chain, { address, abi: parseAbi([`function ${role}() view returns (bytes32)`]), functionName: role as never })
  return typeof read === 'string' ? (read as Hex) : keccak256(toHex(role))
}

