import { type Abi, type AbiFunction, type AbiParameter, type Address, type Hex, encodeAbiParameters, getAbiItem, getAddress, parseAbiItem } from 'viem'
import { arrayRegex, bytesRegex, integerRegex } from 'viem/utils'
import { describeValue, didYouMean } from '../describeValue.js'
import type { ManifestArgument } from './types.js'

export type { ManifestArgument } from './types.js'

/** Where a value sits inside a call's `args`: `[0, 'capacity']` is the first argument's `capacity`. */
export type ArgumentPath = (string | number)[]

/** Told of the first argument that does not fit; `path` is `[]` when the list as a whole is at fault. */
export type InvalidArgument = (path: ArgumentPath, problem: string) => never

/** A function the manifest names: a full signature (`withdraw(uint256,address,address)`), or a name in the contract's ABI. */
export function manifestFunction(abi: Abi, name: string): AbiFunction | undefined {
  if (name.includes('(')) {
    try {
      return parseAbiItem(`function ${name}`) as AbiFunction
    } catch {
      return undefined
    }
  }
  const fromAbi = getAbiItem({ abi, name }) as AbiFunction | undefined
  return fromAbi?.type === 'function' ? fromAbi : undefined
}

/**
 * The manifest's arguments as `fn`'s parameter types want them: bigint for integers, checksummed
 * addresses, lower-case hex for bytes, an object for a tuple whose components all have names (as
 * viem decodes one) and an array otherwise. The first value that does not fit goes to `invalid`
 * with its path inside `args` (`[0, 'capacity']`, `[1, 2]`), so the error can name its place in
 * the manifest; a wrong count goes with `[]`.
 */
export function manifestArguments(fn: AbiFunction, args: readonly ManifestArgument[], invalid: InvalidArgument): unknown[] {
  const signature = `${fn.name}(${fn.inputs.map(typeOf).join(',')})`
  if (fn.inputs.length !== args.length) invalid([], `expected ${fn.inputs.length} ${fn.inputs.length === 1 ? 'argument' : 'arguments'} for ${signature}, got ${args.length}`)
  const values = fn.inputs.map((input, position) => valueFor(input, args[position]!, [position], invalid))
  try {
    encodeAbiParameters(fn.inputs, values)
  } catch (cause) {
    // Every value was checked against its type above; viem has the last word on what encodes.
    invalid([], `could not encode the arguments of ${signature}: ${(cause as { shortMessage?: string }).shortMessage ?? (cause as Error).message}`)
  }
  return values
}

/** A value manifestArguments returned, as the plan and the journal show it: `{ isEnabled: true, capacity: 1000, rate: 10 }`. */
export function formatArgument(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(formatArgument).join(', ')}]`
  if (typeof value === 'object' && value !== null) {
    return `{ ${Object.entries(value).map(([name, component]) => `${name}: ${formatArgument(component)}`).join(', ')} }`
  }
  return String(value)
}

function valueFor(param: AbiParameter, value: ManifestArgument, path: ArgumentPath, invalid: InvalidArgument): unknown {
  const type = typeOf(param)
  const array = arrayRegex.exec(param.type)
  if (array) return arrayFor(param, array[1]!, array[2] === '' ? undefined : Number(array[2]), value, path, invalid)
  if (param.type === 'tuple') return tupleFor(param as AbiParameter & { components: readonly AbiParameter[] }, value, path, invalid)
  const integer = integerRegex.exec(param.type)
  if (integer) return integerFor(type, integer[1] === 'int', Number(integer[2] ?? 256), value, path, invalid)
  if (bytesRegex.test(param.type)) return bytesFor(type, param.type === 'bytes' ? undefined : Number(param.type.slice('bytes'.length)), value, path, invalid)
  if (param.type === 'address') return addressFor(value, path, invalid)
  if (param.type === 'bool') return typeof value === 'boolean' ? value : invalid(path, `expected a bool (true or false), got ${describeValue(value)}`)
  if (param.type === 'string') return typeof value === 'string' ? value : invalid(path, `expected a string, got ${describeValue(value)}: put it in quotes`)
  return invalid(path, `cannot pass a ${type}: firebreak passes addresses, bools, integers, bytes, strings, and tuples and arrays of them`)
}

function arrayFor(param: AbiParameter, elementType: string, length: number | undefined, value: ManifestArgument, path: ArgumentPath, invalid: InvalidArgument): unknown[] {
  const type = typeOf(param)
  const expectation = `expected ${article(type)} ${type} (a list${length === undefined ? '' : ` of ${length}`})`
  if (!Array.isArray(value)) return invalid(path, `${expectation}, got ${describeValue(value)}`)
  if (length !== undefined && value.length !== length) invalid(path, `${expectation}, got a list of ${value.length}`)
  const element = { ...param, type: elementType }
  return value.map((item, index) => valueFor(element, item, [...path, index], invalid))
}

/**
 * A struct: a list in component order, or a mapping by component name. A mapping is what a reader
 * checks at a glance in an incident (`capacity: "1000"`), and the only form where a swapped
 * capacity and rate cannot slip through as two valid uint128s.
 */
function tupleFor(param: AbiParameter & { components: readonly AbiParameter[] }, value: ManifestArgument, path: ArgumentPath, invalid: InvalidArgument): unknown {
  const type = typeOf(param)
  const components = param.components
  const names = components.map((component) => component.name ?? '')
  const named = names.every((name) => name !== '') && new Set(names).size === names.length
  if (Array.isArray(value)) {
    if (value.length !== components.length) invalid(path, `expected ${article(type)} ${type} (a list of ${components.length} in component order), got a list of ${value.length}`)
    const values = components.map((component, index) => valueFor(component, value[index]!, [...path, index], invalid))
    return named ? Object.fromEntries(names.map((name, index) => [name, values[index]])) : values
  }
  if (typeof value !== 'object') {
    const forms = named ? `a list in component order, or a mapping of ${names.join(', ')}` : 'a list in component order'
    return invalid(path, `expected ${article(type)} ${type} (${forms}), got ${describeValue(value)}`)
  }
  if (!named) return invalid(path, `expected ${article(type)} ${type} as a list in component order (its components have no names), got a mapping`)
  const unknown = Object.keys(value).find((key) => !names.includes(key))
  if (unknown !== undefined) invalid([...path, unknown], `unknown component; expected one of ${names.join(', ')}${didYouMean(unknown, names)}`)
  const missing = names.filter((name) => !(name in value))
  if (missing.length > 0) invalid(path, `expected ${article(type)} ${type} with ${names.join(', ')}, got no ${missing.join(' or ')}`)
  return Object.fromEntries(components.map((component, index) => [names[index], valueFor(component, value[names[index]!]!, [...path, names[index]!], invalid)]))
}

function integerFor(type: string, signed: boolean, bits: number, value: ManifestArgument, path: ArgumentPath, invalid: InvalidArgument): bigint {
  let integer: bigint
  if (typeof value === 'number' && Number.isInteger(value)) {
    // YAML reads 1000000000000000000000 as a float: by the time it is here, its digits are gone.
    if (!Number.isSafeInteger(value)) invalid(path, `expected ${article(type)} ${type}, got ${describeValue(value)}: YAML numbers past 2^53 lose their last digits, so write it in quotes, as a string`)
    integer = BigInt(value)
  } else if (typeof value === 'string' && /^-?(\d+|0x[0-9a-fA-F]+)$/.test(value)) {
    integer = value.startsWith('-') ? -BigInt(value.slice(1)) : BigInt(value)
  } else {
    return invalid(path, `expected ${article(type)} ${type} (a whole number, in digits or 0x and hex digits), got ${describeValue(value)}`)
  }
  if (!signed) {
    if (integer < 0n) invalid(path, `expected ${article(type)} ${type}, got ${describeValue(value)}`)
    if (integer >= 1n << BigInt(bits)) invalid(path, `expected ${article(type)} ${type} (at most 2^${bits}-1), got ${describeValue(value)}`)
  } else if (integer < -(1n << BigInt(bits - 1)) || integer >= 1n << BigInt(bits - 1)) {
    invalid(path, `expected ${article(type)} ${type} (-2^${bits - 1} to 2^${bits - 1}-1), got ${describeValue(value)}`)
  }
  return integer
}

function bytesFor(type: string, size: number | undefined, value: ManifestArgument, path: ArgumentPath, invalid: InvalidArgument): Hex {
  const hex = typeof value === 'string' && /^0x([0-9a-fA-F]{2})*$/.test(value)
  if (size === undefined) return hex ? (value as string).toLowerCase() as Hex : invalid(path, `expected bytes (0x and an even number of hex digits), got ${describeValue(value)}`)
  if (hex && (value as string).length === 2 + 2 * size) return (value as string).toLowerCase() as Hex
  // A bytes32 is long enough for describeValue to cut it short: the count says what is wrong.
  const count = hex ? ` (${((value as string).length - 2) / 2} bytes)` : ''
  return invalid(path, `expected a ${type} (0x and ${2 * size} hex digits), got ${describeValue(value)}${count}`)
}

/**
 * Lower case (no checksum) or a correct EIP-55 checksum, as everywhere in the manifest: a
 * mixed-case address whose checksum is wrong almost always carries a typo.
 */
function addressFor(value: ManifestArgument, path: ArgumentPath, invalid: InvalidArgument): Address {
  if (typeof value !== 'string' || !/^0x[0-9a-fA-F]{40}$/.test(value)) return invalid(path, `expected an address (0x and 40 hex digits), got ${describeValue(value)}`)
  const digits = value.slice(2)
  const checksummed = getAddress(value)
  if (digits !== digits.toLowerCase() && digits !== digits.toUpperCase() && checksummed !== value) {
    invalid(path, `expected an address with a valid checksum (or all lower case), got ${describeValue(value)}: check it for a typo`)
  }
  return checksummed
}

/** `(bool,uint128,uint128)[]` for a `tuple[]`: the type as a signature spells it. */
function typeOf(param: AbiParameter): string {
  if (!param.type.startsWith('tuple')) return param.type
  const components = (param as { components?: readonly AbiParameter[] }).components ?? []
  return `(${components.map(typeOf).join(',')})${param.type.slice('tuple'.length)}`
}

function article(type: string): string {
  return /^(int|address)/.test(type) ? 'an' : 'a'
}
