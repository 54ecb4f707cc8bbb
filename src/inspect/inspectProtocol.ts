import { type Abi, type Address, type Hex, getAddress, toFunctionSelector } from 'viem'
import type { ChainClients } from '../chain/clients.js'
import { errorMessage } from '../errors.js'
import { authorityPaths } from './authorities/authorityPaths.js'
import { candidateHolders } from './authorities/candidateHolders.js'
import { type PauseWindows, computeFindings, fastestOf } from './findings.js'
import { confirmLever } from './levers/confirmLever.js'
import { knownLeverBySignature } from './levers/leverSignatures.js'
import { leverFunctionsFromAbi, leverFunctionsFromBytecode } from './levers/leverFunctions.js'
import { readPauseWindow } from './levers/pauseWindow.js'
import { detectProxy } from './proxy.js'
import type { AuthorityPath, ContractInspection, InspectTarget, Inspection, LeverAccess, LeverFunction, LeverKind, ProxyInfo, TimeToExecute } from './types.js'

export type InspectProtocolParameters = {
  targets: readonly InspectTarget[]
  /** The team's own authorities (from the manifest): always tried as holders, and named in the report. */
  authorities?: readonly { name: string; address: Address }[]
  /**
   * Only levers of these kinds are confirmed and traced (all by default). `contain pause-all`
   * needs the pause levers only, and every lever left out saves calls while an exploit runs.
   */
  kinds?: readonly LeverKind[]
}

/**
 * Inspects every contract at once (the reads of all contracts share JSON-RPC batches), each on its
 * own: a contract that cannot be read is reported with its error and the rest of the report stands.
 */
export async function inspectProtocol(chain: ChainClients, { targets, authorities = [], kinds }: InspectProtocolParameters): Promise<Inspection> {
  const labels = new Map(authorities.map((authority) => [authority.address.toLowerCase(), authority.name]))
  const blockNumber = await chain.public.getBlockNumber()
  const pauseWindows = new Map<string, { endsAt: bigint }>()
  const contracts = await Promise.all(
    targets.map(async (target) => {
      const window = await readPauseWindow(chain, target.address).catch(() => undefined)
      if (window) pauseWindows.set(target.name, window)
      return inspectContract(chain, target, authorities.map((authority) => authority.address), labels, kinds)
    }),
  )
  return {
    chainId: chain.chain.id,
    blockNumber,
    contracts,
    findings: computeFindings(contracts, pauseWindows as PauseWindows),
    timeToContain: slowest(contracts.map((contract) => contract.timeToContain)),
  }
}

async function inspectContract(chain: ChainClients, target: InspectTarget, teamAuthorities: Address[], labels: ReadonlyMap<string, string>, kinds?: readonly LeverKind[]): Promise<ContractInspection> {
  const base = { name: target.name, address: target.address }
  try {
    const code = await chain.public.getCode({ address: target.address })
    if (!code || code === '0x') return { ...base, proxy: { kind: 'none' }, levers: [], error: `no code at ${target.address} (wrong address or wrong chain?)` }
    const proxy = await detectProxy(chain, target.address)
    const implementationCode = proxy.kind === 'none' ? undefined : await chain.public.getCode({ address: proxy.implementation })
    const functions = leverFunctions(target, code, implementationCode)

    const candidates = unique([...(await candidateHolders(chain, target, proxy)), ...teamAuthorities])
    const viaImplementation = proxy.kind === 'none' ? undefined : proxy.implementation
    const callable = [
      ...functions.map((lever) => ({ lever, address: target.address, abi: target.abi })),
      ...proxyUpgradeLevers(proxy),
    ].filter(({ lever }) => !kinds || kinds.includes(lever.kind))
    const levers = await Promise.all(
      callable.map(async ({ lever, address, abi }): Promise<LeverAccess> => {
        const confirmation = await confirmLever(chain, { address, lever, abi, candidates })
        const paths = confirmation.status === 'confirmed' ? await pathsFor(chain, confirmation.holders, labels) : []
        const fastest = quickest(paths.map((path) => path.timeToExecute))
        const via = address === target.address ? viaImplementation : undefined
        return { lever: { ...lever, contract: target.name, address, viaImplementation: via, confirmation }, paths, fastest }
      }),
    )
    const timeToContain = fastestOf(levers.filter((access) => access.lever.kind === 'pause'))?.fastest
    return { ...base, proxy, levers, timeToContain }
  } catch (error) {
    return { ...base, proxy: { kind: 'none' }, levers: [], error: errorMessage(error).split('\n')[0] }
  }
}

/**
 * A transparent proxy is upgraded through its ProxyAdmin and a beacon proxy through its beacon:
 * those levers live on other contracts than the one users call, and are easy to forget.
 */
function proxyUpgradeLevers(proxy: ProxyInfo): { lever: LeverFunction; address: Address; abi?: Abi }[] {
  const upgradeAt = (address: Address | undefined, signature: string) => {
    const known = knownLeverBySignature(signature)
    return address && known ? [{ lever: { signature, selector: known.selector, kind: known.kind, source: 'abi' as const }, address }] : []
  }
  if (proxy.kind === 'transparent') return upgradeAt(proxy.admin, 'upgradeAndCall(address,address,bytes)')
  if (proxy.kind === 'beacon') return upgradeAt(proxy.beacon, 'upgradeTo(address)')
  return []
}

/**
 * From the ABI when one is given (checked against the code first: an ABI that does not belong to
 * the contract would invent levers), else from the selectors in the proxy's and implementation's code.
 */
function leverFunctions(target: InspectTarget, code: Hex, implementationCode: Hex | undefined): LeverFunction[] {
  const allCode = `${code}${implementationCode?.slice(2) ?? ''}`
  if (!target.abi) {
    const found = [...leverFunctionsFromBytecode(code), ...(implementationCode ? leverFunctionsFromBytecode(implementationCode) : [])]
    return [...new Map(found.map((lever) => [lever.selector, lever])).values()]
  }
  assertAbiMatchesCode(target.name, target.abi, allCode)
  return leverFunctionsFromAbi(target.abi)
}

/**
 * Every external function's selector appears in the dispatcher of the code that implements it.
 * Allow a few misses (a selector folded into a jump table by the optimiser), not a different contract.
 */
function assertAbiMatchesCode(name: string, abi: Abi, code: string) {
  const selectors = abi.filter((item) => item.type === 'function').map((item) => toFunctionSelector(item as never).slice(2))
  if (selectors.length === 0) return
  const missing = selectors.filter((selector) => !code.includes(selector))
  if (missing.length > selectors.length / 2) {
    throw new Error(`the ABI given for ${name} does not match its bytecode: ${missing.length} of ${selectors.length} functions are not in the code`)
  }
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
