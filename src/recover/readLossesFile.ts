import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { type Address, type Hex, getAddress, isAddress, maxUint256, zeroAddress } from 'viem'
import { z } from 'zod'
import { FirebreakError } from '../errors.js'

/**
 * A losses file that cannot be trusted as written. Its message is one line naming the file, the
 * line (CSV) or row (JSON) and what is wrong, because the person reading it is fixing a
 * spreadsheet under pressure and must not pay anyone from a file with a typo in it.
 */
export class LossesFileError extends FirebreakError {
  override name = 'LossesFileError'
}

/** One account's loss as the file states it; `before` and `after` only when the file has them. */
export type LossRow = { account: Address; loss: bigint; before?: bigint; after?: bigint }

export type LossesFile = {
  file: string
  format: 'csv' | 'json'
  /** The rows in file order; a row with a zero loss is kept (a policy pays it nothing). */
  losses: LossRow[]
  total: bigint
  /** What `firebreak losses` wrote about the asset, when the file is its JSON. */
  asset?: { address: Address; symbol?: string; decimals?: number }
  chainId?: number
  /** The block the losses were measured after (what `firebreak losses` writes): no reimbursement of them can be older. */
  afterBlock?: bigint
  /** sha256 of the file's bytes: the journal ties the distribution to the exact file it came from. */
  sha256: Hex
}

/** Reads and validates a losses file (CSV or JSON, by extension or by content). */
export function readLossesFile(file: string): LossesFile {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    throw new LossesFileError(`${file}: cannot read the losses file (${code === 'ENOENT' ? 'no such file' : code ?? String(error)}): pass the CSV or JSON that firebreak losses wrote`)
  }
  return parseLossesFile(text, file)
}

/** Validates a losses file's text; `file` names it in errors. */
export function parseLossesFile(text: string, file: string): LossesFile {
  const body = text.replace(/^\uFEFF/, '')
  const looksJson = /\.json$/i.test(file) || (!/\.csv$/i.test(file) && /^\s*[[{]/.test(body))
  const parsed = looksJson ? parseJson(body, file) : parseCsv(body, file)
  return { ...parsed, file, sha256: `0x${createHash('sha256').update(text).digest('hex')}` }
}

type Parsed = Omit<LossesFile, 'file' | 'sha256'>

// ---------------------------------------------------------------------------------------------
// Rows, whatever the format

type RawRow = { account: unknown; loss: unknown; before?: unknown; after?: unknown }

/** Checks one row; `where` is how the error names it (`losses.csv:4`, `losses.json: row 3 (losses[2])`). */
function checkRow(raw: RawRow, where: string): LossRow {
  const account = checkAddress(raw.account, where)
  const loss = checkAmount(raw.loss, 'loss', where)
  const row: LossRow = { account, loss }
  const before = raw.before === undefined || raw.before === '' ? undefined : checkAmount(raw.before, 'before', where)
  const after = raw.after === undefined || raw.after === '' ? undefined : checkAmount(raw.after, 'after', where)
  if (before !== undefined) row.before = before
  if (after !== undefined) row.after = after
  if (before !== undefined && after !== undefined && before - after !== loss) {
    throw new LossesFileError(`${where}: loss ${loss} of ${account} is not before − after (${before} − ${after} = ${before - after}): correct whichever figure is wrong`)
  }
  return row
}

function checkAddress(value: unknown, where: string): Address {
  if (typeof value !== 'string' || value.trim() === '') throw new LossesFileError(`${where}: the account is missing: give a 0x-prefixed, checksummed address`)
  const text = value.trim()
  if (!isAddress(text, { strict: false })) throw new LossesFileError(`${where}: "${text}" is not an address: expected 0x followed by 40 hex digits`)
  const checksummed = getAddress(text)
  // Paying money to an address with a typo is unrecoverable; only the EIP-55 checksum catches one.
  if (text !== checksummed) throw new LossesFileError(`${where}: ${text} is not checksummed (EIP-55): write it as ${checksummed} after checking it is the right account`)
  // A token refuses a transfer there (ERC20InvalidReceiver) only once the plan is simulated, and says it in bytes.
  if (checksummed === zeroAddress) throw new LossesFileError(`${where}: the account is the zero address, which cannot be paid: remove the row (a mint's "from" is not a holder)`)
  return checksummed
}

function checkAmount(value: unknown, field: string, where: string): bigint {
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) throw new LossesFileError(`${where}: ${field} ${value} is not a whole number: amounts are integers in the token's base units (wei)`)
    if (value < 0) throw new LossesFileError(`${where}: ${field} ${value} is negative: a loss is 0 or more`)
    if (!Number.isSafeInteger(value)) throw new LossesFileError(`${where}: ${field} ${value} is a JSON number too large to be exact: write it as a string of digits`)
    return BigInt(value)
  }
  if (typeof value !== 'string' || value.trim() === '') throw new LossesFileError(`${where}: ${field} is missing: give an integer amount in the token's base units (wei)`)
  const text = value.trim()
  if (/^-\s*\d/.test(text)) throw new LossesFileError(`${where}: ${field} ${text} is negative: a loss is 0 or more`)
  if (/^\+?\d*[.,]\d+$|^\d+(\.\d*)?e[+-]?\d+$/i.test(text)) throw new LossesFileError(`${where}: ${field} ${text} is not an integer: amounts are whole numbers in the token's base units (wei), without decimals or exponents`)
  if (!/^\d+$/.test(text)) throw new LossesFileError(`${where}: ${field} "${text}" is not an amount: expected an integer in the token's base units (wei)`)
  if (BigInt(text) > maxUint256) throw new LossesFileError(`${where}: ${field} ${text} is more than 2^256 − 1, the most a token amount can be: check the figure`)
  return BigInt(text)
}

/** A valid row, with how errors name it in full (`where`) and in short (`place`: `line 2`, `row 1`). */
type PlacedRow = { row: LossRow; where: string; place: string }

/** Adds a row to those read so far, refusing an account seen before (the first error in file order wins). */
function addRow(rows: PlacedRow[], seen: Map<Address, string>, placed: PlacedRow): void {
  const first = seen.get(placed.row.account)
  if (first) throw new LossesFileError(`${placed.where}: ${placed.row.account} appears twice (first at ${first}): merge its losses into one row`)
  seen.set(placed.row.account, placed.place)
  rows.push(placed)
}

/** The file's own total against its rows. */
function checkTable(rows: PlacedRow[], declaredTotal: { value: bigint; where: string } | undefined, file: string): { losses: LossRow[]; total: bigint } {
  if (rows.length === 0) throw new LossesFileError(`${file}: has no loss rows: expected one row per affected account`)
  const losses = rows.map(({ row }) => row)
  const total = losses.reduce((sum, row) => sum + row.loss, 0n)
  if (declaredTotal && declaredTotal.value !== total) {
    throw new LossesFileError(`${declaredTotal.where}: the total says ${declaredTotal.value} but the rows add up to ${total}: a row was edited, added or removed after the total was written`)
  }
  return { losses, total }
}

// ---------------------------------------------------------------------------------------------
// CSV: a header naming at least `account` and `loss`, one row per account, an optional `total` row

function parseCsv(text: string, file: string): Parsed {
  const lines = text.split(/\r?\n/)
  const headerIndex = lines.findIndex((line) => line.trim() !== '')
  if (headerIndex < 0) throw new LossesFileError(`${file}: is empty: expected a header line "account,loss" and one row per account`)
  const header = splitCsvLine(lines[headerIndex]!).map((cell) => cell.trim().toLowerCase())
  const column = (name: string) => header.indexOf(name)
  for (const required of ['account', 'loss']) {
    if (column(required) < 0) throw new LossesFileError(`${file}:${headerIndex + 1}: the header has no "${required}" column (found ${header.join(', ')}): the first line must name the columns, e.g. account,loss`)
  }
  const rows: PlacedRow[] = []
  const seen = new Map<Address, string>()
  let declaredTotal: { value: bigint; where: string } | undefined
  for (let index = headerIndex + 1; index < lines.length; index++) {
    const line = lines[index]!
    if (line.trim() === '') continue
    const where = `${file}:${index + 1}`
    if (declaredTotal) throw new LossesFileError(`${where}: a row follows the total row: the total must be the last line`)
    const cells = splitCsvLine(line)
    if (cells.length !== header.length) throw new LossesFileError(`${where}: has ${cells.length} cells but the header has ${header.length}: check for a missing or extra comma`)
    const cell = (name: string) => (column(name) < 0 ? undefined : cells[column(name)])
    if (cell('account')?.trim().toLowerCase() === 'total') {
      declaredTotal = { value: checkAmount(cell('loss'), 'total', where), where }
      continue
    }
    addRow(rows, seen, { row: checkRow({ account: cell('account'), loss: cell('loss'), before: cell('before'), after: cell('after') }, where), where, place: `line ${index + 1}` })
  }
  return { format: 'csv', ...checkTable(rows, declaredTotal, file) }
}

/** Spreadsheets quote every cell on export; addresses and integers never hold commas or quotes. */
function splitCsvLine(line: string): string[] {
  return line.split(',').map((cell) => cell.trim().replace(/^"(.*)"$/, '$1'))
}

// ---------------------------------------------------------------------------------------------
// JSON: what `firebreak losses` writes, or a bare array of { account, loss }

const amountValue = z.union([z.string(), z.number()])
const rowSchema = z.looseObject({ account: z.unknown(), loss: z.unknown(), before: amountValue.optional(), after: amountValue.optional() })
const documentSchema = z.looseObject({
  format: z.string().optional(),
  chainId: z.number().int().optional(),
  asset: z.looseObject({ address: z.string(), symbol: z.string().optional(), decimals: z.number().int().optional() }).optional(),
  losses: z.array(z.unknown()),
  total: amountValue.optional(),
  afterBlock: z.union([z.string().regex(/^\d+$/), z.number().int().nonnegative()]).optional(),
})

function parseJson(text: string, file: string): Parsed {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    throw new LossesFileError(`${file}: is not valid JSON (${(error as Error).message}): fix the syntax, or write the losses as CSV`)
  }
  const document = documentSchema.safeParse(Array.isArray(value) ? { losses: value } : value)
  if (!document.success) {
    const issue = document.error.issues[0]!
    const path = issue.path.map(String).join('.')
    throw new LossesFileError(`${file}: ${path || 'the document'}: ${issue.message}: expected { "losses": [{ "account": "0x…", "loss": "123" }, …] }`)
  }
  const rows: PlacedRow[] = []
  const seen = new Map<Address, string>()
  document.data.losses.forEach((raw, index) => {
    const where = `${file}: row ${index + 1} (losses[${index}])`
    const shaped = rowSchema.safeParse(raw)
    if (!shaped.success) throw new LossesFileError(`${where}: expected an object with "account" and "loss", got ${JSON.stringify(raw)}`)
    addRow(rows, seen, { row: checkRow(shaped.data, where), where, place: `row ${index + 1}` })
  })
  const declaredTotal = document.data.total === undefined ? undefined : { value: checkAmount(document.data.total, 'total', `${file}: total`), where: `${file}: total` }
  const parsed: Parsed = { format: 'json', ...checkTable(rows, declaredTotal, file) }
  const asset = document.data.asset
  if (asset) parsed.asset = { address: checkAddress(asset.address, `${file}: asset.address`), symbol: asset.symbol, decimals: asset.decimals }
  if (document.data.chainId !== undefined) parsed.chainId = document.data.chainId
  if (document.data.afterBlock !== undefined) parsed.afterBlock = BigInt(document.data.afterBlock)
  return parsed
}
