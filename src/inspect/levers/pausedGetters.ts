import { type Abi, type AbiFunction, type Address, parseAbiItem } from 'viem'
import { formatAbiItem } from 'viem/utils'
import type { PausedGetter } from '../types.js'

/** Views that many contracts answer without an ABI saying so: OpenZeppelin, Balancer v2 and v3. */
const commonGetters = ['function paused() view returns (bool)', 'function isPaused() view returns (bool)', 'function getPausedState() view returns (bool)', 'function getVaultPausedState() view returns (bool)']

/** A view named for a stopped state: `paused`, `isPaused`, `depositsPaused`, `frozen`, `isShutdown`. */
const pausedName = /paus|frozen|halted|stopped|shutdown|emergency/i
/** Names that read like a paused flag but say when or who: `pauseWindowEndTime`, `pauseGuardian`. */
const notAFlag = /unpaus|window|duration|period|guardian|pauser|admin|role|time|until|expir|count|nonce/i

/** A getter that says the whole contract is stopped, as opposed to one feature (`depositsPaused`). */
export function isContractWide(getter: PausedGetter): boolean {
  return /^(is|get)?(paused|pausedState|vaultPausedState|stopped|halted|shutdown|frozen)$/i.test(getter.abi.name)
}

/**
 * The views that may say whether a contract is paused: the ABI's zero-argument views whose first
 * output is a bool and whose name speaks of a stopped state, plus the common ones every contract
 * is asked without an ABI. Each is read before and after a pull; one that answers nothing
 * decodable is ignored. A view of several outputs (`getPausedState() returns (bool paused,
 * uint256 windowEnd, uint256 bufferEnd)`) keeps its first: reading a prefix of the outputs decodes.
 */
export function pausedGetters(contract: { name: string; address: Address; abi?: Abi }): PausedGetter[] {
  const fromAbi = (contract.abi ?? []).filter(
    (item): item is AbiFunction =>
      item.type === 'function' &&
      (item.stateMutability === 'view' || item.stateMutability === 'pure') &&
      item.inputs.length === 0 &&
      item.outputs[0]?.type === 'bool' &&
      pausedName.test(item.name) &&
      !notAFlag.test(item.name),
  )
  const getters = new Map<string, PausedGetter>()
  for (const item of [...fromAbi, ...commonGetters.map((text) => parseAbiItem(text) as AbiFunction)]) {
    const abi: AbiFunction = { ...item, outputs: [item.outputs[0]!] }
    const signature = formatAbiItem(abi).replace(/^function /, '').replace(/ (view|pure) returns .*$/, '')
    if (!getters.has(signature)) getters.set(signature, { contract: contract.name, address: contract.address, signature, abi })
  }
  return [...getters.values()]
}
