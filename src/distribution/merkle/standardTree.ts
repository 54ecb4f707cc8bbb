import { EmptyDistributionError } from './errors.js'
import { keccak256Into } from './keccak256.js'

/**
 * A StandardMerkleTree laid out exactly as @openzeppelin/merkle-tree lays it out, in one buffer.
 *
 * The library sorts the leaf hashes (ties keep their value order), puts sorted leaf i at node
 * 2n - 2 - i of a complete binary tree stored as an array (children of node i at 2i + 1 and
 * 2i + 2), and hashes each pair of children in ascending order. Matching that layout node for
 * node is what makes the root, the proofs and the dump the library's own.
 */
export type StandardTreeLayout = {
  /** Node i is bytes [32i, 32i + 32); node 0 is the root. */
  nodes: Uint8Array
  /** For each value, in value order, the node that holds its leaf. */
  treeIndexOf: Uint32Array
}

const pair = new Uint8Array(64)

export function layOutStandardTree(leafHashes: Uint8Array): StandardTreeLayout {
  const count = leafHashes.length / 32
  if (count === 0) throw new EmptyDistributionError('a Merkle distribution needs at least one entry')
  const order = sortedLeafOrder(leafHashes, count)
  const nodes = new Uint8Array((2 * count - 1) * 32)
  const treeIndexOf = new Uint32Array(count)
  const lastNode = 2 * count - 2
  for (let rank = 0; rank < count; rank++) {
    const valueIndex = order[rank]!
    const treeIndex = lastNode - rank
    nodes.set(leafHashes.subarray(valueIndex * 32, valueIndex * 32 + 32), treeIndex * 32)
    treeIndexOf[valueIndex] = treeIndex
  }
  for (let node = count - 2; node >= 0; node--) hashChildren(nodes, node)
  return { nodes, treeIndexOf }
}

/** Value indexes ordered by leaf hash, as unsigned 256-bit numbers; equal hashes by value index. */
function sortedLeafOrder(leafHashes: Uint8Array, count: number): Uint32Array {
  // Most comparisons are settled by the first four bytes: read them once as a number.
  const prefix = new Uint32Array(count)
  const order = new Uint32Array(count)
  for (let index = 0; index < count; index++) {
    const at = index * 32
    prefix[index] = ((leafHashes[at]! << 24) | (leafHashes[at + 1]! << 16) | (leafHashes[at + 2]! << 8) | leafHashes[at + 3]!) >>> 0
    order[index] = index
  }
  return order.sort((a, b) => prefix[a]! - prefix[b]! || compareNodes(leafHashes, a * 32 + 4, b * 32 + 4, 28) || a - b)
}

/** The node is the hash of its two children, the smaller first, as OpenZeppelin's MerkleProof expects. */
function hashChildren(nodes: Uint8Array, node: number): void {
  const left = (2 * node + 1) * 32
  const right = left + 32
  // The two children sit side by side: when already in order, hash them where they are.
  if (compareNodes(nodes, left, right, 32) <= 0) {
    keccak256Into(nodes, left, 64, nodes, node * 32)
  } else {
    pair.set(nodes.subarray(right, right + 32), 0)
    pair.set(nodes.subarray(left, left + 32), 32)
    keccak256Into(pair, 0, 64, nodes, node * 32)
  }
}

function compareNodes(bytes: Uint8Array, a: number, b: number, length: number): number {
  for (let offset = 0; offset < length; offset++) {
    const difference = bytes[a + offset]! - bytes[b + offset]!
    if (difference !== 0) return difference
  }
  return 0
}
