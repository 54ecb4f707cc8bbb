import type { StandardMerkleTree } from '@openzeppelin/merkle-tree'
import type { Hex } from 'viem'
import { LEAF_ENCODING, type LeafValue, hashLeaves } from './leafHashes.js'
import { nodesToHex } from './nodesToHex.js'
import { layOutStandardTree } from './standardTree.js'

export type DistributionTreeDump = ReturnType<StandardMerkleTree<LeafValue>['dump']>

/** What StandardMerkleTree.of(values, LEAF_ENCODING) gives, node for node, built without it. */
export type DistributionTree = {
  root: Hex
  /** Every node in the library's layout; proofs are made of these very strings, not copies. */
  tree: Hex[]
  /** The proof of the value at `valueIndex`, siblings from the leaf up, as the library's getProof. */
  proof(valueIndex: number): Hex[]
  /** The library's `dump()`: StandardMerkleTree.load accepts it and rebuilds the same root. */
  dump(): DistributionTreeDump
}

export function buildDistributionTree(values: readonly LeafValue[]): DistributionTree {
  const { nodes, treeIndexOf } = layOutStandardTree(hashLeaves(values))
  const tree = nodesToHex(nodes)
  return {
    root: tree[0]!,
    tree,
    proof(valueIndex) {
      const leaf = treeIndexOf[valueIndex]
      // A typed array answers undefined for a negative, fractional or out-of-range index alike.
      if (leaf === undefined) throw new RangeError(`no value at index ${valueIndex}: the tree has ${values.length}`)
      const proof: Hex[] = []
      for (let node = leaf; node > 0; node = (node - 1) >> 1) proof.push(tree[node % 2 === 1 ? node + 1 : node - 1]!)
      return proof
    },
    dump() {
      return {
        format: 'standard-v1',
        leafEncoding: [...LEAF_ENCODING],
        tree,
        values: values.map((value, valueIndex) => ({ value, treeIndex: treeIndexOf[valueIndex]! })),
      }
    },
  }
}
