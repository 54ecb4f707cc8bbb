import { randomBytes } from 'node:crypto'
import { type Abi, type AbiFunction, type Address, bytesToHex, getAddress, parseAbiItem } from 'viem'
import { formatAbiItem } from 'viem/utils'

/** A lever's function: from the contract's ABI when it has it (named inputs), else parsed from its signature. */
export function leverAbiItem(signature: string, abi: Abi | undefined): AbiFunction {
  const fromAbi = abi?.find((item): item is AbiFunction => item.type === 'function' && formatAbiItem(item) === signature)
  return fromAbi ?? (parseAbiItem(`function ${signature}`) as AbiFunction)
}

/** An address nobody controls and nothing was ever given to: the caller a guarded lever must refuse. */
export function unrelatedAddress(): Address {
  return getAddress(bytesToHex(randomBytes(20)))
}
