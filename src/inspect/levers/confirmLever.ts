import { type Abi, type AbiFunction, type Address, type Hex, encodeFunctionData, getAddress } from 'viem'
import { changesStorage } from '../../chain/changesStorage.js'
import type { ChainClients } from '../../chain/clients.js'
import { decodeRevert, isRevert } from '../../chain/revert.js'
import type { LeverConfirmation, LeverFunction } from '../types.js'
import { type CallRevert, errorMessageOf, knownErrorsAbi, revertClass, revertKey } from './accessRevert.js'
import { leverAbiItem, unrelatedAddress } from './leverAbiItem.js'
import { neutralArguments } from './neutralArguments.js'

export type ConfirmLeverParameters = {
  /** The address to call: the proxy, for a lever of its implementation. */
  address: Address
  lever: LeverFunction
  /** The contract's ABI, when known: its function gives the inputs, its errors decode the reverts. */
  abi?: Abi
  /** Who should hold the lever: the authorities the manifest names, the roles' members, the owner. */
  candidates: Address[]
}

export type ConfirmLeverReturnType = LeverConfirmation

/**
 * Levers that only ever act on the caller (`renounceRole(role, callerConfirmation)` removes the
 * caller's own role): anyone may call them, so simulating them says nothing about who holds the role.
 */
const callerScoped = new Set(['renounceRole(bytes32,address)', 'renounceRole(uint64,address)'])

/**
 * Learns who may pull a lever by simulating it (`eth_call`, nothing sent) from each candidate and
 * from a fresh address nobody controls. A name says what a function might do; only the
 * simulation says who can do it.
 *
 * Every caller gets the same neutral arguments, so two callers stopped in different places were
 * stopped by a check that depends on who calls: a candidate that gets further than the unrelated
 * address (success, or a state or argument error where the unrelated address met an access error)
 * holds the lever. A revert every caller shares proves nothing either way: a `whenNotPaused`
 * placed before `onlyOwner` stops an owner and a stranger alike. No state override is needed:
 * eth_call takes any `from`, contracts (a Safe, a timelock) included, and pays no gas.
 */
export async function confirmLever(chain: ChainClients, parameters: ConfirmLeverParameters): Promise<ConfirmLeverReturnType> {
  const { address, lever, abi } = parameters
  if (callerScoped.has(lever.signature)) {
    return {
      status: 'self-service',
      detail: `${lever.signature} only removes the caller's own role: anyone may call it, so who holds the role is for the authority graph, not for simulation`,
    }
  }
  const built = buildCall(lever, abi, address)
  if ('unbuildable' in built) return { status: 'unconfirmed', detail: built.unbuildable }

  const unrelated = unrelatedAddress()
  const candidates = [...new Set(parameters.candidates.map((candidate) => getAddress(candidate)))]
  const abis = abi ? [abi, knownErrorsAbi] : [knownErrorsAbi]
  const [stranger, ...outcomes] = await Promise.all(
    [unrelated, ...candidates].map((caller) => callFrom(chain, { caller, to: address, data: built.data, abis })),
  )
  if (stranger?.status === 'success' && (await changesStorage(chain, { from: unrelated, to: address, data: built.data })) === false) {
    // `revokeRoles([], account)` succeeds for anyone because it does nothing: no proof of anything.
    return {
      status: 'unconfirmed',
      detail: `${lever.signature} succeeds from ${unrelated} (unrelated) only because, with the arguments firebreak can guess, it changes no storage: who may call it with real ones is unknown`,
    }
  }
  return judge(lever.signature, unrelated, stranger as Outcome, candidates.map((caller, index) => ({ caller, outcome: outcomes[index] as Outcome })))
}

type Outcome = { status: 'success' } | { status: 'reverted'; revert: CallRevert }
type CallerOutcome = { caller: Address; outcome: Outcome }

function judge(signature: string, unrelated: Address, stranger: Outcome, candidates: CallerOutcome[]): LeverConfirmation {
  if (stranger.status === 'success') {
    return { status: 'unguarded', detail: `${signature} succeeds from ${unrelated}, an address nobody controls` }
  }
  const strangerClass = revertClass(stranger.revert)
  const strangerKey = revertKey(stranger.revert)
  if (strangerClass === 'context') {
    return { status: 'unconfirmed', detail: `${signature} reverts with ${stranger.revert.text} for every caller: call it through its proxy` }
  }

  const holders = candidates
    .filter(({ outcome }) => {
      if (outcome.status === 'success') return true
      return revertClass(outcome.revert) === 'other' && revertKey(outcome.revert) !== strangerKey
    })
    .map(({ caller }) => caller)
  if (holders.length > 0) {
    const passed = candidates
      .filter(({ caller }) => holders.includes(caller))
      .map(({ caller, outcome }) => `${caller} ${outcome.status === 'success' ? 'succeeds' : `passes, then stops on ${outcome.revert.text}`}`)
    return {
      status: 'confirmed',
      holders,
      deniedTo: unrelated,
      detail: `${signature}: ${passed.join('; ')}; ${unrelated} (unrelated) is refused with ${stranger.revert.text}`,
    }
  }

  const deniedCandidate = candidates.find(({ outcome }) => outcome.status === 'reverted' && revertClass(outcome.revert) === 'access')
  if (strangerClass === 'other' && deniedCandidate) {
    return {
      status: 'unguarded',
      detail: `${signature}: ${unrelated} (unrelated) passes the access check that ${deniedCandidate.caller} fails, and stops only on ${stranger.revert.text}`,
    }
  }
  if (candidates.length === 0) {
    return { status: 'unconfirmed', detail: `${signature}: no candidate to simulate from; ${unrelated} (unrelated) is refused with ${stranger.revert.text}` }
  }
  if (strangerClass === 'access') {
    const refusals = candidates.map(({ caller, outcome }) => `${caller}: ${outcome.status === 'reverted' ? outcome.revert.text : 'succeeds'}`)
    return { status: 'unconfirmed', detail: `${signature}: no candidate passes the access check (${refusals.join('; ')})` }
  }
  return {
    status: 'unconfirmed',
    detail: `${signature} reverts with ${stranger.revert.text} for every caller, an unrelated address too: the call stops before any access check shows`,
  }
}

/** The calldata, or why it cannot be built. */
function buildCall(lever: LeverFunction, abi: Abi | undefined, self: Address): { data: Hex } | { unbuildable: string } {
  let item: AbiFunction
  try {
    item = leverAbiItem(lever.signature, abi)
  } catch {
    return { unbuildable: `cannot read the signature ${lever.signature}` }
  }
  try {
    return { data: encodeFunctionData({ abi: [item], functionName: item.name, args: neutralArguments(item.inputs, self) }) }
  } catch (error) {
    return { unbuildable: `cannot build arguments for ${lever.signature}: ${error instanceof Error ? error.message : String(error)}` }
  }
}


async function callFrom(chain: ChainClients, call: { caller: Address; to: Address; data: Hex; abis: readonly Abi[] }): Promise<Outcome> {
  try {
    await chain.public.call({ account: call.caller, to: call.to, data: call.data })
    return { status: 'success' }
  } catch (error) {
    if (!isRevert(error)) throw error
    const decoded = decodeRevert(error, call.abis)
    const message = errorMessageOf(decoded.data)
    if (message !== undefined) return { status: 'reverted', revert: { ...decoded, message, text: `Error("${message}")` } }
    if (decoded.name === 'revert') return { status: 'reverted', revert: { ...decoded, text: 'an empty revert (no reason given)' } }
    return { status: 'reverted', revert: decoded }
  }
}



