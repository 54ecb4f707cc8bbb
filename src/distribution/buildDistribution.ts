import { StandardMerkleTree } from '@openzeppelin/merkle-tree'
import type { Address, Hex } from 'viem'
import { buildDistributionTree } from './merkle/distributionTree.js'
import { LEAF_ENCODING, type LeafValue } from './merkle/leafHashes.js'

export { LEAF_ENCODING }

/** What one account is owed: its loss, after whatever policy the distribution pays. */
export type OwedAmount = { account: Address; loss: bigint }

export type DistributionEntry = { index: number; account: Address; amount: bigint; proof: Hex[] }

export type Distribution = {
  root: Hex
  total: bigint
  entries: DistributionEntry[]
  /** StandardMerkleTree's own dump: publish it, and anyone can rebuild the tree and check the root. */
  dump: ReturnType<StandardMerkleTree<(string | bigint)[]>['dump']>
}

/**
 * A full-reimbursement Merkle distribution of the losses, node for node the tree OpenZeppelin's
 * StandardMerkleTree builds from (index, account, amount) values, so the published file is the
 * library's own format. It is built by ./merkle rather than by the library because the library
 * takes minutes at a million accounts (bench/merkle.ts); merkle/*.test.ts hold the two to the
 * same root, proofs and dump.
 */
export function buildDistribution<entry extends OwedAmount>(losses: readonly entry[]): Distribution {
  const values = losses.map((entry, index): LeafValue => [BigInt(index), entry.account, entry.loss])
  const tree = buildDistributionTree(values)
  const entries = losses.map((entry, index) => ({ index, account: entry.account, amount: entry.loss, proof: tree.proof(index) }))
  return { root: tree.root, total: losses.reduce((sum, entry) => sum + entry.loss, 0n), entries, dump: tree.dump() }
}

/**
 * Rebuilds the tree from a published dump and returns its root: what a sceptical user runs. It
 * uses the library itself, not ./merkle, so that the check does not share code with the builder.
 */
export function rootOfDump(dump: Distribution['dump']): Hex {
  const tree = StandardMerkleTree.load(dump)
  tree.validate()
  return tree.root as Hex
}
