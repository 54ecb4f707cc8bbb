import { StandardMerkleTree } from '@openzeppelin/merkle-tree'
import { type Address, getAddress } from 'viem'
import { describe, expect, it } from 'vitest'
import { buildDistributionTree } from './distributionTree.js'
import { EmptyDistributionError } from './errors.js'
import { LEAF_ENCODING, type LeafValue } from './leafHashes.js'

/** A seeded generator, so that a failing size replays with the same values. */
function randomValues(count: number, seed: number): LeafValue[] {
  let state = BigInt(seed)
  const next = (bits: bigint) => {
    // xorshift-style mixing over 64 bits, widened to `bits` by drawing repeatedly
    let value = 0n
    for (let drawn = 0n; drawn < bits; drawn += 64n) {
      state ^= (state << 13n) & 0xffffffffffffffffn
      state ^= state >> 7n
      state ^= (state << 17n) & 0xffffffffffffffffn
      value = (value << 64n) | state
    }
    return value & ((1n << bits) - 1n)
  }
  const values: LeafValue[] = []
  for (let index = 0; index < count; index++) {
    const raw = `0x${next(160n).toString(16).padStart(40, '0')}` as Address
    const account = index % 3 === 0 ? getAddress(raw) : raw
    // Mostly token-sized amounts, sometimes the extremes of a uint256.
    const pick = next(4n)
    const amount = pick === 0n ? 0n : pick === 1n ? (1n << 256n) - 1n : next(96n)
    values.push([BigInt(index), account, amount])
  }
  return values
}

const json = (value: unknown) => JSON.stringify(value, (_, item) => (typeof item === 'bigint' ? `${item}n` : item))

describe('buildDistributionTree against StandardMerkleTree.of', () => {
  for (const size of [1, 2, 3, 4, 5, 7, 8, 9, 31, 100, 1000]) {
    it(`gives the library's root, every proof and the same dump for ${size} random entries`, () => {
      const values = randomValues(size, size * 7919 + 1)
      const library = StandardMerkleTree.of(values, [...LEAF_ENCODING])

      const ours = buildDistributionTree(values)

      expect(ours.root).toBe(library.root)
      expect(json(ours.dump())).toBe(json(library.dump()))
      for (let index = 0; index < size; index++) expect(ours.proof(index), `proof of value ${index}`).toEqual(library.getProof(index))
    })
  }

  it('publishes a dump that StandardMerkleTree.load accepts, validates and proves from, also as JSON', () => {
    const values = randomValues(257, 4)
    const ours = buildDistributionTree(values)
    const published = JSON.parse(JSON.stringify(ours.dump(), (_, item) => (typeof item === 'bigint' ? item.toString() : item)))

    for (const dump of [ours.dump(), published]) {
      const loaded = StandardMerkleTree.load(dump)
      loaded.validate()
      expect(loaded.root).toBe(ours.root)
      expect(loaded.getProof(200)).toEqual(ours.proof(200))
    }
  })

  it('orders equal leaves by value index, as the library\'s stable sort does', () => {
    const twice: LeafValue = [7n, '0x00000000000000000000000000000000000000aa', 10n]
    const values: LeafValue[] = [twice, [1n, '0x00000000000000000000000000000000000000bb', 20n], twice, [2n, '0x00000000000000000000000000000000000000cc', 30n], twice]
    const library = StandardMerkleTree.of(values, [...LEAF_ENCODING])

    const ours = buildDistributionTree(values)

    expect(ours.dump().values.map((value) => value.treeIndex)).toEqual(library.dump().values.map((value) => value.treeIndex))
    expect(ours.root).toBe(library.root)
  })

  it('puts a single entry\'s leaf at the root, with an empty proof', () => {
    const values = randomValues(1, 11)
    const ours = buildDistributionTree(values)

    expect(ours.tree).toEqual([ours.root])
    expect(ours.proof(0)).toEqual([])
    expect(StandardMerkleTree.verify(ours.root, [...LEAF_ENCODING], values[0]!, [])).toBe(true)
  })

  it('refuses to prove a value it does not hold', () => {
    const ours = buildDistributionTree(randomValues(3, 5))

    expect(() => ours.proof(3)).toThrow('no value at index 3: the tree has 3')
    expect(() => ours.proof(-1)).toThrow(RangeError)
    expect(() => ours.proof(1.5)).toThrow(RangeError)
  })

  it('refuses an empty distribution, as the library does', () => {
    expect(() => StandardMerkleTree.of([], [...LEAF_ENCODING])).toThrow()
    expect(() => buildDistributionTree([])).toThrow(EmptyDistributionError)
  })
})
