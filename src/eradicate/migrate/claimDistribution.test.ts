import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { StandardMerkleTree } from '@openzeppelin/merkle-tree'
import { afterAll, describe, expect, it } from 'vitest'
import { buildMigrationDistribution, checkDistributionFile, writeDistributionFile } from './claimDistribution.js'

const dir = mkdtempSync(join(tmpdir(), 'firebreak-claims-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const holders = [
  { account: '0x00000000000000000000000000000000000000A1', balance: '500' },
  { account: '0x00000000000000000000000000000000000000B2', balance: '300' },
  { account: '0x00000000000000000000000000000000000000c3', balance: '7' },
] as const

const snapshotFile = join(dir, 'snapshot.ndjson')
writeFileSync(snapshotFile, `${[{ format: 'firebreak-snapshot/1' }, ...holders, { footer: true }].map((line) => JSON.stringify(line)).join('\n')}\n`)
const about = { snapshotSha256: `0x${'ab'.repeat(32)}`, token: `0x${'11'.repeat(20)}`, claim: `0x${'22'.repeat(20)}` } as const

describe('buildMigrationDistribution', () => {
  it('commits to (line index, account, balance) for every snapshot line, as StandardMerkleTree does', async () => {
    const distribution = await buildMigrationDistribution(snapshotFile)
    const reference = StandardMerkleTree.of(holders.map(({ account, balance }, index) => [BigInt(index), account, BigInt(balance)]), ['uint256', 'address', 'uint256'])

    expect(distribution.root).toBe(reference.root)
    expect(distribution.total).toBe(807n)
    expect(distribution.entries.map(({ index, amount }) => [index, amount])).toEqual([[0, 500n], [1, 300n], [2, 7n]])
  })
})

describe('checkDistributionFile', () => {
  it('rebuilds the published root and finds the file true to the snapshot', async () => {
    const distribution = await buildMigrationDistribution(snapshotFile)
    const file = join(dir, 'claims.json')
    writeDistributionFile(file, distribution, about)

    expect(await checkDistributionFile(file, snapshotFile)).toEqual({ root: distribution.root, accounts: 3, total: 807n })
  })

  it('names the leaf of a file whose amount was raised after publication, tree and all', async () => {
    const file = join(dir, 'claims-raised.json')
    // A forger rebuilds a consistent tree around the raised leaf: only the snapshot can tell.
    const forged = StandardMerkleTree.of([[0n, holders[0].account, 500n], [1n, holders[1].account, 301n], [2n, holders[2].account, 7n]], ['uint256', 'address', 'uint256'])
    writeDistributionFile(file, { ...(await buildMigrationDistribution(snapshotFile)), root: forged.root as `0x${string}`, dump: forged.dump() }, about)

    const checked = await checkDistributionFile(file, snapshotFile)
    expect(checked.root).toBe(forged.root)
    expect(checked.mismatch).toBe(`leaf 1 is (1, ${holders[1].account}, 301), the snapshot says (1, ${holders[1].account}, 300)`)
    expect(JSON.parse(readFileSync(file, 'utf8')).claim).toBe(about.claim)
  })
})
