import { createReadStream } from 'node:fs'
import { createInterface } from 'node:readline'
import { type Address, type Hex, getAddress } from 'viem'
import { type SnapshotHeader, type SnapshotLine, verifySnapshot } from '../snapshot/snapshotFile.js'

export type SnapshotPositions = {
  file: string
  header: SnapshotHeader
  contract: Address
  blockNumber: bigint
  sha256: Hex
  /** Every account holding a non-zero balance at the block, as the snapshot recorded it. */
  positions: { account: Address; balance: bigint }[]
  total: bigint
}

/**
 * A snapshot file's positions, after checking the file against its footer (content hash, account
 * count, total): a loss table is only as good as the snapshots it was computed from.
 */
export async function readSnapshotPositions(file: string): Promise<SnapshotPositions> {
  const verified = await verifySnapshot(file)
  const positions: SnapshotPositions['positions'] = []
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity })
  let index = 0
  for await (const line of lines) {
    // The header comes first and the footer last; verifySnapshot has checked both are where they belong.
    if (index++ === 0 || index > verified.accounts + 1) continue
    const parsed = JSON.parse(line) as SnapshotLine
    positions.push({ account: getAddress(parsed.account), balance: BigInt(parsed.balance) })
  }
  return {
    file,
    header: verified.header,
    contract: getAddress(verified.header.contract),
    blockNumber: BigInt(verified.header.blockNumber),
    sha256: verified.sha256,
    positions,
    total: verified.total,
  }
}
