import { KnownEntries } from './knownEntries.js'
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import type { Hex } from 'viem'
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
  verdictOf,
  verifyChain,
  findAnchor,
} from './hashChain.js'
import type { IncidentJournal } from './incidentJournal.js'
import { recordWrittenHead } from './writtenHeads.js'

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
    const interrupted = verdictOf(problems) === 'interrupted'
    super(`${journalPath}: ${first?.message ?? 'the journal failed verification'}`, {
      metaMessages: [
        ...others.map((problem) => problem.message),
        interrupted
          ? 'A command that writes to this incident (contain, upgrade, migrate, …) repairs it first and journals the repair.'
          : 'Do not edit the journal by hand: restore it from a copy, or open a new incident that refers to this one.',
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
  /** The file does not end with a newline: its last line may be a write cut short. */
  unterminated: boolean
}

export function readJournal(dir: string): ReadJournalReturnType {
  const journalPath = path.join(dir, JOURNAL_FILE)
  if (!fs.existsSync(journalPath)) throw new JournalNotFoundError(journalPath)
  const content = fs.readFileSync(journalPath, 'utf8')
  const lines = splitLines(content).map((text, index) => parseJournalLine(text, index + 1))
  const entries = lines.flatMap((item) => ('entry' in item ? [item.entry] : []))
  return { journalPath, lines, entries, ...readHead(dir), unterminated: content !== '' && !content.endsWith('\n') }
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

export type VerifyJournalOptions = {
  /** A head hash published earlier (printed as `journal head <hash>`): the journal must still extend it. */
  anchor?: Hex
}

export type VerifyJournalReturnType = VerifyChainReturnType & {
  /** Where the anchor sits, when one was given and found. */
  anchor?: { hash: Hex; seq: number; line: number; entriesAfter: number }
}

/**
 * The chain check of an incident folder's journal.jsonl against its journal.head, the incident
 * its folder is named after and, given one, an anchor.
 */
export function verifyJournal(dir: string, options: VerifyJournalOptions = {}): VerifyJournalReturnType {
  const read = readJournal(dir)
  const result = verifyRead(read, path.basename(path.resolve(dir)))
  if (options.anchor === undefined) return result
  const anchored = findAnchor(read.lines, options.anchor)
  if ('kind' in anchored) return withProblems(result, [anchored])
  return { ...result, anchor: { hash: options.anchor, ...anchored } }
}

/** `incident`: the id the journal's folder stands for, when it must be that incident's journal. */
function verifyRead({ lines, entries, head, headProblem, unterminated }: ReadJournalReturnType, incident: string | undefined): VerifyChainReturnType {
  const result = verifyChain(lines, head, { unterminated })
  return withProblems(result, [
    ...headFileProblems(headProblem),
    ...missingHeadProblems(lines, entries, head, headProblem),
    ...(incident === undefined ? [] : foreignIncidentProblems(entries, incident)),
  ])
}

function withProblems(result: VerifyChainReturnType, extra: JournalProblem[]): VerifyChainReturnType {
  if (extra.length === 0) return result
  const problems = [...extra, ...result.problems].sort((a, b) => a.line - b.line)
  return { ...result, ok: false, verdict: verdictOf(problems), problems }
}

// An incident's folder is named by its id (openIncident), and entry 0 records that id: a journal
// whose first entry names another incident was copied here from that incident's folder.
function foreignIncidentProblems(entries: readonly JournalEntry[], folder: string): JournalProblem[] {
  const [first] = entries
  if (first?.seq !== 0 || first.type !== 'incident.opened') return []
  const recorded = (first.data as { id?: unknown } | null)?.id
  if (typeof recorded !== 'string' || recorded === folder) return []
  const message = `line 1 (seq 0): the journal was opened for incident "${recorded}" but sits in the folder of incident "${folder}" — another incident's journal was copied here (or the folder was renamed: name it "${recorded}" again)`
  return [{ line: 1, seq: 0, kind: 'foreign', message }]
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
  /**
   * Repair what a crash in the middle of an append left (a torn last line, a last entry the head
   * does not confirm) and journal the repair, instead of refusing the journal. Edits are refused
   * either way.
   */
  repair?: boolean
  /**
   * The incident the journal must be the journal of: one whose entry 0 opened another incident is
   * refused, so that this incident's actions are never recorded (and de-duplicated) in another's.
   * Left out, a journal copied to a folder of another name (an auditor's copy) still opens.
   */
  incident?: string
}

/** What `Journal.open({ repair: true })` found and did, as the `journal.repaired` entry records it. */
export type JournalRepair = JournalEntries['journal.repaired']

/**
 * An incident's append-only, hash-chained journal.jsonl. Each `append` is on disk (fsync) before
 * it returns, so whatever the caller does next (send a transaction) is never ahead of the record.
 */
export class Journal extends KnownEntries implements IncidentJournal {
  readonly dir: string
  readonly path: string
  readonly #now: () => Date
  /** Bytes of journal.jsonl this process knows about: any other size means another writer. */
  #size: number
  #endsWithNewline: boolean
  /** Repairs to journal once there is an entry to chain them to (a torn entry 0 leaves none). */
  #pendingRepairs: JournalRepair[] = []

  private constructor(dir: string, entries: JournalEntry[], now: () => Date) {
    super()
    this.dir = dir
    this.path = path.join(dir, JOURNAL_FILE)
    this.#now = now
    this.known.push(...entries.map(deepFreeze))
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
    const { verdict, problems } = verifyRead(read, options.incident)
    if (verdict === 'intact') return new Journal(resolved, read.entries, now)
    if (verdict !== 'interrupted' || options.repair !== true) throw new JournalCorruptError(read.journalPath, problems)
    const repairs = problems.map((problem) => repairInterruptedWrite(read, problem))
    const journal = new Journal(resolved, read.entries, now)
    journal.#pendingRepairs = repairs
    if (read.entries.length > 0) journal.#recordRepairs()
    return journal
  }

  /** The repairs `open` made, journaled before anything else this process appends. */
  #recordRepairs(): void {
    const repairs = this.#pendingRepairs
    this.#pendingRepairs = []
    for (const repair of repairs) this.append('journal.repaired', repair)
  }

  /**
   * Records one fact, of a type of `JournalEntries` and with that type's data. `data` goes through
   * `toJsonValue`: bigints become decimal strings, secrets are refused.
   */
  append<Type extends JournalEntryType>(type: Type, data: JournalEntries[Type]): TypedJournalEntry<Type, JournalEntry> {
    if (type.trim() === '') throw new FirebreakError('a journal entry needs a type, e.g. "step.sent"')
    const entry = this.#nextEntry(type, toJsonValue(data))
    this.#writeLine(`${JSON.stringify(entry)}\n`)
    this.known.push(deepFreeze(entry))
    writeHead(this.dir, { seq: entry.seq, hash: entry.hash })
    recordWrittenHead({ seq: entry.seq, hash: entry.hash, incident: this.#incidentId(), dir: this.dir })
    if (this.#pendingRepairs.length > 0) this.#recordRepairs()
    return entry as TypedJournalEntry<Type, JournalEntry>
  }


  #incidentId(): string {
    const opened = this.known[0]
    const id = opened?.type === 'incident.opened' ? (opened.data as { id?: unknown } | null)?.id : undefined
    return typeof id === 'string' ? id : path.basename(this.dir)
  }

  #nextEntry(type: string, data: JsonValue): JournalEntry {
    const previous = this.known.at(-1)
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

/**
 * Undoes what one interrupted append left. A torn line is cut off the file (its bytes go into the
 * repair entry, so nothing is lost from the evidence); an entry the head did not confirm stays,
 * and the repair entry after it moves the head past it.
 */
function repairInterruptedWrite(read: ReadJournalReturnType, problem: JournalProblem): JournalRepair {
  if (problem.kind === 'unconfirmed') {
    const entry = read.entries.find(({ seq }) => seq === problem.seq) as JournalEntry
    return { problem: 'entry-beyond-head', line: problem.line, seq: entry.seq, hash: entry.hash, headSeq: read.head?.seq ?? -1 }
  }
  const content = fs.readFileSync(read.journalPath)
  const start = content.lastIndexOf(0x0a) + 1
  const torn = content.subarray(start)
  fs.truncateSync(read.journalPath, start)
  return {
    problem: 'torn-last-line',
    line: problem.line,
    seq: problem.seq ?? 0,
    bytes: torn.length,
    sha256: `0x${createHash('sha256').update(torn).digest('hex')}`,
    text: torn.toString('utf8'),
    confirmedByHead: read.head?.seq === problem.seq,
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
