import { type Abi, type AbiFunction, type Address, type Hex, isHex, keccak256, parseAbi, parseAbiItem, toFunctionSelector, toHex, zeroHash } from 'viem'
import { formatAbiItem } from 'viem/utils'
import type { ChainClients } from '../chain/clients.js'
import { tryRead } from '../chain/tryRead.js'
import type { Check, ContractRef } from '../engine/plan.js'
import type { RoutedCall } from '../engine/routing/buildRoutedPlan.js'
import { contractRef, findFunction, readCheck, resolveManifestCall, unknownFunction } from '../engine/routing/resolveManifestCall.js'
import { showValue } from '../format.js'
import { leverAbiItem } from '../inspect/levers/leverAbiItem.js'
import { isContractWide } from '../inspect/levers/pausedGetters.js'
import type { ContractInspection, Inspection, LeverAccess, LeverEffect, PauseEvidence } from '../inspect/types.js'
import { ManifestError } from '../manifest/ManifestError.js'
import type { Manifest, ManifestPlaybook, PlaybookAction } from '../manifest/types.js'
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
  calls: RoutedCall[]
  /** Contracts left alone because nothing is to be done: already paused, a guardian (it pauses others). */
  skipped: { contract: string; reason: string }[]
  /** Targets firebreak cannot contain, and why: they stay exposed, and the run must not end in success. */
  exposed: { contract: string; reason: string }[]
}

/** The built-in playbook: pause everything pausable, each contract through whoever holds its pause. */
export const PAUSE_ALL: ManifestPlaybook = { name: 'pause-all', description: 'pause every pausable contract', actions: [{ kind: 'pause', contract: 'all' }] }

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
  const resolved: ResolvePlaybookReturnType = { calls: [], skipped: [], exposed: [] }
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
    const { calls, skipped, exposed } = await resolveAction(action, context)
    resolved.calls.push(...calls)
    resolved.skipped.push(...skipped)
    resolved.exposed.push(...exposed)
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
  const { manifest, inspection, settled, fail } = context
  const contracts = action.contract === 'all' ? inspection.contracts : [inspected(inspection, action.contract)]
  const outcomes = contracts.map((contract) => pauseCalls(manifest, contract, settled))
  const resolved: ResolvePlaybookReturnType = { calls: [], skipped: [], exposed: [] }
  for (const [position, outcome] of outcomes.entries()) {
    const contract = contracts[position]!
    if ('calls' in outcome) resolved.calls.push(...outcome.calls)
    else if ('skip' in outcome) resolved.skipped.push({ contract: contract.name, reason: outcome.skip })
    else if (action.contract !== 'all') fail(['pause'], `expected a contract firebreak can pause, but ${contract.name} ${outcome.exposed}`)
  }
  // A contract without a pause of its own is contained when another's pause stops its ordinary
  // calls (Aave's PoolConfigurator.setPoolPause stops the Pool): those calls are in that pull's checks.
  for (const [position, outcome] of outcomes.entries()) {
    if (!('exposed' in outcome)) continue
    const contract = contracts[position]!
    const cover = resolved.calls.find((call) => call.postconditions.some((check) => check.kind === 'call' && check.to.toLowerCase() === contract.address.toLowerCase()))
    if (cover) {
      cover.alsoContains = [...(cover.alsoContains ?? []), contract.name]
      resolved.skipped.push({ contract: contract.name, reason: `paused through ${cover.title}: its ordinary calls are checked to revert` })
    }
    else resolved.exposed.push({ contract: contract.name, reason: outcome.exposed })
  }
  // "Nothing to contain" must mean the chain shows every target contained, not that there was none.
  if (outcomes.every((outcome) => 'notTarget' in outcome)) {
    resolved.exposed.push({ contract: action.contract, reason: 'no contract of the manifest on this chain has a pause lever or declares normalOperations: nothing here can be paused, or shown paused' })
  }
  return resolved
}

async function limitAction(action: Extract<PlaybookAction, { kind: 'limit' }>, { chain, manifest, inspection, labels, fail }: ActionContext): Promise<ResolvePlaybookReturnType> {
  const contract = inspected(inspection, action.contract)
  const call = await resolveManifestCall(chain, { manifest, contract, function: action.function, args: action.args, labels, fail: (path, problem) => fail(['limit', ...path], problem) })
  return { calls: [call], skipped: [], exposed: [] }
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
  if (settled(ref.address, enabled === false)) return { calls: [], skipped: [{ contract: contract.name, reason: `${fn.name} is already disabled` }], exposed: [] }
  const lever = parseAbiItem(`function ${switchLever.lever.signature}`) as AbiFunction
  const target = { ...ref, abi: [lever, ...probeAbi, ...(ref.abi as Abi)] }
  const call: RoutedCall = {
    contract: target,
    functionName: lever.name,
    args: lever.inputs.length === 1 ? [selector] : [selector, true],
    title: `disable ${contract.name}.${formatAbiItem(fn).replace(/^function /, '')}`,
    paths: switchLever.paths,
    postconditions: typeof enabled === 'boolean' ? [readCheck(target, 'isFunctionEnabled', [selector], false, `${contract.name}.${fn.name} is disabled`)] : [],
    isPause: false,
  }
  return { calls: [call], skipped: [], exposed: [] }
}

async function revokeAction(action: Extract<PlaybookAction, { kind: 'revoke' }>, { chain, manifest, inspection, settled, fail }: ActionContext): Promise<ResolvePlaybookReturnType> {
  const contract = inspected(inspection, action.contract)
  const ref = contractRef(manifest, contract)
  const role = await roleId(chain, ref.address, action.role)
  const holds = await tryRead(chain, { address: ref.address, abi: probeAbi, functionName: 'hasRole', args: [role, action.account] })
  if (settled(ref.address, holds === false)) return { calls: [], skipped: [{ contract: contract.name, reason: `${action.account} does not hold ${action.role}` }], exposed: [] }
  const revoke =
    contract.levers.find((access) => access.lever.signature === 'revokeRole(bytes32,address)') ??
    fail(['revoke'], `expected ${contract.name} to have revokeRole(bytes32,address) (OpenZeppelin AccessControl), found none`)
  const lever = parseAbiItem('function revokeRole(bytes32 role, address account)') as AbiFunction
  const target = { ...ref, abi: [lever, ...probeAbi, ...(ref.abi as Abi)] }
  const call: RoutedCall = {
    contract: target,
    functionName: 'revokeRole',
    args: [role, action.account],
    title: `revoke ${action.role} from ${action.account} on ${contract.name}`,
    paths: revoke.paths,
    postconditions: [readCheck(target, 'hasRole', [role, action.account], false, `${action.account} no longer holds ${action.role} on ${contract.name}`)],
    isPause: false,
  }
  return { calls: [call], skipped: [], exposed: [] }
}

/** `notTarget`: a contract pause-all leaves alone (a plain token, a guardian), as opposed to one already paused. */
type PauseOutcome = { calls: RoutedCall[] } | { skip: string; notTarget?: true } | { exposed: string }

/**
 * The pulls that pause one contract, each checked by what its simulated pull showed (a paused
 * getter turning true, an ordinary call starting to revert). One pull that flips the contract's
 * own paused getter is enough; without one, every lever seen to pause a feature is pulled.
 */
function pauseCalls(manifest: Manifest, contract: ContractInspection, settled: (address: Address, done: boolean) => boolean): PauseOutcome {
  if (contract.error) return { exposed: `could not be inspected: ${contract.error}` }
  if (contract.levers.some((access) => access.lever.signature === 'pause(address[])')) return { skip: 'a guardian: it pauses other contracts, it is not paused itself', notTarget: true }
  const levers = contract.levers.filter((access) => access.lever.kind === 'pause')
  const already = levers.filter((access) => access.effect?.status === 'already-paused')
  // A transaction of this plan still in flight: its call stays, so the engine verifies it and records it done.
  const resumed = !settled(contract.address, true)
  const wide = already.find((access) => evidenceOf(access).some((evidence) => evidence.kind === 'getter' && sameAddress(evidence.getter.address, contract.address) && isContractWide(evidence.getter)))
  // Stopped as a whole, or every feature stopped: measurePauseEffect says already-paused for a feature only then.
  const stopped = wide ? [wide] : already.length > 0 && already.length === levers.length ? already : []
  if (stopped.length > 0 && !resumed) return { skip: `already paused: ${[...new Set(stopped.flatMap(evidenceOf).map(evidenceText))].join(', ')}` }
  // pause-all targets what can be paused, and what the manifest says serves ordinary calls (which
  // a pause must stop); a contract with neither (a plain token) is not a target.
  if (levers.length === 0) {
    const operations = manifest.normalOperations.filter((operation) => operation.contract === contract.name).map((operation) => operation.description)
    if (operations.length === 0) return { skip: 'no pause lever found in its ABI or bytecode: pause-all leaves it alone', notTarget: true }
    return { exposed: `has no pause lever of its own, and no pull in this plan was seen to stop its ordinary calls (${operations.join('; ')})` }
  }
  const pulls = levers.filter((access) => access.paths.length > 0 && (access.effect?.status === 'pauses' || (resumed && access.effect?.status === 'already-paused')))
  if (pulls.length === 0) return { exposed: whyNotPausable(levers) }
  const whole = pulls.filter((access) => evidenceOf(access).some((evidence) => evidence.kind === 'getter' && sameAddress(evidence.getter.address, contract.address) && isContractWide(evidence.getter)))
  const chosen = whole.length > 0 ? [fastest(whole)] : pulls
  return { calls: chosen.map((access) => pauseCall(manifest, contract, access)) }
}

function pauseCall(manifest: Manifest, contract: ContractInspection, access: LeverAccess): RoutedCall {
  const effect = access.effect as Extract<LeverEffect, { status: 'pauses' | 'already-paused' }>
  const ref = contractRef(manifest, contract)
  const fn = leverAbiItem(access.lever.signature, ref.abi)
  const target = { ...ref, abi: [fn, ...(ref.abi as Abi)] }
  const { args } = effect
  const shown = args.length > 0 ? ` with ${fn.name}(${args.map(showValue).join(', ')})` : ''
  return {
    contract: target,
    functionName: fn.name,
    args,
    title: `pause ${contract.name}${shown}`,
    paths: access.paths,
    postconditions: effect.evidence.map((evidence) => evidenceCheck(evidence, ref)),
    isPause: true,
  }
}

/** What the simulated pull showed, as a check the engine reads on the fork and on chain. */
function evidenceCheck(evidence: PauseEvidence, ref: ContractRef): Check {
  if (evidence.kind === 'getter') {
    const { getter } = evidence
    return { kind: 'read', description: `${getter.contract}.${getter.signature} is true`, address: getter.address, abi: getter.abi, args: [], expect: true }
  }
  const { operation } = evidence
  return { kind: 'call', description: `${operation.description} now reverts`, from: operation.from, to: operation.to, data: operation.data, value: operation.value, expect: 'revert', abi: ref.abi }
}

function evidenceOf(access: LeverAccess): PauseEvidence[] {
  return access.effect && 'evidence' in access.effect ? access.effect.evidence : []
}

function evidenceText(evidence: PauseEvidence): string {
  return evidence.kind === 'getter' ? `${evidence.getter.contract}.${evidence.getter.signature} reads true` : `${evidence.operation.description} reverts`
}

/** Why no pull is left for a contract, lever by lever, in words the war room acts on. */
function whyNotPausable(levers: readonly LeverAccess[]): string {
  const reasons = levers.map((access) => {
    const { signature, confirmation } = access.lever
    const effect = access.effect
    if (effect?.status === 'reverted' || effect?.status === 'no-effect' || effect?.status === 'untested') return `${signature}: ${effect.detail}`
    if (effect?.status === 'already-paused') return `${signature}: already pulled (${effect.evidence.map(evidenceText).join(', ')})`
    if (confirmation.status !== 'confirmed') return `${signature}: ${confirmation.detail}`
    if (access.paths.length === 0) return `${signature}: no authority path reaches its holders`
    return `${signature}: not pulled`
  })
  return `cannot be paused by firebreak: ${reasons.join('; ')}`
}

function fastest(levers: readonly LeverAccess[]): LeverAccess {
  return [...levers].sort((a, b) => (a.fastest?.seconds ?? Infinity) - (b.fastest?.seconds ?? Infinity))[0]!
}

function sameAddress(a: Address, b: Address): boolean {
  return a.toLowerCase() === b.toLowerCase()
}

/** The manifest checked that the name exists; a contract on another chain than this run's was not inspected. */
function inspected(inspection: Inspection, name: string): ContractInspection {
  const contract = inspection.contracts.find((candidate) => candidate.name === name)
  if (!contract) throw new ContainError(`the playbook names ${name}, which is on another chain than this run's (chain id ${inspection.chainId}): contain on ${name}'s chain`)
  return contract
}







/** `DEFAULT_ADMIN_ROLE` is zero; `PAUSER_ROLE` is read from the contract's own constant, or else hashed as OpenZeppelin does. */
async function roleId(chain: ChainClients, address: Address, role: string): Promise<Hex> {
  if (isHex(role) && role.length === 66) return role
  if (role === 'DEFAULT_ADMIN_ROLE') return zeroHash
  const read = await tryRead(chain, { address, abi: parseAbi([`function ${role}() view returns (bytes32)`]), functionName: role as never })
  return typeof read === 'string' ? (read as Hex) : keccak256(toHex(role))
}

