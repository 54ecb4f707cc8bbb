import { type Abi, type AbiFunction, type Hex, toFunctionSelector } from 'viem'
import { formatAbiItem } from 'viem/utils'
import type { LeverFunction } from '../types.js'
import { selectorsFromBytecode } from './bytecodeSelectors.js'
import { classifyAbiFunction, knownLevers } from './leverSignatures.js'

/** Every lever among an ABI's functions: known signatures, and names that say what they do. */
export function leverFunctionsFromAbi(abi: Abi): LeverFunction[] {
  const levers: LeverFunction[] = []
  const seen = new Set<string>()
  for (const item of abi) {
    if (item.type !== 'function') continue
    const kind = classifyAbiFunction(item)
    if (!kind) continue
    const signature = formatAbiItem(item as AbiFunction)
    // An ABI merged from a proxy and its implementation may list a function twice.
    if (seen.has(signature)) continue
    seen.add(signature)
    levers.push({ signature, selector: toFunctionSelector(signature), kind, source: 'abi' })
  }
  return levers
}

/**
 * The known levers whose selectors a contract's runtime code dispatches on. Without an ABI only
 * the table's signatures can be named; a lever found here is a candidate until confirmLever has
 * simulated it.
 */
export function leverFunctionsFromBytecode(code: Hex): LeverFunction[] {
  const selectors = selectorsFromBytecode(code)
  return knownLevers
    .filter((lever) => selectors.has(lever.selector))
    .map(({ signature, selector, kind }) => ({ signature, selector, kind, source: 'bytecode' }))
}
