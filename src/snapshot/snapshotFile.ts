import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { createInterface } from 'node:readline'
import type { Address, Hex } from 'viem'
import { SnapshotIntegrityError } from './errors.js'

export const snapshotFormat = 'firebreak-snapshot/1'

/** The first line of a snapshot file. Numbers that can exceed 2^53 are decimal strings. */
export type SnapshotHeader = {
  format: typeof snapshotFormat
  chainId: number
  contract: Address
  blockNumber: string
  blockHash: Hex
  /** The event whose logs named the accounts, e.g. `Transfer(address,address,uint256)`, and the fields read from it. */
  event: string
  accountFields: string[]
  fromBlock: string
}

/** One line per account holding a non-zero balance, in ascending address order. */
export type SnapshotLine = { account: Address; balance: string }

/** The last line: written only once every account is, so a file without it is incomplete. */
export type SnapshotFooter = {
  footer: true
  accounts: number
  total: string
  /** sha256 of every byte before this line (the header and the account lines, newlines included). */
  sha256: Hex
}

export type VerifySnapshotReturnType = { header: SnapshotHeader; footer: SnapshotFooter; sha256: Hex; accounts: number; total: bigint }

export function formatLine(value: SnapshotHeader | SnapshotLine | SnapshotFooter): string {
  return `${JSON.stringify(value)}\n`
}

/**
 * Reads a snapshot file back line by line (constant memory) and checks it against its footer: the
 * content hash, the account count and the total. Throws SnapshotIntegrityError on any mismatch.
 */
export async function verifySnapshot(file: string): Promise<VerifySnapshotReturnType> {
  const hash = createHash('sha256')
  let header: SnapshotHeader | undefined
  let footer: SnapshotFooter | undefined
  let accounts = 0
  let total = 0n
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity })
  for await (const line of lines) {
    if (footer) throw new SnapshotIntegrityError(`${file} has content after its footer`)
    const parsed = JSON.parse(line) as SnapshotHeader | SnapshotLine | SnapshotFooter
    if ('footer' in parsed) {
      footer = parsed
      continue
    }
    hash.update(`${line}\n`)
    if (!header) {
      if (!('format' in parsed) || parsed.format !== snapshotFormat) throw new SnapshotIntegrityError(`${file} is not a firebreak snapshot (no ${snapshotFormat} header)`)
      header = parsed
      continue
    }
    accounts++
    total += BigInt((parsed as SnapshotLine).balance)
  }
  if (!header || !footer) throw new SnapshotIntegrityError(`${file} is incomplete: it has no footer`)
  const sha256 = `0x${hash.digest('hex')}` as Hex
  if (sha256 !== footer.sha256) {
    throw new SnapshotIntegrityError(`${file} was modified: its content hash is ${sha256}, its footer says ${footer.sha256}`)
  }
  if (accounts !== footer.accounts || total.toString() !== footer.total) {
    throw new SnapshotIntegrityError(`${file} holds ${accounts} accounts totalling ${total}, its footer says ${footer.accounts} totalling ${footer.total}`)
  }
  return { header, footer, sha256, accounts, total }
}
