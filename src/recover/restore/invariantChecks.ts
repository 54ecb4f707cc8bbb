import { type Abi, type AbiFunction, type AbiParameter, type Address, type Hex, encodeFunctionData, getAbiItem, isAddress, isHex, parseAbiItem } from 'viem'
import { formatAbiItem } from 'viem/utils'
import type { Check } from '../../engine/plan.js'
import { describeValue, didYouMean } from '../../describeValue.js'
import { ManifestError } from '../../manifest/ManifestError.js'
import type { Manifest, ManifestInvariant, ManifestRestoreStage } from '../../manifest/types.js'

type Fail = (path: (string | number)[], problem: string) => never
type Written = string | number | boolean

/**
 * A stage's invariants as engine checks: a call that must succeed or revert from a given account,
 * or a view whose value is compared. Functions are found in the manifest's ABI of the contract, or
 * given by full signature; arguments are typed by the function's inputs. Anything that does not
 * fit is a ManifestError at the invariant's path, raised before anything reads the chain.
 */
export function invariantChecks(manifest: Manifest, stage: ManifestRestoreStage): Check[] {
  const stageIndex = manifest.restore.indexOf(stage)
  return stage.invariants.map((invariant, index) => {
    const fail: Fail = (path, problem) => {
      throw new ManifestError({ file: manifest.file, path: ['restore', 'stages', stageIndex, 'invariants', index, ...path], problem })
    }
    const contract = 'contract' in invariant.target ? manifest.contracts.find((candidate) => candidate.name === (invariant.target as { contract: string }).contract)! : undefined
    const target = { address: contract?.address ?? (invariant.target as { address: Address }).address, abi: contract?.abi ?? [] }
    if (invariant.kind === 'call' && invariant.data !== undefined) return callCheck(invariant, target.address, invariant.data, target.abi)
    const name = invariant.function!
    const fn = findFunction(target.abi, name) ?? fail(['function'], unknownFunction(contract?.name ?? target.address, target.abi, name, invariant.kind))
    if (fn.inputs.length !== invariant.args.length) fail(['args'], `expected ${fn.inputs.length} argument${fn.inputs.length === 1 ? '' : 's'} for ${signatureOf(fn)}, got ${invariant.args.length}`)
    const args = fn.inputs.map((input, position) => typedValue(input, invariant.args[position]!, (problem) => fail(['args', position], problem)))
    if (invariant.kind === 'call') return callCheck(invariant, target.address, encodeFunctionData({ abi: [fn], functionName: fn.name, args }), target.abi)
    return readCheck(invariant, target.address, fn, args, fail)
  })
}

function callCheck(invariant: Extract<ManifestInvariant, { kind: 'call' }>, address: Address, data: Hex, abi: Abi): Check {
  return {
    kind: 'call',
    description: invariant.description,
    from: invariant.from,
    to: address,
    data,
    ...(invariant.value > 0n ? { value: invariant.value } : {}),
    expect: invariant.expect,
    ...(invariant.error ? { error: invariant.error } : {}),
    abi,
  }
}

function readCheck(invariant: Extract<ManifestInvariant, { kind: 'read' }>, address: Address, fn: AbiFunction, args: unknown[], fail: Fail): Check {
  const key = { eq: 'equals', gte: 'atLeast', lte: 'atMost' }[invariant.op]
  const [output, ...more] = fn.outputs
  if (!output || more.length > 0) fail(['function'], `expected a view returning one value, got ${signatureOf(fn)}${fn.outputs.length === 0 ? ': give its return type, e.g. totalAssets() returns (uint256)' : ''}`)
  if (invariant.op !== 'eq' && !/^u?int\d*$/.test(output.type)) fail([key], `expected ${key} only on a view returning an integer, got ${signatureOf(fn)}`)
  const expect = typedValue(output, invariant.expect, (problem) => fail([key], problem))
  return { kind: 'read', description: invariant.description, address, abi: fn, args, expect, ...(invariant.op === 'eq' ? {} : { op: invariant.op }) }
}

/** By name in the ABI, or by full signature (`withdraw(uint256,address,address)`, `totalAssets() returns (uint256)`). */
function findFunction(abi: Abi, name: string): AbiFunction | undefined {
  if (name.includes('(')) {
    try {
      const item = parseAbiItem(`function ${name}`) as AbiFunction
      // A signature without its return type still takes the outputs the ABI knows for it.
      const known = abi.find((candidate): candidate is AbiFunction => candidate.type === 'function' && signatureOf(candidate) === signatureOf(item))
      return item.outputs.length === 0 && known ? known : item
    } catch {
      return undefined
    }
  }
  const item = getAbiItem({ abi, name }) as AbiFunction | undefined
  return item?.type === 'function' ? item : undefined
}

function unknownFunction(contract: string, abi: Abi, name: string, kind: ManifestInvariant['kind']): string {
  if (abi.length === 0) {
    if (name.includes('(')) return `expected a function signature, got ${describeValue(name)}: write it as Solidity does, e.g. withdraw(uint256,address,address)`
    const example = kind === 'read' ? `${name.split('(')[0]}() returns (uint256)` : `${name.split('(')[0]}(uint256)`
    return `expected a function of ${contract}, got ${describeValue(name)}: without an ABI in the manifest, give its full signature, e.g. ${example}`
  }
  const known = [...new Set(abi.flatMap((item) => (item.type === 'function' ? [item.name] : [])))]
  return `expected a function of ${contract}, got ${describeValue(name)}${didYouMean(name, known)}`
}

function signatureOf(fn: AbiFunction): string {
  return formatAbiItem(fn).replace(/^function /, '')
}

/**
 * A value as written in YAML, typed for `parameter`. Integers may be written as digits in quotes
 * (amounts in wei exceed what YAML numbers hold exactly) or as small numbers.
 */
function typedValue(parameter: AbiParameter, value: Written, invalid: (problem: string) => never): unknown {
  const { type } = parameter
  const refuse = (hint = '') => invalid(`expected ${/^(address|int)/.test(type) ? 'an' : 'a'} ${type}, got ${describeValue(value)}${hint}`)
  if (/^u?int\d*$/.test(type)) {
    if (typeof value === 'number') return Number.isSafeInteger(value) ? BigInt(value) : refuse(': write large amounts as digits in quotes, e.g. "10000000000000000000000"')
    if (typeof value === 'string' && /^-?\d+$/.test(value)) return BigInt(value)
    return refuse()
  }
  if (type === 'bool') return typeof value === 'boolean' ? value : refuse()
  if (type === 'address') return typeof value === 'string' && isAddress(value, { strict: false }) ? value : refuse()
  if (/^bytes\d*$/.test(type)) {
    const size = type === 'bytes' ? undefined : Number(type.slice(5))
    return typeof value === 'string' && isHex(value) && (size === undefined || value.length === 2 + 2 * size) ? value : refuse()
  }
  if (type === 'string') return typeof value === 'string' ? value : refuse()
  return invalid(`expected a function whose arguments are numbers, booleans, addresses, bytes or strings, got one taking ${type}: check this invariant with a view instead`)
}
