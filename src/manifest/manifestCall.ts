import { type Abi, type AbiFunction, getAbiItem, isHex, parseAbiItem } from 'viem'

/** A value as written in firebreak.yaml, before it is given an ABI type. */
export type ManifestArgument = string | number | boolean

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
 * The manifest's arguments as `fn`'s parameter types want them. The first that does not fit (or a
 * wrong count) goes to `invalid` with the argument's position, so the error can name its path.
 */
export function manifestArguments(fn: AbiFunction, args: readonly ManifestArgument[], invalid: (position: number | undefined, problem: string) => never): unknown[] {
  if (fn.inputs.length !== args.length) invalid(undefined, `expected ${fn.inputs.length} arguments for ${fn.name}(${fn.inputs.map((input) => input.type).join(',')}), got ${args.length}`)
  return fn.inputs.map((input, position) => {
    const value = args[position]!
    return argumentFor(input.type, value, () => invalid(position, `expected a ${input.type}, got ${JSON.stringify(value)}`))
  })
}

function argumentFor(type: string, value: ManifestArgument, invalid: () => never): unknown {
  if (/^u?int\d*$/.test(type)) {
    if (typeof value === 'boolean') return invalid()
    try {
      return BigInt(value)
    } catch {
      return invalid()
    }
  }
  if (type === 'bool') return typeof value === 'boolean' ? value : invalid()
  if (type === 'address' || type.startsWith('bytes')) return typeof value === 'string' && isHex(value) ? value : invalid()
  return typeof value === 'string' ? value : invalid()
}
