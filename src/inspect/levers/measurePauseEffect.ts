import { type Abi, type AbiFunction, type Address, type Hex, decodeFunctionResult, encodeFunctionData } from 'viem'
import type { ChainClients } from '../../chain/clients.js'
import { type SequenceCall, type SequenceResult, simulateSequence } from '../../chain/simulateSequence.js'
import { decodeRevertData } from '../../chain/revertText.js'
import type { LeverEffect, OperationProbe, PauseEvidence, PausedGetter } from '../types.js'
import { isContractWide } from './pausedGetters.js'
import { pullArguments } from './pullArguments.js'

export type MeasurePauseEffectParameters = {
  /** Where the lever is pulled: the proxy, for a function of its implementation. */
  address: Address
  fn: AbiFunction
  /** Who pulls it, in order of preference: the lever's holders, or an unrelated address for an unguarded one. */
  pullers: readonly Address[]
  /** The target's paused getters (see pausedGetters). */
  getters: readonly PausedGetter[]
  /** Every ordinary operation the manifest declares, on any contract: a pause may stop another contract's calls. */
  operations: readonly OperationProbe[]
  /** Written into a string argument (`pause(string identifier)`). */
  reason: string
  /** To decode reverts by name. */
  abis?: readonly Abi[]
}

/** At most this many holders are tried: a holder whose pull reverts on state is rare, and every try costs a request. */
const MAX_PULLERS = 3

/**
 * Whether a lever pauses, judged by what it does: its holder pulls it in a simulation of the
 * current state (eth_simulateV1, nothing sent), then the paused getters are read and the ordinary
 * operations tried again. It pauses when a getter turns from false to true, or an operation that
 * succeeded before now reverts; each such fact becomes a check the contain plan verifies on chain.
 */
export async function measurePauseEffect(chain: ChainClients, parameters: MeasurePauseEffectParameters): Promise<LeverEffect> {
  const { address, fn, getters, operations, abis = [] } = parameters
  const built = pullArguments(fn.inputs, { reason: parameters.reason })
  if ('unbuildable' in built) return { status: 'untested', detail: built.unbuildable }
  const { args } = built
  const pullers = parameters.pullers.slice(0, MAX_PULLERS)
  if (pullers.length === 0) return { status: 'untested', detail: 'nobody holds it to pull it' }
  const data = encodeFunctionData({ abi: [fn], functionName: fn.name, args })

  const observe = (from: Address): SequenceCall[] => [
    ...getters.map((getter) => ({ from, to: getter.address, data: encodeFunctionData({ abi: [getter.abi], functionName: getter.abi.name }) })),
    ...operations.map(({ from: caller, to, data: call, value }) => ({ from: caller, to, data: call, value })),
  ]
  const observer = pullers[0]!
  const before = await simulateSequence(chain, { calls: observe(observer) })
  const flagsBefore = getters.map((getter, index) => readFlag(getter, before[index]))
  const alreadyPaused = getters.filter((_, index) => flagsBefore[index] === true)
  const evidenceOf = (paused: readonly PausedGetter[]): PauseEvidence[] => paused.map((getter) => ({ kind: 'getter', getter }))
  // The whole contract stopped already: a pull can show nothing more (and often reverts, EnforcedPause).
  // One feature's flag says nothing about this lever, which may stop another feature: it is pulled.
  if (alreadyPaused.some(isContractWide)) return { status: 'already-paused', args, evidence: evidenceOf(alreadyPaused.filter(isContractWide)) }

  let last: LeverEffect = { status: 'untested', detail: 'not pulled' }
  for (const puller of pullers) {
    const [pull, ...after] = await simulateSequence(chain, { calls: [{ from: puller, to: address, data }, ...observe(observer)] })
    if (pull?.status !== 'success') {
      last = { status: 'reverted', puller, args, detail: `pulled by ${puller}, it reverts with ${decodeRevertData(pull?.data, abis)}` }
      continue
    }
    const evidence: PauseEvidence[] = []
    for (const [index, getter] of getters.entries()) {
      if (flagsBefore[index] === false && readFlag(getter, after[index]) === true) evidence.push({ kind: 'getter', getter })
    }
    for (const [index, operation] of operations.entries()) {
      const was = before[getters.length + index]
      const now = after[getters.length + index]
      if (was?.status === 'success' && now?.status === 'reverted') evidence.push({ kind: 'operation', operation, revert: decodeRevertData(now.data, abis) })
    }
    if (evidence.length > 0) return { status: 'pauses', puller, args, evidence }
    if (alreadyPaused.length > 0) {
      // A feature's pause pulled again changes nothing. Only when every flag reads true is that
      // sure to be why: with one still false, this lever may be the one that does nothing.
      const stillOpen = getters.filter((getter, index) => readFlag(getter, after[index]) === false)
      if (stillOpen.length === 0) return { status: 'already-paused', args, evidence: evidenceOf(alreadyPaused) }
      return { status: 'untested', detail: `it changes nothing while ${alreadyPaused.map((getter) => `${getter.contract}.${getter.signature}`).join(', ')} reads true already and ${stillOpen.map((getter) => `${getter.contract}.${getter.signature}`).join(', ')} false: whether it is pulled already cannot be told` }
    }
    const unreadable = flagsBefore.every((flag) => flag === undefined)
    const reverting = operations.map((operation, index) => ({ operation, result: before[getters.length + index] })).filter(({ result }) => result?.status === 'reverted')
    if (unreadable && operations.length > 0 && reverting.length === operations.length) {
      // Paused already, or the operations were never right: from here the two look the same.
      const reverts = reverting.map(({ operation, result }) => `${operation.description}: ${decodeRevertData(result?.data, abis)}`).join('; ')
      return { status: 'untested', detail: `every normal operation already reverts (${reverts}), so pulling it shows nothing: firebreak cannot tell whether it is paused` }
    }
    return { status: 'no-effect', puller, args, detail: noEffectDetail(getters, flagsBefore, operations, before) }
  }
  return last
}

/** The getter's first output, or undefined when the call reverted or returned something else than a bool. */
function readFlag(getter: PausedGetter, result: SequenceResult | undefined): boolean | undefined {
  if (result?.status !== 'success' || result.data.length < 66) return undefined
  try {
    const value = decodeFunctionResult({ abi: [getter.abi], functionName: getter.abi.name, data: result.data as Hex })
    return typeof value === 'boolean' ? value : undefined
  } catch {
    return undefined
  }
}

function noEffectDetail(getters: readonly PausedGetter[], flags: readonly (boolean | undefined)[], operations: readonly OperationProbe[], before: readonly SequenceResult[]): string {
  const read = getters.filter((_, index) => flags[index] !== undefined).map((getter) => getter.signature)
  const working = operations.filter((_, index) => before[getters.length + index]?.status === 'success').map((operation) => operation.description)
  const watched = [
    read.length > 0 ? `${read.join(', ')} stayed false` : 'no paused getter answers',
    working.length > 0 ? `${working.join('; ')} still succeed` : 'no normal operation of the manifest succeeds before it to show a change',
  ]
  return `it succeeds but changes nothing firebreak can see (${watched.join('; ')}): declare a normalOperations call it must stop`
}
