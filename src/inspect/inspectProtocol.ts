import { type Abi, type AbiFunction, type Address, type Hex, getAddress, toFunctionSelector } from 'viem'
import { formatAbiItem } from 'viem/utils'
import type { ChainClients } from '../chain/clients.js'
import { isTransportError } from '../chain/transportError.js'
import { errorMessage } from '../errors.js'
import { ContractUnreadableError } from './errors.js'
import { authorityPaths } from './authorities/authorityPaths.js'
import { candidateHolders } from './authorities/candidateHolders.js'
import { type PauseWindows, computeFindings, fastestOf } from './findings.js'
import { knownErrorsAbi } from './levers/accessRevert.js'
import { selectorsFromBytecode } from './levers/bytecodeSelectors.js'
import { adminUpgradeLevers } from './levers/adminUpgradeLevers.js'
import { confirmLever } from './levers/confirmLever.js'
import { leverAbiItem, unrelatedAddress } from './levers/leverAbiItem.js'
import { measurePauseEffect } from './levers/measurePauseEffect.js'
import { pausedGetters } from './levers/pausedGetters.js'
import { knownLeverBySignature } from './levers/leverSignatures.js'
import { leverFunctionsFromAbi, leverFunctionsFromBytecode } from './levers/leverFunctions.js'
import { readPauseWindow } from './levers/pauseWindow.js'
import { detectProxy } from './proxy.js'
import type { AuthorityPath, ContractInspection, InspectTarget, Inspection, LeverAccess, LeverConfirmation, LeverEffect, LeverFunction, LeverKind, OperationProbe, ProxyInfo, TimeToExecute } from './types.js'

export type InspectProtocolParameters = {
  targets: readonly InspectTarget[]
  /** The team's own authorities (from the manifest): always tried as holders, and named in the report. */
  authorities?: readonly { name: string; address: Address }[]
  /**
   * Only levers of these kinds are confirmed and traced (all by default). `contain pause-all`
   * needs the pause levers only, and every lever left out saves calls while an exploit runs.
   */
  kinds?: readonly LeverKind[]
  /**
   * Ordinary calls the protocol serves (the manifest's `normalOperations`): a pause lever whose
   * contract has no paused getter is known by these calls reverting once it is pulled.
   */
  operations?: readonly OperationProbe[]
  /** Written into a pause's string argument (`pause(string identifier)`): why it was pulled. */
  reason?: string
}

export const DEFAULT_PAUSE_REASON = 'firebreak: emergency pause'

/**
 * Inspects every contract at once (the reads of all contracts share JSON-RPC batches), each on its
 * own: a contract that cannot be read is reported with its error and the rest of the report stands.
 */
export async function inspectProtocol(chain: ChainClients, { targets, authorities = [], kinds, operations = [], reason = DEFAULT_PAUSE_REASON }: InspectProtocolParameters): Promise<Inspection> {
  const labels = new Map(authorities.map((authority) => [authority.address.toLowerCase(), authority.name]))
  const block = await chain.public.getBlock({ blockTag: 'latest' })
  const pauseWindows = new Map<string, { endsAt: bigint }>()
  const abis = new Map(targets.flatMap((target) => (target.abi ? [[target.address.toLowerCase(), target.abi] as const] : [])))
  const context: InspectContext = { teamAuthorities: authorities.map((authority) => authority.address), labels, kinds, operations, reason, abis }
  const contracts = await Promise.all(
    targets.map(async (target) => {
      const window = await readPauseWindow(chain, target.address).catch((error: unknown) => {
        if (isTransportError(error)) throw error
        return undefined
      })
      if (window) pauseWindows.set(target.name, window)
      return inspectContract(chain, target, context)
    }),
  )
  return {
    chainId: chain.chain.id,
    blockNumber: block.number,
    // Windows end in the chain's time, which on a fork or a test chain is not the wall clock's.
    chainTime: block.timestamp,
    contracts,
    findings: computeFindings(contracts, pauseWindows as PauseWindows, block.timestamp),
    timeToContain: slowest(contracts.map((contract) => contract.timeToContain)),
  }
}

type InspectContext = {
  teamAuthorities: Address[]
  labels: ReadonlyMap<string, string>
  kinds?: readonly LeverKind[]
  operations: readonly OperationProbe[]
  reason: string
  /** Every target's ABI by lower-case address: an admin contract in the manifest lends its function names. */
  abis: ReadonlyMap<string, Abi>
}

/**
 * One contract's levers, holders and paths. A contract that cannot be read (no code, an ABI of
 * another contract) is reported with its error; a node that fails is not the contract's fault and
 * ends the whole inspection, so that no run mistakes a dead RPC for a contract without levers.
 */
async function inspectContract(chain: ChainClients, target: InspectTarget, { teamAuthorities, labels, kinds, operations, reason, abis }: InspectContext): Promise<ContractInspection> {
  const base = { name: target.name, address: target.address }
  try {
    const code = await chain.public.getCode({ address: target.address })
    if (!code || code === '0x') throw new ContractUnreadableError(`no code at ${target.address} (wrong address or wrong chain?)`)
    const proxy = await detectProxy(chain, target.address)
    const implementationCode = proxy.kind === 'none' ? undefined : await chain.public.getCode({ address: proxy.implementation })
    const functions = leverFunctions(target, code, implementationCode)

    const candidates = unique([...(await candidateHolders(chain, target, proxy)), ...teamAuthorities])
    const viaImplementation = proxy.kind === 'none' ? undefined : proxy.implementation
    const wanted = (kind: LeverKind) => !kinds || kinds.includes(kind)
    const callable = [
      ...functions.map((lever) => ({ lever, address: target.address, abi: target.abi, traced: undefined })),
      ...(wanted('upgrade') ? await proxyUpgradeLevers(chain, proxy, target.address, abis) : []),
    ].filter(({ lever }) => wanted(lever.kind))
    const levers = await Promise.all(
      callable.map(async ({ lever, address, abi, traced }): Promise<LeverAccess> => {
        const confirmation = traced ?? (await confirmLever(chain, { address, lever, abi, candidates }))
        const paths = confirmation.status === 'confirmed' ? await pathsFor(chain, confirmation.holders, labels) : []
        const fastest = quickest(paths.map((path) => path.timeToExecute))
        const via = address === target.address ? viaImplementation : undefined
        const access: LeverAccess = { lever: { ...lever, contract: target.name, address, viaImplementation: via, confirmation }, paths, fastest }
        if (lever.kind !== 'pause' || address !== target.address) return access
        const effect = await pauseEffect(chain, { target, lever, confirmation, operations, reason })
        return { ...access, effect }
      }),
    )
    const timeToContain = fastestOf(levers.filter((access) => access.lever.kind === 'pause' && pausesOrPaused(access.effect)))?.fastest
    return { ...base, proxy, levers, timeToContain }
  } catch (error) {
    if (!(error instanceof ContractUnreadableError) && isTransportError(error)) throw error
    return { ...base, proxy: { kind: 'none' }, levers: [], error: errorMessage(error).split('\n')[0] }
  }
}

/** A pause lever counts once pulling it was seen to pause, or its contract is paused already. */
export function pausesOrPaused(effect: LeverEffect | undefined): boolean {
  return effect?.status === 'pauses' || effect?.status === 'already-paused'
}

/** Pulls a pause lever in a simulation, as its holder (or, unguarded, as anyone), and reads what changed. */
async function pauseEffect(
  chain: ChainClients,
  { target, lever, confirmation, operations, reason }: { target: InspectTarget; lever: LeverFunction; confirmation: LeverConfirmation; operations: readonly OperationProbe[]; reason: string },
): Promise<LeverEffect> {
  const pullers = confirmation.status === 'confirmed' ? confirmation.holders : confirmation.status === 'unguarded' ? [unrelatedAddress()] : []
  if (pullers.length === 0) return { status: 'untested', detail: 'no holder was confirmed to pull it' }
  return measurePauseEffect(chain, {
    address: target.address,
    fn: leverAbiItem(lever.signature, target.abi),
    pullers,
    getters: pausedGetters(target),
    operations,
    reason,
    abis: target.abi ? [target.abi, knownErrorsAbi] : [knownErrorsAbi],
  })
}



type CallableLever = { lever: LeverFunction; address: Address; abi?: Abi; traced?: LeverConfirmation }

/**
 * A transparent proxy is upgraded through its admin and a beacon proxy through its beacon: those
 * levers live on other contracts than the one users call, and are easy to forget. An OpenZeppelin
 * ProxyAdmin dispatches `upgradeAndCall` (5) or `upgrade` (4); any other admin contract (Aave's
 * PoolAddressesProvider) is searched by tracing its functions (see adminUpgradeLevers).
 */
async function proxyUpgradeLevers(chain: ChainClients, proxy: ProxyInfo, proxyAddress: Address, abis: ReadonlyMap<string, Abi>): Promise<CallableLever[]> {
  const at = async (address: Address, signatures: readonly string[]): Promise<CallableLever[]> => {
    const code = await chain.public.getCode({ address })
    const dispatched = code ? selectorsFromBytecode(code) : new Set<Hex>()
    return signatures.flatMap((signature) => {
      const known = knownLeverBySignature(signature)
      return known && dispatched.has(known.selector) ? [{ lever: { signature, selector: known.selector, kind: known.kind, source: 'bytecode' as const }, address }] : []
    })
  }
  if (proxy.kind === 'beacon' && proxy.beacon) return at(proxy.beacon, ['upgradeTo(address)'])
  if (proxy.kind !== 'transparent' || !proxy.admin) return []
  const proxyAdmin = await at(proxy.admin, ['upgradeAndCall(address,address,bytes)', 'upgrade(address,address)'])
  if (proxyAdmin.length > 0) return proxyAdmin
  const traced = await adminUpgradeLevers(chain, { proxy: proxyAddress, admin: proxy.admin, implementation: proxy.implementation, adminAbi: abis.get(proxy.admin.toLowerCase()) })
  return traced.map(({ lever, confirmation }) => ({ lever, address: proxy.admin!, traced: confirmation }))
}

/**
 * From the ABI when one is given (checked against the code first: an ABI that does not belong to
 * the contract would invent levers), else from the selectors in the proxy's and implementation's code.
 */
function leverFunctions(target: InspectTarget, code: Hex, implementationCode: Hex | undefined): LeverFunction[] {
  if (!target.abi) {
    const found = [...leverFunctionsFromBytecode(code), ...(implementationCode ? leverFunctionsFromBytecode(implementationCode) : [])]
    return [...new Map(found.map((lever) => [lever.selector, lever])).values()]
  }
  assertAbiMatchesCode(target.name, target.abi, implementationCode ? [code, implementationCode] : [code])
  return leverFunctionsFromAbi(target.abi)
}

/**
 * Every external function's selector appears in the dispatcher of the code that implements it. A
 * lever the code does not dispatch would be pulled in vain, and a quarter of the ABI missing is
 * another contract's ABI: either is refused, naming what is missing.
 */
function assertAbiMatchesCode(name: string, abi: Abi, codes: readonly Hex[]) {
  const dispatched = new Set(codes.flatMap((code) => [...selectorsFromBytecode(code)]))
  const inCode = (selector: Hex) => dispatched.has(selector) || codes.some((code) => code.includes(selector.slice(2)))
  const functions = leverFunctionsFromAbi(abi)
  const all = abi.filter((item): item is AbiFunction => item.type === 'function')
  if (all.length === 0) throw new ContractUnreadableError(`the ABI given for ${name} has no functions: give the contract's ABI or artifact, or none to read its bytecode`)
  const missing = all.filter((item) => !inCode(toSelector(item)))
  const missingLevers = functions.filter((lever) => !inCode(lever.selector))
  if (missingLevers.length > 0 || missing.length > all.length / 4) {
    const named = (missingLevers.length > 0 ? missingLevers.map((lever) => lever.signature) : missing.map((item) => formatAbiItem(item))).slice(0, 3).join(', ')
    throw new ContractUnreadableError(`the ABI given for ${name} does not match its bytecode: ${missing.length} of ${all.length} functions are not in the code`, {
      metaMessages: [`missing: ${named}`, "Is it the ABI of another contract, or of a proxy's implementation firebreak did not find?"],
    })
  }
}

function toSelector(item: AbiFunction): Hex {
  return toFunctionSelector(item)
}

async function pathsFor(chain: ChainClients, holders: readonly Address[], labels: ReadonlyMap<string, string>): Promise<AuthorityPath[]> {
  const paths = await Promise.all(holders.map((holder) => authorityPaths(chain, holder, { labels })))
  return paths.flat()
}

function quickest(times: readonly TimeToExecute[]): TimeToExecute | undefined {
  return [...times].sort((a, b) => a.seconds - b.seconds)[0]
}

function slowest(times: readonly (TimeToExecute | undefined)[]): TimeToExecute | undefined {
  return times.filter((time): time is TimeToExecute => time !== undefined).sort((a, b) => b.seconds - a.seconds)[0]
}

function unique(addresses: readonly Address[]): Address[] {
  return [...new Set(addresses.map((address) => getAddress(address)))]
}
