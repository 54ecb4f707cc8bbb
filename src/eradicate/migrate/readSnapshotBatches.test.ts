import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { SnapshotIntegrityError } from '../../snapshot/errors.js'
import { readSnapshotBatches } from './readSnapshotBatches.js'

const dir = mkdtempSync(join(tmpdir(), 'firebreak-batches-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function snapshotWith(lines: string[]): string {
  const file = join(dir, `snapshot-${lines.length}.ndjson`)
  const header = JSON.stringify({ format: 'firebreak-snapshot/1', chainId: 1, contract: '0x00000000000000000000000000000000000000aa' })
  writeFileSync(file, `${[header, ...lines, JSON.stringify({ footer: true, accounts: lines.length, total: '0', sha256: '0x' })].join('\n')}\n`)
  return file
}

const account = (index: number) => `0x${index.toString(16).padStart(40, '0')}`

describe('readSnapshotBatches', () => {
  it('groups the account lines in file order, the last batch holding the rest', async () => {
    const file = snapshotWith(Array.from({ length: 7 }, (_, index) => JSON.stringify({ account: account(index + 1), balance: String((index + 1) * 10) })))
    const batches = []
    for await (const batch of readSnapshotBatches(file, 3)) batches.push(batch)

    expect(batches.map(({ index, offset, accounts, total }) => ({ index, offset, size: accounts.length, total }))).toEqual([
      { index: 0, offset: 0, size: 3, total: 60n },
      { index: 1, offset: 3, size: 3, total: 150n },
      { index: 2, offset: 6, size: 1, total: 70n },
    ])
    expect(batches[1]?.accounts).toEqual([account(4), account(5), account(6)])
    expect(batches[1]?.amounts).toEqual([40n, 50n, 60n])
  })

  it('names the line that is not an account line', async () => {
    const file = snapshotWith([JSON.stringify({ account: account(1), balance: '1' }), JSON.stringify({ holder: account(2) })])
    const read = async () => {
      for await (const _ of readSnapshotBatches(file, 10));
    }
    await expect(read()).rejects.toThrow(SnapshotIntegrityError)
    await expect(read()).rejects.toThrow(/line 3 is not an \{account, balance\} line/)
  })
})
