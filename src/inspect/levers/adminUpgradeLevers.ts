import { type Abi, type AbiFunction, type Address, type Hex, concat, encodeAbiParameters, getAddress, parseAbi, toFunctionSelector, zeroAddress } from 'viem'
import { formatAbiItem } from 'viem/utils'
import type { ChainClients } from '../../chain/clients.js'
import { type CallFrame, framesOf, traceCall } from '../../chain/traceCall.js'
import { tryRead } from '../../chain/tryRead.js'
import type { LeverConfirmation, LeverFunction } from '../types.js'
import { selectorsFromBytecode } from './bytecodeSelectors.js'
import { unrelatedAddress } from './leverAbiItem.js'
import { knownLeverBySelector } from './leverSignatures.js'

export type AdminUpgradeLeversParameters = {
  proxy: Address
  /** The contract that may upgrade the proxy (its admin), when it is not an OpenZeppelin ProxyAdmin. */
  admin: Address
  /** The proxy's current implementation: a real contract to offer as the "new" one. */
  implementation: Address
  /** The admin's ABI, when the manifest has it: its functions get their names. */
  adminAbi?: Abi
}

export type AdminUpgradeLever = { lever: LeverFunction; confirmation: LeverConfirmation }

const ownableAbi = parseAbi(['function owner() view returns (address)'])
/** What a proxy's admin calls on it to upgrade it: EIP-1967 proxies, OpenZeppelin 4 and Aave's alike. */
const proxyUpgradeSelectors = new Set([toFunctionSelector('upgradeTo(address)'), toFunctionSelector('upgradeToAndCall(address,bytes)')])
/** A contract of many functions is searched no further: each candidate costs a trace. */
const MAX_CANDIDATES = 48

/**
 * The functions of a proxy's admin contract that upgrade it, found where they act rather than by
 * name: each function of the admin that takes one address is traced as the admin's owner would
 * call it (debug_traceCall, nothing sent), and it is an upgrade lever of this proxy when the admin
 * then calls the proxy's `upgradeTo`/`upgradeToAndCall`. Aave's PoolAddressesProvider upgrades the
 * Pool through `setPoolImpl(address)` and the PoolConfigurator through `setPoolConfiguratorImpl`.
 * Empty when the node cannot trace, or the admin has no owner to trace from.
 */
export async function adminUpgradeLevers(chain: ChainClients, { proxy, admin, implementation, adminAbi }: AdminUpgradeLeversParameters): Promise<AdminUpgradeLever[]> {
  const owner = await tryRead(chain, { address: admin, abi: ownableAbi, functionName: 'owner' })
  if (typeof owner !== 'string' || owner === zeroAddress) return []
  const candidates = (await candidateFunctions(chain, admin, adminAbi)).slice(0, MAX_CANDIDATES)
  const argument = encodeAbiParameters([{ type: 'address' }], [implementation])
  const stranger = unrelatedAddress()
  const found = await Promise.all(
    candidates.map(async (candidate): Promise<AdminUpgradeLever | undefined> => {
      const data = concat([candidate.selector, argument])
      const asOwner = await traceCall(chain, { from: owner as Address, to: admin, data })
      if (!asOwner || !upgrades(asOwner, admin, proxy)) return undefined
      const asStranger = await traceCall(chain, { from: stranger, to: admin, data })
      const lever: LeverFunction = { signature: candidate.signature, selector: candidate.selector, kind: 'upgrade', source: adminAbi ? 'abi' : 'bytecode' }
      const reached = `${owner} calling it makes ${admin} call the proxy's upgrade function`
      if (asStranger && upgrades(asStranger, admin, proxy)) return { lever, confirmation: { status: 'unguarded', detail: `traced: ${reached}, and so does ${stranger}, an address nobody controls` } }
      return { lever, confirmation: { status: 'confirmed', holders: [getAddress(owner as Address)], deniedTo: stranger, detail: `traced: ${reached}; ${stranger} (unrelated) does not get there` } }
    }),
  )
  return found.filter((lever): lever is AdminUpgradeLever => lever !== undefined)
}

/** The admin's functions that take one address: named from its ABI, else every selector its dispatcher knows. */
async function candidateFunctions(chain: ChainClients, admin: Address, abi: Abi | undefined): Promise<{ signature: string; selector: Hex }[]> {
  if (abi) {
    return abi
      .filter((item): item is AbiFunction => item.type === 'function' && item.stateMutability !== 'view' && item.stateMutability !== 'pure' && item.inputs.length === 1 && item.inputs[0]?.type === 'address')
      .map((item) => ({ signature: formatAbiItem(item), selector: toFunctionSelector(item) }))
  }
  const code = await chain.public.getCode({ address: admin })
  if (!code) return []
  return [...selectorsFromBytecode(code)].map((selector) => ({ signature: knownLeverBySelector(selector)?.signature ?? `${selector}(address)`, selector }))
}

/** Whether the call tree holds the admin calling the proxy's upgrade function. */
function upgrades(trace: CallFrame, admin: Address, proxy: Address): boolean {
  return framesOf(trace).some(
    (frame) =>
      frame.type === 'CALL' &&
      frame.from.toLowerCase() === admin.toLowerCase() &&
      frame.to?.toLowerCase() === proxy.toLowerCase() &&
      proxyUpgradeSelectors.has(frame.input.slice(0, 10).toLowerCase() as Hex),
  )
}
