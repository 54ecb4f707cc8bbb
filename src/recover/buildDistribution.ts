import { StandardMerkleTree } from '@openzeppelin/merkle-tree'
import type { Address, Hex } from 'viem'
import type { AccountLoss } from './computeLosses.js'

/** The leaf encoding ReimbursementClaim verifies: (index, account, amount). */
export const LEAF_ENCODING = ['uint256', 'address', 'uint256'] as const

export type DistributionEntry = { index: number; account: Address; amount: bigint; proof: Hex[] }

export type Distribution = {
  root: Hex
  total: bigint
  entries: DistributionEntry[]
  /** StandardMerkleTree's own dump: publish it, and anyone can rebuild the tree and check the root. */
  dump: ReturnType<StandardMerkleTree<(string | bigint)[]>['dump']>
}

/**
 * A full-reimbursement Merkle distribution of the losses, built with OpenZeppelin's
 * StandardMerkleTree so that the published file is the library's own format.
 */
export function buildDistribution(losses: readonly AccountLoss[]): Distribution {
  const values = losses.map((entry, index) => [BigInt(index), entry.account, entry.loss])
  const tree = StandardMerkleTree.of(values, [...LEAF_ENCODING])
  const entries = losses.map((entry, index) => ({
    index,
    account: entry.account,
    amount: entry.loss,
    proof: tree.getProof(index) as Hex[],
  }))
  return { root: tree.root as Hex, total: losses.reduce((sum, entry) => sum + entry.loss, 0n), entries, dump: tree.dump() }
}

/** Rebuilds the tree from a published dump and returns its root: what a sceptical user runs. */
export function rootOfDump(dump: Distribution['dump']): Hex {
  const tree = StandardMerkleTree.load(dump)
  tree.validate()
  return tree.root as Hex
}
