import { StandardMerkleTree } from '@openzeppelin/merkle-tree'
import { type Address, bytesToHex, getAddress } from 'viem'
import { describe, expect, it } from 'vitest'
import { InvalidLeafValueError } from './errors.js'
import { LEAF_ENCODING, type LeafValue, hashLeaves } from './leafHashes.js'

const maxUint256 = (1n << 256n) - 1n
const reference = (value: LeafValue) => StandardMerkleTree.of([value], [...LEAF_ENCODING]).leafHash(value)

describe('hashLeaves', () => {
  it('gives the library\'s leaf hash for each value, in value order, at the edges of every field', () => {
    const values: LeafValue[] = [
      [0n, '0x0000000000000000000000000000000000000000', 0n],
      [1n, '0xffffffffffffffffffffffffffffffffffffffff', 1n],
      [maxUint256, getAddress('0xabcdefabcdefabcdefabcdefabcdefabcdefabcd'), maxUint256],
      [2n ** 32n, '0xABCDEFABCDEFABCDEFABCDEFABCDEFABCDEFABCD', 2n ** 32n - 1n],
      [12345n, '0x00000000000000000000000000000000000000aa', 50_000n * 10n ** 18n],
    ]

    const hashes = hashLeaves(values)

    expect(hashes.length).toBe(values.length * 32)
    values.forEach((value, position) => {
      expect(bytesToHex(hashes.subarray(position * 32, position * 32 + 32)), `value ${position}`).toBe(reference(value))
    })
  })

  it('refuses a negative amount, naming the entry', () => {
    const values: LeafValue[] = [[0n, '0x0000000000000000000000000000000000000001', 1n], [1n, '0x0000000000000000000000000000000000000002', -1n]]
    expect(() => hashLeaves(values)).toThrow(InvalidLeafValueError)
    expect(() => hashLeaves(values)).toThrow(/^entry 1 has an amount that is not a uint256: -1\n/)
  })

  it('refuses an amount of 2^256, which abi.encode cannot hold', () => {
    expect(() => hashLeaves([[0n, '0x0000000000000000000000000000000000000001', maxUint256 + 1n]])).toThrow(InvalidLeafValueError)
  })

  it('refuses an account that is not 20 bytes of hex', () => {
    for (const account of ['0x00000000000000000000000000000000000001', '0x000000000000000000000000000000000000000g', '1x0000000000000000000000000000000000000001']) {
      expect(() => hashLeaves([[0n, account as Address, 1n]]), account).toThrow(`entry 0 has an account that is not an address: ${account}`)
    }
  })
})
