import fs from 'node:fs'
import path from 'node:path'
import { FirebreakError } from '../errors.js'
import type { JournalEntries, JournalEntryType, TypedJournalEntry } from './entries.js'
import {
  GENESIS,
  type JournalEntry,
  type JournalHead,
  type JournalLine,
  type JournalProblem,
  type JsonValue,
  hashEntry,
  parseJournalHead,
  parseJournalLine,
  toJsonValue,
  type VerifyChainReturnType,
  verifyChain,
} from './hashChain.js'

export const JOURNAL_FILE = 'journal.jsonl'
export const HEAD_FILE = 'journal.head'

export class JournalNotFoundError extends FirebreakError {
  override name = 'JournalNotFoundError'
  readonly path: string

  constructor(journalPath: string) {
    super(`no incident journal at ${journalPath}`, {
      metaMessages: ['Pass the incident folder (the one holding journal.jsonl) or an incident id.'],
    })
    this.path = journalPath
  }
}

/** The journal failed verification: it is evidence, so firebreak will not write after a break in it. */
export class JournalCorruptError extends FirebreakError {
  override name = 'JournalCorruptError'
  readonly path: string
  readonly problems: JournalProblem[]

  constructor(journalPath: string, problems: JournalProblem[]) {
    const [first, ...others] = problems
    super(`${journalPath}: ${first?.message ?? 'the journal failed verification'}`, {
      metaMessages: [
        ...others.map((problem) => problem.message),
        'Do not edit the journal by hand: restore it from a copy, or open a new incident that refers to this one.',
      ],
    })
    this.path = journalPath
    this.problems = problems
  }
}

/** Someone else wrote to the journal after this process opened it: appending would fork the chain. */
export class JournalConflictError extends FirebreakError {
  override name = 'JournalConflictError'

  constructor(journalPath: string) {
    super(`${journalPath} changed on disk since it was opened — is another firebreak process writing this incident?`, {
      metaMessages: ['Stop the other process, then open the incident again to continue from its last entry.'],
    })
  }
}

// ---------------------------------------------------------------------------------------------
// Reading and verifying a folder

export type ReadJournalReturnType = {
  journalPath: string
  /** Every line of journal.jsonl, malformed ones included, numbered as an editor shows them. */
  lines: JournalLine[]
  /** The well-formed entries, in file order. */
  entries: JournalEntry[]
  head: JournalHead | undefined
  /** Why journal.head could not be read, when it exists but is not a head. */
  headProblem: string | undefined
}

export function readJournal(dir: string): ReadJournalReturnType {
  const journalPath = path.join(dir, JOURNAL_FILE)
  if (!fs.existsSync(journalPath)) throw new JournalNotFoundError(journalPath)
  const lines = splitLines(fs.readFileSync(journalPath, 'utf8')).map((text, index) => parseJournalLine(text, index + 1))
  const entries = lines.flatMap((item) => ('entry' in item ? [item.entry] : []))
  return { journalPath, lines, entries, ...readHead(dir) }
}

function splitLines(content: string): string[] {
  if (content === '') return []
  const lines = content.split('\n')
  if (lines.at(-1) === '') lines.pop()
  return lines
}

function readHead(dir: string): { head: JournalHead | undefined; headProblem: string | undefined } {
  const headPath = path.join(dir, HEAD_FILE)
  if (!fs.existsSync(headPath)) return { head: undefined, headProblem: undefined }
  const head = parseJournalHead(fs.readFileSync(headPath, 'utf8'))
  return { head, headProblem: head === undefined ? 'is not {"seq", "hash"} JSON' : undefined }
}

/** The chain check of an incident folder's journal.jsonl against its journal.head. */
export function verifyJournal(dir: string): VerifyChainReturnType {
  return verifyRead(readJournal(dir))
}

function verifyRead({ lines, entries, head, headProblem }: ReadJournalReturnType): VerifyChainReturnType {
  const result = verifyChain(lines, head)
  const extra = [...headFileProblems(headProblem), ...missingHeadProblems(lines, entries, head, headProblem)]
  if (extra.length === 0) return result
  return { ...result, ok: false, problems: [...extra, ...result.problems].sort((a, b) => a.line - b.line) }
}

function headFileProblems(headProblem: string | undefined): JournalProblem[] {
  if (headProblem === undefined) return []
  return [{ line: 0, kind: 'malformed', message: `${HEAD_FILE} ${headProblem} — the head file was edited or damaged` }]
}

// Only a crash between the very first entry and the first head write leaves a journal without a
// head; anywhere later, a missing head hides whether entries were cut from the end.
function missingHeadProblems(
  lines: readonly JournalLine[],
  entries: readonly JournalEntry[],
  head: JournalHead | undefined,
  headProblem: string | undefined,
): JournalProblem[] {
  if (head !== undefined || headProblem !== undefined || entries.length <= 1) return []
  const lastLine = lines.at(-1)?.line ?? 0
  const message = `${HEAD_FILE} is missing — entries removed from the end of the journal could not be detected`
  return [{ line: lastLine, kind: 'truncated', message }]
}

// ---------------------------------------------------------------------------------------------
// Writing

export type OpenJournalOptions = {
  /** The clock entries are stamped with; tests pass a fixed one. */
  now?: () => Date
}

/**
 * An incident's append-only, hash-chained journal.jsonl. Each `append` is on disk (fsync) before
 * it returns, so whatever the caller does next (send a transaction) is never ahead of the record.
 */
export class Journal {
  readonly dir: string
  readonly path: string
  readonly #now: () => Date
  readonly #entries: JournalEntry[]
  /** Bytes of journal.jsonl this process knows about: any other size means another writer. */
  #size: number
  #endsWithNewline: boolean

  private constructor(dir: string, entries: JournalEntry[], now: () => Date) {
    this.dir = dir
    this.path = path.join(dir, JOURNAL_FILE)
    this.#now = now
    this.#entries = entries.map(deepFreeze)
    const tail = fileTail(this.path)
    this.#size = tail.size
    this.#endsWithNewline = tail.endsWithNewline
  }

  /** Opens (creating the folder if missing) and verifies the journal; refuses one that fails. */
  static open(dir: string, options: OpenJournalOptions = {}): Journal {
    const resolved = path.resolve(dir)
    fs.mkdirSync(resolved, { recursive: true })
    const now = options.now ?? (() => new Date())
    if (!fs.existsSync(path.join(resolved, JOURNAL_FILE))) {
      refuseLostJournal(resolved)
      return new Journal(resolved, [], now)
    }
    const read = readJournal(resolved)
    const { problems } = verifyRead(read)
    if (problems.length > 0) throw new JournalCorruptError(read.journalPath, problems)
    return new Journal(resolved, read.entries, now)
  }

  /**
   * Records one fact, of a type of `JournalEntries` and with that type's data. `data` goes through
   * `toJsonValue`: bigints become decimal strings, secrets are refused.
   */
  append<Type extends JournalEntryType>(type: Type, data: JournalEntries[Type]): TypedJournalEntry<Type, JournalEntry> {
    if (type.trim() === '') throw new FirebreakError('a journal entry needs a type, e.g. "step.sent"')
    const entry = this.#nextEntry(type, toJsonValue(data))
    this.#writeLine(`${JSON.stringify(entry)}\n`)
    this.#entries.push(deepFreeze(entry))
    writeHead(this.dir, { seq: entry.seq, hash: entry.hash })
    return entry as TypedJournalEntry<Type, JournalEntry>
  }

  /** Every entry, of whatever type (an older journal may hold types this version no longer writes); `entriesOf` reads one type typed. */
  entries(): readonly JournalEntry[] {
    return this.#entries
  }

  last(): JournalEntry | undefined
  last<Type extends JournalEntryType>(type: Type): TypedJournalEntry<Type, JournalEntry> | undefined
  last(type: string): JournalEntry | undefined
  last(type?: string): JournalEntry | undefined {
    if (type === undefined) return this.#entries.at(-1)
    return this.#entries.findLast((entry) => entry.type === type)
  }

  filter<Type extends JournalEntryType>(type: Type): TypedJournalEntry<Type, JournalEntry>[]
  filter(type: string): JournalEntry[]
  filter(type: string): JournalEntry[] {
    return this.#entries.filter((entry) => entry.type === type)
  }

  /** The last entry's seq and hash: publish it elsewhere to make rewriting the whole journal evident too. */
  head(): JournalHead | undefined {
    const last = this.#entries.at(-1)
    return last === undefined ? undefined : { seq: last.seq, hash: last.hash }
  }

  #nextEntry(type: string, data: JsonValue): JournalEntry {
    const previous = this.#entries.at(-1)
    const unhashed = {
      seq: previous === undefined ? 0 : previous.seq + 1,
      time: this.#now().toISOString(),
      type,
      data,
      prev: previous?.hash ?? GENESIS,
    }
    return { ...unhashed, hash: hashEntry(unhashed) }
  }

  #writeLine(line: string): void {
    // A hand edit may have dropped the final newline; without one the entry would join the last line.
    const text = this.#endsWithNewline ? line : `\n${line}`
    const fd = fs.openSync(this.path, 'a')
    try {
      if (fs.fstatSync(fd).size !== this.#size) throw new JournalConflictError(this.path)
      fs.writeSync(fd, text)
      fs.fsyncSync(fd)
    } finally {
      fs.closeSync(fd)
    }
    this.#size += Buffer.byteLength(text)
    this.#endsWithNewline = true
  }
}

function fileTail(filePath: string): { size: number; endsWithNewline: boolean } {
  if (!fs.existsSync(filePath)) return { size: 0, endsWithNewline: true }
  const fd = fs.openSync(filePath, 'r')
  try {
    const { size } = fs.fstatSync(fd)
    if (size === 0) return { size, endsWithNewline: true }
    const lastByte = Buffer.alloc(1)
    fs.readSync(fd, lastByte, 0, 1, size - 1)
    return { size, endsWithNewline: lastByte[0] === 0x0a }
  } finally {
    fs.closeSync(fd)
  }
}

// Deleting journal.jsonl must not quietly start a fresh chain in its place.
function refuseLostJournal(dir: string): void {
  const headPath = path.join(dir, HEAD_FILE)
  if (!fs.existsSync(headPath)) return
  const problem: JournalProblem = {
    line: 0,
    kind: 'truncated',
    message: `${HEAD_FILE} exists but ${JOURNAL_FILE} is missing — the journal was deleted`,
  }
  throw new JournalCorruptError(path.join(dir, JOURNAL_FILE), [problem])
}

// Write-then-rename: a crash leaves the old head or the new one, never half of one.
function writeHead(dir: string, head: JournalHead): void {
  const headPath = path.join(dir, HEAD_FILE)
  const temporaryPath = `${headPath}.${process.pid}.tmp`
  const fd = fs.openSync(temporaryPath, 'w')
  try {
    fs.writeSync(fd, `${JSON.stringify(head)}\n`)
    fs.fsyncSync(fd)
  } finally {
    fs.closeSync(fd)
  }
  fs.renameSync(temporaryPath, headPath)
}

// The entries the journal hands out are the ones on disk; a caller changing one in memory must not
// make later readers of this process see something the file does not say.
function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value)
    for (const item of Object.values(value)) deepFreeze(item)
  }
  return value
}
