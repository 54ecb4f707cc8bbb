import { createHash } from 'node:crypto'
import { accessSync, constants, createReadStream, statSync } from 'node:fs'
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
  assertReadableFile(file)
  const hash = createHash('sha256')
  let header: SnapshotHeader | undefined
  let footer: SnapshotFooter | undefined
  let accounts = 0
  let total = 0n
  let number = 0
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity })
  for await (const line of lines) {
    number++
    if (footer) throw new SnapshotIntegrityError(`${file} has content after its footer (line ${number})`)
    const parsed = parseLine(file, number, line)
    if ('footer' in parsed) {
      footer = parsed as SnapshotFooter
      continue
    }
    hash.update(`${line}\n`)
    if (!header) {
      if (!('format' in parsed) || parsed.format !== snapshotFormat) throw new SnapshotIntegrityError(`${file} is not a firebreak snapshot: line 1 is not a ${snapshotFormat} header`)
      header = parsed as SnapshotHeader
      continue
    }
    const { account, balance } = parsed as Partial<SnapshotLine>
    if (typeof account !== 'string' || typeof balance !== 'string' || !/^\d+$/.test(balance)) {
      throw new SnapshotIntegrityError(`${file}:${number}: expected {"account", "balance"} with the balance in decimal digits`)
    }
    accounts++
    total += BigInt(balance)
  }
  if (!header) throw new SnapshotIntegrityError(`${file} is empty: it is not a firebreak snapshot`)
  if (!footer) throw new SnapshotIntegrityError(`${file} is incomplete: it has no footer (cut off after line ${number}?): take the snapshot again`)
  const sha256 = `0x${hash.digest('hex')}` as Hex
  if (sha256 !== footer.sha256) {
    throw new SnapshotIntegrityError(`${file} was modified: its content hash is ${sha256}, its footer says ${footer.sha256}`)
  }
  if (accounts !== footer.accounts || total.toString() !== footer.total) {
    throw new SnapshotIntegrityError(`${file} holds ${accounts} accounts totalling ${total}, its footer says ${footer.accounts} totalling ${footer.total}`)
  }
  return { header, footer, sha256, accounts, total }
}

/** A missing path, a folder or an unreadable file, said as such before any line is read. */
function assertReadableFile(file: string): void {
  try {
    if (!statSync(file).isFile()) throw new SnapshotIntegrityError(`${file} is not a file: expected a snapshot file (firebreak snapshot writes snapshot-<contract>-<block>.ndjson in the incident folder)`)
    accessSync(file, constants.R_OK)
  } catch (cause) {
    if (cause instanceof SnapshotIntegrityError) throw cause
    const code = (cause as NodeJS.ErrnoException).code
    throw new SnapshotIntegrityError(code === 'ENOENT' ? `${file} does not exist: expected a snapshot file (firebreak snapshot writes one in the incident folder)` : `${file} cannot be read (${code ?? 'error'})`, { cause })
  }
}

/** One line as a JSON object; a truncated or binary file fails here, at its line. */
function parseLine(file: string, number: number, line: string): Record<string, unknown> {
  let parsed: unknown
  try {
    parsed = JSON.parse(line)
  } catch {
    throw new SnapshotIntegrityError(`${file}:${number}: not valid JSON${number === 1 ? ': the file is not a firebreak snapshot' : ': the file is cut off or was edited'}`)
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new SnapshotIntegrityError(`${file}:${number}: expected a JSON object${number === 1 ? ': the file is not a firebreak snapshot' : ''}`)
  return parsed as Record<string, unknown>
}
