import { createReadStream } from 'node:fs'
import { createInterface } from 'node:readline'
import type { Address } from 'viem'
import { SnapshotIntegrityError } from '../../snapshot/errors.js'
import type { SnapshotLine } from '../../snapshot/snapshotFile.js'

/** Consecutive account lines of a snapshot file, as one mint transaction carries them over. */
export type SnapshotBatch = {
  /** 0 for the first batch: the step id `mint-000000` is made from it. */
  index: number
  /** Position of the batch's first account in the file (0-based), for titles. */
  offset: number
  accounts: Address[]
  amounts: bigint[]
  total: bigint
}

/**
 * The account lines of a snapshot file, one at a time, in file order (ascending address), without
 * holding the file in memory. Verify the file first (verifySnapshot): this reads, it does not check
 * the content hash.
 */
export async function* readSnapshotLines(file: string): AsyncGenerator<{ account: Address; balance: bigint }> {
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity })
  let number = 0
  for await (const text of lines) {
    number++
    const parsed = JSON.parse(text) as Partial<SnapshotLine> & { footer?: true; format?: string }
    if (parsed.format !== undefined || parsed.footer) continue
    if (typeof parsed.account !== 'string' || typeof parsed.balance !== 'string') throw new SnapshotIntegrityError(`${file} line ${number} is not an {account, balance} line`)
    yield { account: parsed.account, balance: BigInt(parsed.balance) }
  }
}

/** The snapshot's account lines grouped `batchSize` at a time, in file order; the last batch may be shorter. */
export async function* readSnapshotBatches(file: string, batchSize: number): AsyncGenerator<SnapshotBatch> {
  let batch: SnapshotBatch = { index: 0, offset: 0, accounts: [], amounts: [], total: 0n }
  for await (const { account, balance } of readSnapshotLines(file)) {
    batch.accounts.push(account)
    batch.amounts.push(balance)
    batch.total += balance
    if (batch.accounts.length === batchSize) {
      yield batch
      batch = { index: batch.index + 1, offset: batch.offset + batchSize, accounts: [], amounts: [], total: 0n }
    }
  }
  if (batch.accounts.length > 0) yield batch
}
