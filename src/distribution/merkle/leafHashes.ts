import type { Address } from 'viem'
import { InvalidLeafValueError } from './errors.js'
import { keccak256Into } from './keccak256.js'

/** The leaf encoding ReimbursementClaim verifies: (index, account, amount). */
export const LEAF_ENCODING = ['uint256', 'address', 'uint256'] as const

/** One distribution entry as StandardMerkleTree holds it: the same array goes into the dump. */
export type LeafValue = [index: bigint, account: Address, amount: bigint]

const LEAF_BYTES = 96
const UINT256_LIMIT = 1n << 256n
const encoded = new Uint8Array(LEAF_BYTES)
const innerHash = new Uint8Array(32)
// Hex digit values by character code; -1 for anything that is not a hex digit.
const HEX_VALUE = new Int8Array(128).fill(-1)
for (let digit = 0; digit < 16; digit++) {
  HEX_VALUE[digit.toString(16).charCodeAt(0)] = digit
  HEX_VALUE[digit.toString(16).toUpperCase().charCodeAt(0)] = digit
}

/**
 * StandardMerkleTree's leaf hash of every value, keccak256(keccak256(abi.encode(index, account,
 * amount))), as 32 bytes per value in value order. The encoding is written straight into a
 * 96-byte buffer: the three words are static, so abi.encode is their concatenation.
 */
export function hashLeaves(values: readonly LeafValue[]): Uint8Array {
  const hashes = new Uint8Array(values.length * 32)
  for (let position = 0; position < values.length; position++) {
    encodeLeaf(values[position]!, position)
    keccak256Into(encoded, 0, LEAF_BYTES, innerHash, 0)
    keccak256Into(innerHash, 0, 32, hashes, position * 32)
  }
  return hashes
}

function encodeLeaf([index, account, amount]: LeafValue, position: number): void {
  encoded.fill(0)
  writeUint256(index, 0, 'index', position)
  writeAddress(account, 32 + 12, position)
  writeUint256(amount, 64, 'amount', position)
}

function writeUint256(value: bigint, offset: number, field: string, position: number): void {
  if (typeof value !== 'bigint' || value < 0n || value >= UINT256_LIMIT) {
    throw new InvalidLeafValueError(`entry ${position} has an ${field} that is not a uint256: ${String(value)}`, {
      metaMessages: ['Amounts and indexes are whole numbers from 0 to 2^256 - 1, given as bigint.'],
    })
  }
  let rest = value
  for (let end = offset + 32; rest > 0n; end -= 4) {
    const word = Number(rest & 0xffffffffn)
    encoded[end - 1] = word
    encoded[end - 2] = word >>> 8
    encoded[end - 3] = word >>> 16
    encoded[end - 4] = word >>> 24
    rest >>= 32n
  }
}

function writeAddress(account: Address, offset: number, position: number): void {
  if (typeof account !== 'string' || account.length !== 42 || !account.startsWith('0x')) invalidAddress(account, position)
  for (let byte = 0; byte < 20; byte++) {
    const high = HEX_VALUE[account.charCodeAt(2 + 2 * byte)] ?? -1
    const low = HEX_VALUE[account.charCodeAt(3 + 2 * byte)] ?? -1
    if (high < 0 || low < 0) invalidAddress(account, position)
    encoded[offset + byte] = (high << 4) | low
  }
}

function invalidAddress(account: unknown, position: number): never {
  throw new InvalidLeafValueError(`entry ${position} has an account that is not an address: ${String(account)}`, {
    metaMessages: ['An account is 0x followed by 40 hex digits.'],
  })
}
