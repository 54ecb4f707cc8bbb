import { readFileSync, writeFileSync } from 'node:fs'
import { type Address, type Hex, getAddress } from 'viem'
import { type Distribution, buildDistribution, rootOfDump } from '../../distribution/buildDistribution.js'
import { readSnapshotLines } from './readSnapshotBatches.js'

/** The published claim file of a claim-mode migration: the distribution drill and recover publish, plus what it belongs to. */
export type MigrationDistributionFile = {
  snapshotSha256: Hex
  token: Address
  claim: Address
  root: Hex
  total: string
  entries: { index: number; account: Address; amount: string; proof: Hex[] }[]
  tree: Distribution['dump']
}

/**
 * Every snapshot account's balance as a Merkle claim (index, account, balance), index being the
 * account's line in the snapshot. Built with recover's buildDistribution, so the leaves are the
 * ones ReimbursementClaim verifies and the file is OpenZeppelin StandardMerkleTree's own dump.
 */
export async function buildMigrationDistribution(snapshotFile: string): Promise<Distribution> {
  const claims = []
  // buildDistribution pays each account its `loss`: here that is the whole balance it held.
  for await (const { account, balance } of readSnapshotLines(snapshotFile)) claims.push({ account, before: balance, after: 0n, loss: balance })
  return buildDistribution(claims)
}

export function writeDistributionFile(file: string, distribution: Distribution, about: { snapshotSha256: Hex; token: Address; claim: Address }): void {
  const content = { ...about, root: distribution.root, total: distribution.total, entries: distribution.entries, tree: distribution.dump }
  writeFileSync(file, `${JSON.stringify(content, (_, value) => (typeof value === 'bigint' ? value.toString() : value))}\n`)
}

export type CheckedDistributionFile = { root: Hex; accounts: number; total: bigint; mismatch?: string }

/**
 * What a sceptical holder runs: rebuild the tree from the published file (its root), and check that
 * its leaves are exactly the snapshot's lines, streamed, in order. `mismatch` names the first
 * difference; the root is still returned so it can be set against the chain's.
 */
export async function checkDistributionFile(file: string, snapshotFile: string): Promise<CheckedDistributionFile> {
  const published = JSON.parse(readFileSync(file, 'utf8')) as MigrationDistributionFile
  const root = rootOfDump(published.tree)
  const values = published.tree.values
  let index = 0
  let total = 0n
  let mismatch: string | undefined
  for await (const { account, balance } of readSnapshotLines(snapshotFile)) {
    const leaf = values[index]?.value as [string, string, string] | undefined
    if (!mismatch && (!leaf || BigInt(leaf[0]) !== BigInt(index) || getAddress(leaf[1]) !== getAddress(account) || BigInt(leaf[2]) !== balance)) {
      mismatch = `leaf ${index} is ${leaf ? `(${leaf.join(', ')})` : 'missing'}, the snapshot says (${index}, ${account}, ${balance})`
    }
    total += balance
    index++
  }
  if (!mismatch && values.length !== index) mismatch = `the file has ${values.length} leaves, the snapshot ${index} accounts`
  return { root, accounts: values.length, total, ...(mismatch ? { mismatch } : {}) }
}
