import type { AbiParameter, Address } from 'viem'

/**
 * Arguments for calling a lever only to learn who may call it: values that are valid for the
 * widest range of contracts, so that a caller who passes the access check succeeds or fails on
 * state rather than on a malformed argument. Booleans are `true` (a `setPaused(bool)` pauses, a
 * per-feature `pause(bool,…)` pauses everything), numbers 0 (a cap lowered to nothing), addresses
 * the contract itself (a token to rescue, an account to revoke that exists and has code).
 */
export function neutralArguments(inputs: readonly AbiParameter[], self: Address): unknown[] {
  return inputs.map((input) => neutralValue(input, self))
}

export class UnsupportedParameterError extends Error {
  override name = 'UnsupportedParameterError'
}

function neutralValue(parameter: AbiParameter, self: Address): unknown {
  const { type } = parameter
  const array = /^(.*)\[(\d*)\]$/.exec(type)
  if (array) {
    const element = { ...parameter, type: array[1] as string }
    return array[2] ? Array.from({ length: Number(array[2]) }, () => neutralValue(element, self)) : []
  }
  if (type === 'bool') return true
  if (type === 'address') return self
  if (/^u?int\d*$/.test(type)) return 0n
  if (type === 'bytes') return '0x'
  if (type === 'string') return ''
  const fixedBytes = /^bytes(\d+)$/.exec(type)
  if (fixedBytes) return `0x${'00'.repeat(Number(fixedBytes[1]))}`
  if (type === 'tuple') {
    const components = (parameter as { components?: readonly AbiParameter[] }).components ?? []
    return components.map((component) => neutralValue(component, self))
  }
  throw new UnsupportedParameterError(`no neutral value for a parameter of type ${type}`)
}
