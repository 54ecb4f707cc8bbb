import { readFileSync } from 'node:fs'
import { StandardMerkleTree } from '@openzeppelin/merkle-tree'
import { type Address, type Hex, getAddress } from 'viem'
import { FirebreakError } from '../errors.js'
import { toJsonValue } from '../journal/hashChain.js'
import { type Distribution, LEAF_ENCODING, rootOfDump } from './buildDistribution.js'

export const distributionFormat = 'firebreak-distribution/1'

/** A published distribution that does not rebuild to the root it states, or is not one at all. */
export class DistributionFileError extends FirebreakError {
  override name = 'DistributionFileError'
}

/** What the published file says beyond the tree: where the money comes from and how it was decided. */
export type DistributionContext = {
  chainId: number
  token: { address: Address; symbol?: string; decimals?: number }
  /** The policy in words (`pro-rata to 42000 recovered`). */
  policy: string
  /** How it is paid: a Merkle claim, direct transfers, or recovery tokens. */
  mode: 'merkle' | 'transfers' | 'tokens'
  lossesFile: { file: string; sha256: Hex }
}

export type DistributionFile = DistributionContext & { distribution: Distribution }

/**
 * The file published for users and auditors. `tree` is OpenZeppelin StandardMerkleTree's own dump,
 * so `StandardMerkleTree.load(file.tree).root` is the root to compare with the claim contract's
 * `merkleRoot()`; `entries` repeats each leaf with its proof for people who only want theirs.
 */
export function formatDistributionFile(distribution: Distribution, context: DistributionContext): string {
  const document = {
    format: distributionFormat,
    ...context,
    root: distribution.root,
    total: distribution.total,
    accounts: distribution.entries.length,
    leafEncoding: LEAF_ENCODING,
    entries: distribution.entries,
    tree: distribution.dump,
  }
  return `${JSON.stringify(toJsonValue(document), null, 2)}\n`
}

/**
 * Reads a published distribution and checks it as a sceptical user would: the tree is rebuilt from
 * its leaves and must give the stated root, and every entry and the total must agree with the tree.
 */
export function readDistributionFile(file: string): DistributionFile {
  let document: Record<string, any>
  try {
    document = JSON.parse(readFileSync(file, 'utf8')) as Record<string, any>
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    throw new DistributionFileError(`${file}: cannot read the distribution (${code === 'ENOENT' ? 'no such file' : (error as Error).message}): pass the distribution-….json that firebreak reimburse published`)
  }
  if (!document.tree || typeof document.root !== 'string') throw new DistributionFileError(`${file}: is not a firebreak distribution (no "tree" and "root"): pass the distribution-….json that firebreak reimburse published`)
  let root: Hex
  try {
    root = rootOfDump(document.tree)
  } catch (error) {
    throw new DistributionFileError(`${file}: its tree does not rebuild (${(error as Error).message}): the file was edited after it was published`)
  }
  if (root.toLowerCase() !== document.root.toLowerCase()) throw new DistributionFileError(`${file}: its tree rebuilds to root ${root} but the file states ${document.root}: the file was edited after it was published`)

  const tree = StandardMerkleTree.load<[string | bigint, string, string | bigint]>(document.tree)
  const entries = [...tree.entries()].map(([position, [index, account, amount]]) => ({
    index: Number(index),
    account: getAddress(account),
    amount: BigInt(amount),
    proof: tree.getProof(position) as Hex[],
  }))
  entries.sort((a, b) => a.index - b.index)
  const total = entries.reduce((sum, entry) => sum + entry.amount, 0n)
  if (document.total !== undefined && BigInt(document.total) !== total) throw new DistributionFileError(`${file}: states a total of ${document.total} but its leaves add up to ${total}: the file was edited after it was published`)
  for (const stated of (document.entries ?? []) as { index: number; account: string; amount: string }[]) {
    const leaf = entries.find((entry) => entry.index === Number(stated.index))
    if (!leaf || leaf.account !== getAddress(stated.account) || leaf.amount !== BigInt(stated.amount)) {
      throw new DistributionFileError(`${file}: entry ${stated.index} (${stated.account}, ${stated.amount}) is not the tree's leaf ${stated.index}: the file was edited after it was published`)
    }
  }
  return {
    chainId: document.chainId,
    token: document.token,
    policy: document.policy ?? 'unknown',
    mode: document.mode ?? 'merkle',
    lossesFile: document.lossesFile,
    distribution: { root, total, entries, dump: document.tree },
  }
}
