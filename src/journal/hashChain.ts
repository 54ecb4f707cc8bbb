import { createHash } from 'node:crypto'
import type { Hex } from 'viem'
import { FirebreakError } from '../errors.js'

/**
 * The pure core of the incident journal: what an entry is, how it is hashed, how a chain of
 * entries is checked. No I/O here; `journal.ts` reads and writes the files around it.
 */

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue }

export type JournalEntry = {
  seq: number
  /** ISO 8601, UTC. */
  time: string
  /** What happened, dotted: `incident.opened`, `step.sent`, `check.passed`. */
  type: string
  data: JsonValue
  /** `hash` of the entry before this one; `GENESIS` for seq 0. */
  prev: Hex
  hash: Hex
}

export type UnhashedEntry = Omit<JournalEntry, 'hash'>

/** The last entry as the writer recorded it beside the journal, so a cut-off tail shows. */
export type JournalHead = { seq: number; hash: Hex }

/** One line of journal.jsonl: an entry, or text that could not be read as one. */
export type JournalLine =
  | { line: number; entry: JournalEntry }
  | { line: number; malformed: string; /** recovered from the text when possible */ seq?: number; text?: string }

/**
 * `torn` and `unconfirmed` are what a crash in the middle of an append leaves (see
 * `JournalVerdict`); every other kind is an edit. `appended`: entries beyond journal.head;
 * `foreign`: another incident's journal; `anchor`: the journal no longer extends an anchor.
 */
export type JournalProblemKind =
  | 'malformed'
  | 'edited'
  | 'removed'
  | 'reordered'
  | 'truncated'
  | 'torn'
  | 'unconfirmed'
  | 'appended'
  | 'foreign'
  | 'anchor'

/**
 * `interrupted`: the only damage is the one a crash between (or during) an append's two writes
 * leaves, a torn last line or a last entry journal.head does not confirm yet; the next run on the
 * incident repairs it and journals the repair. `tampered`: anything else.
 */
export type JournalVerdict = 'intact' | 'interrupted' | 'tampered'

export type JournalProblem = {
  /** 1-based line of journal.jsonl where to look; 0 when the problem is in journal.head. */
  line: number
  seq?: number
  kind: JournalProblemKind
  message: string
}

export type VerifyChainReturnType = { ok: boolean; verdict: JournalVerdict; count: number; problems: JournalProblem[] }

export type VerifyChainOptions = {
  /** The file did not end with a newline: its last line may be a write cut short. */
  unterminated?: boolean
}

export const GENESIS: Hex = `0x${'00'.repeat(32)}`

// ---------------------------------------------------------------------------------------------
// Hashing

export function hashEntry({ seq, time, type, data, prev }: UnhashedEntry): Hex {
  const digest = createHash('sha256').update(canonicalJson({ seq, time, type, data, prev })).digest('hex')
  return `0x${digest}`
}

/** JSON with object keys sorted at every depth, so the same entry always hashes the same. */
export function canonicalJson(value: JsonValue): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  if (value !== null && typeof value === 'object') {
    const fields = Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key] as JsonValue)}`)
    return `{${fields.join(',')}}`
  }
  return JSON.stringify(value)
}

// ---------------------------------------------------------------------------------------------
// Making data safe to journal

// Normalised (lower case, letters and digits only) fragments of field names that hold secrets.
// Matching fragments rather than whole names also catches `PRIVATE_KEY`, `deployerPrivateKey`,
// `keystorePassword`: a key journaled once is a key leaked with every copy of the report.
const SECRET_NAME_FRAGMENTS = ['privatekey', 'mnemonic', 'secret', 'password', 'passphrase']

export class SecretInJournalError extends FirebreakError {
  override name = 'SecretInJournalError'
  readonly path: string

  constructor(path: string) {
    super(`refusing to journal ${path}: a field named like a secret must never reach the incident journal`, {
      metaMessages: ['Journal what the secret controls (an address, a keystore name) instead of the secret itself.'],
    })
    this.path = path
  }
}

export function isSecretName(name: string): boolean {
  const normalised = name.toLowerCase().replace(/[^a-z0-9]/g, '')
  return SECRET_NAME_FRAGMENTS.some((fragment) => normalised.includes(fragment))
}

/**
 * Turns whatever a caller observed into JSON that hashes the same after a round trip through the
 * file: bigint → decimal string, undefined fields dropped, Error → {name, message}.
 * Throws SecretInJournalError for any field named like a secret.
 */
export function toJsonValue(value: unknown): JsonValue {
  return convert(value, 'data', [])
}

function convert(value: unknown, path: string, ancestors: object[]): JsonValue {
  if (value === null || value === undefined) return null
  if (typeof value === 'string' || typeof value === 'boolean') return value
  // NaN and Infinity would silently become null in JSON; keep what was observed.
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value)
  if (typeof value === 'bigint') return value.toString()
  if (typeof value !== 'object') return null // functions and symbols, as JSON.stringify does in arrays
  if (ancestors.includes(value)) throw new FirebreakError(`cannot journal ${path}: it refers back to itself`)
  return convertObject(value, path, [...ancestors, value])
}

function convertObject(value: object, path: string, ancestors: object[]): JsonValue {
  if (value instanceof Error) return { name: value.name, message: value.message }
  if (value instanceof Uint8Array) return `0x${Buffer.from(value).toString('hex')}`
  if (Array.isArray(value) || value instanceof Set) {
    return [...value].map((item, index) => convert(item, `${path}[${index}]`, ancestors))
  }
  if (value instanceof Map) return convertFields([...value].map(([key, item]) => [String(key), item]), path, ancestors)
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    return convert((value as { toJSON: () => unknown }).toJSON(), path, ancestors)
  }
  return convertFields(Object.entries(value), path, ancestors)
}

function convertFields(fields: [string, unknown][], path: string, ancestors: object[]): JsonValue {
  const result: { [key: string]: JsonValue } = {}
  for (const [key, item] of fields) {
    const fieldPath = `${path}.${key}`
    if (isSecretName(key)) throw new SecretInJournalError(fieldPath)
    if (item === undefined || typeof item === 'function' || typeof item === 'symbol') continue
    result[key] = convert(item, fieldPath, ancestors)
  }
  return result
}

// ---------------------------------------------------------------------------------------------
// Reading one line

const HASH_PATTERN = /^0x[0-9a-f]{64}$/
const ENTRY_FIELDS = ['seq', 'time', 'type', 'data', 'prev', 'hash']

/** Never throws: a line that is not an entry comes back as `malformed` so verification can name it. */
export function parseJournalLine(text: string, line: number): JournalLine {
  if (text.trim() === '') return { line, malformed: 'the line is empty' }
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    return withRecoveredSeq({ line, malformed: 'the line is not valid JSON', text }, text)
  }
  const shapeProblem = entryShapeProblem(parsed)
  if (shapeProblem === undefined) return { line, entry: parsed as JournalEntry }
  const seq = (parsed as { seq?: unknown } | null)?.seq
  return isSeq(seq) ? { line, malformed: shapeProblem, seq } : { line, malformed: shapeProblem }
}

// A write cut short by a crash leaves `{"seq":12,"time":...` without its end; knowing its seq
// keeps that line from also being reported as a removed entry.
/** journal.head's content, or undefined when it is not `{"seq", "hash"}`. */
export function parseJournalHead(text: string): JournalHead | undefined {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return undefined
  }
  const { seq, hash } = (value ?? {}) as Record<string, unknown>
  if (!isSeq(seq) || typeof hash !== 'string' || !HASH_PATTERN.test(hash)) return undefined
  return { seq, hash: hash as Hex }
}

function withRecoveredSeq(malformed: { line: number; malformed: string; text: string }, text: string): JournalLine {
  const match = /^\s*\{\s*"seq"\s*:\s*(\d+)\s*[,}]/.exec(text)
  return match?.[1] === undefined ? malformed : { ...malformed, seq: Number(match[1]) }
}

function entryShapeProblem(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return 'the line is not a JSON object'
  const entry = value as Record<string, unknown>
  const extra = Object.keys(entry).find((key) => !ENTRY_FIELDS.includes(key))
  // A field outside the hash could carry anything without breaking the chain.
  if (extra !== undefined) return `unexpected field "${extra}"`
  if (!isSeq(entry.seq)) return 'seq is not a non-negative integer'
  if (typeof entry.time !== 'string') return 'time is not a string'
  if (typeof entry.type !== 'string') return 'type is not a string'
  if (!('data' in entry)) return 'data is missing'
  if (typeof entry.prev !== 'string' || !HASH_PATTERN.test(entry.prev)) return 'prev is not a 32-byte hex hash'
  if (typeof entry.hash !== 'string' || !HASH_PATTERN.test(entry.hash)) return 'hash is not a 32-byte hex hash'
  return undefined
}

function isSeq(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0
}

/**
 * Whether `text`, the unterminated last line of a journal, is what an append cut short leaves:
 * the start of entry `seq` exactly as `JSON.stringify` writes it (`{"seq":12,"time":…`), with
 * nothing after the cut. A power cut may also leave the end of the write as zero bytes.
 */
export function isTornWrite(text: string, seq: number): boolean {
  const written = text.replace(/\0+$/, '')
  const start = `{"seq":${seq},`
  return written.length < start.length ? start.startsWith(written) : written.startsWith(start)
}

// ---------------------------------------------------------------------------------------------
// Verifying a chain

type NumberedEntry = { line: number; entry: JournalEntry }

/**
 * Checks every entry's hash, the seq order, the prev links and, given the recorded head, that
 * nothing was cut from the end. Each problem is reported once, at the line to look at.
 * Entries without line numbers are numbered 1, 2, 3… in the order given.
 */
export function verifyChain(
  entries: readonly JournalEntry[] | readonly JournalLine[],
  head?: JournalHead,
  options: VerifyChainOptions = {},
): VerifyChainReturnType {
  const numbered = entries.map((item, index): JournalLine => ('line' in item ? item : { line: index + 1, entry: item }))
  const torn = options.unterminated ? tornLastLine(numbered, head) : undefined
  const lines = torn === undefined ? numbered : numbered.slice(0, -1)
  const wellFormed = lines.filter((item): item is NumberedEntry => 'entry' in item)
  // A head recording the torn entry itself: the disk kept the head's rename but lost the end of
  // the entry written before it (a drive cache that acknowledged an fsync it had not done).
  const checkedHead = torn !== undefined && head?.seq === torn.seq ? undefined : head
  const problems = [
    ...malformedProblems(lines),
    ...editedProblems(wellFormed),
    ...orderProblems(lines),
    ...linkProblems(wellFormed),
    ...removedProblems(lines),
    ...(checkedHead === undefined ? [] : headProblems(lines, wellFormed, checkedHead)),
    ...(torn === undefined ? [] : [torn]),
  ].sort((a, b) => a.line - b.line)
  return { ok: problems.length === 0, verdict: verdictOf(problems), count: wellFormed.length, problems }
}

export function verdictOf(problems: readonly JournalProblem[]): JournalVerdict {
  if (problems.length === 0) return 'intact'
  return problems.every((problem) => problem.kind === 'torn' || problem.kind === 'unconfirmed') ? 'interrupted' : 'tampered'
}

function tornLastLine(lines: readonly JournalLine[], head: JournalHead | undefined): JournalProblem | undefined {
  const last = lines.at(-1)
  if (last === undefined || !('malformed' in last) || last.text === undefined) return undefined
  const before = lastWithSeq(lines.slice(0, -1))
  const seq = before === undefined ? 0 : before.seq + 1
  if (!isTornWrite(last.text, seq)) return undefined
  // A head beyond the torn entry means entries after it were cut: that is not one interrupted write.
  if (head !== undefined && head.seq > seq) return undefined
  const confirmed = head?.seq === seq ? ' (journal.head records it: the disk lost the end of a write it reported done)' : ''
  const message = `${where({ line: last.line, seq })}: torn last line — the write of this entry was cut short (a crash or a full disk)${confirmed}; the next command on this incident repairs it`
  return { line: last.line, seq, kind: 'torn', message }
}

function where({ line, seq }: { line: number; seq?: number | undefined }): string {
  return seq === undefined ? `line ${line}` : `line ${line} (seq ${seq})`
}

function malformedProblems(lines: readonly JournalLine[]): JournalProblem[] {
  return lines.flatMap((item) =>
    'malformed' in item
      ? [{ line: item.line, seq: item.seq, kind: 'malformed' as const, message: `${where(item)}: ${item.malformed}` }]
      : [],
  )
}

function editedProblems(entries: readonly NumberedEntry[]): JournalProblem[] {
  return entries
    .filter(({ entry }) => hashEntry(entry) !== entry.hash)
    .map(({ line, entry }) => ({
      line,
      seq: entry.seq,
      kind: 'edited' as const,
      message: `${where({ line, seq: entry.seq })}: content does not match its hash — the entry was edited`,
    }))
}

// Compared with the line just before, so one entry moved out of place is one problem, not many.
function orderProblems(lines: readonly JournalLine[]): JournalProblem[] {
  const problems: JournalProblem[] = []
  const firstLineOfSeq = new Map<number, number>()
  let previous: { line: number; seq: number } | undefined
  for (const item of lines) {
    const seq = seqOf(item)
    if (seq === undefined) continue
    const earlierLine = firstLineOfSeq.get(seq)
    if (earlierLine !== undefined) {
      problems.push({
        line: item.line,
        seq,
        kind: 'reordered',
        message: `${where({ line: item.line, seq })}: seq ${seq} already appears on line ${earlierLine} — the entry was duplicated`,
      })
    } else if (previous !== undefined && seq < previous.seq) {
      problems.push({
        line: item.line,
        seq,
        kind: 'reordered',
        message: `${where({ line: item.line, seq })}: comes after seq ${previous.seq} on line ${previous.line} — entries are out of order`,
      })
    }
    if (earlierLine === undefined) firstLineOfSeq.set(seq, item.line)
    previous = { line: item.line, seq }
  }
  return problems
}

// Links are followed by seq, not by position, so a swapped pair is reported as reordered only.
function linkProblems(entries: readonly NumberedEntry[]): JournalProblem[] {
  const bySeq = new Map<number, NumberedEntry>()
  for (const item of entries) if (!bySeq.has(item.entry.seq)) bySeq.set(item.entry.seq, item)
  return entries.flatMap(({ line, entry }): JournalProblem[] => {
    const at = where({ line, seq: entry.seq })
    if (entry.seq === 0) {
      if (entry.prev === GENESIS) return []
      return [{ line, seq: 0, kind: 'edited', message: `${at}: prev is not the genesis hash — the start of the journal was rewritten` }]
    }
    const before = bySeq.get(entry.seq - 1)
    if (before === undefined || before.entry.hash === entry.prev) return []
    const message = `${at}: prev does not match the hash of seq ${entry.seq - 1} on line ${before.line} — one of them was rewritten`
    return [{ line, seq: entry.seq, kind: 'edited', message }]
  })
}

function removedProblems(lines: readonly JournalLine[]): JournalProblem[] {
  const present = new Map<number, number>()
  for (const item of lines) {
    const seq = seqOf(item)
    if (seq !== undefined && !present.has(seq)) present.set(seq, item.line)
  }
  const problems: JournalProblem[] = []
  let highest = -1
  for (const seq of present.keys()) if (seq > highest) highest = seq
  for (let seq = 0; seq < highest; seq++) {
    if (present.has(seq)) continue
    let next = seq + 1
    while (!present.has(next)) next++
    const line = present.get(next) as number
    const missing = next - seq
    const message =
      missing === 1
        ? `${where({ line, seq: next })}: seq ${seq} is missing before it — the entry was removed`
        : `${where({ line, seq: next })}: seq ${seq}–${next - 1} are missing before it — ${missing} entries were removed`
    problems.push({ line, seq, kind: 'removed', message })
    seq = next
  }
  return problems
}

// The head is written after each entry is on disk, so one entry beyond the head, at the end, may be
// a crash between the two writes; more than one is not. A head beyond the last entry means entries
// were cut off.
function headProblems(lines: readonly JournalLine[], entries: readonly NumberedEntry[], head: JournalHead): JournalProblem[] {
  const atHead = entries.find(({ entry }) => entry.seq === head.seq)
  if (atHead !== undefined) {
    if (atHead.entry.hash === head.hash) return beyondHeadProblems(lines, entries, head)
    const message = `${where({ line: atHead.line, seq: head.seq })}: hash differs from the one recorded in the head — the entry was rewritten`
    return [{ line: atHead.line, seq: head.seq, kind: 'edited', message }]
  }
  const last = lastWithSeq(lines)
  if (last === undefined) {
    const message = `line 1: the journal has no entries but the head records seq ${head.seq} — all ${head.seq + 1} entries were removed`
    return [{ line: 1, seq: 0, kind: 'truncated', message }]
  }
  // A head seq inside the journal that is missing is already reported as a removed entry.
  if (last.seq >= head.seq) return []
  const removed = head.seq - last.seq
  const message = `${where(last)}: the head records seq ${head.seq} after it — the last ${removed === 1 ? 'entry was' : `${removed} entries were`} removed`
  return [{ line: last.line, seq: last.seq + 1, kind: 'truncated', message }]
}

function beyondHeadProblems(lines: readonly JournalLine[], entries: readonly NumberedEntry[], head: JournalHead): JournalProblem[] {
  const beyond = entries.filter(({ entry }) => entry.seq > head.seq)
  const [first] = beyond
  if (first === undefined) return []
  if (beyond.length === 1 && first.entry.seq === head.seq + 1 && first.line === lines.at(-1)?.line) {
    const message = `${where({ line: first.line, seq: first.entry.seq })}: last entry not confirmed by journal.head (seq ${head.seq}) — a crash between writing the entry and its head, or an entry added by hand; the next command on this incident confirms it and journals that`
    return [{ line: first.line, seq: first.entry.seq, kind: 'unconfirmed', message }]
  }
  const last = beyond.at(-1) as NumberedEntry
  const message = `${where({ line: first.line, seq: first.entry.seq })}: ${beyond.length} entries (seq ${first.entry.seq}–${last.entry.seq}) are beyond journal.head (seq ${head.seq}) — a crash leaves at most one: entries were appended by hand`
  return [{ line: first.line, seq: first.entry.seq, kind: 'appended', message }]
}

/**
 * Where `anchor` (a head hash published earlier) sits in the journal, or the problem when it is
 * not there: entries up to it were removed or rewritten since, even if the chain is consistent.
 */
export function findAnchor(
  entries: readonly JournalEntry[] | readonly JournalLine[],
  anchor: Hex,
): { seq: number; line: number; entriesAfter: number } | JournalProblem {
  const numbered = entries.map((item, index): JournalLine => ('line' in item ? item : { line: index + 1, entry: item }))
  const wellFormed = numbered.filter((item): item is NumberedEntry => 'entry' in item)
  const wanted = anchor.toLowerCase()
  const found = wellFormed.find(({ entry }) => entry.hash === wanted)
  if (found === undefined) {
    const message = `anchor ${anchor} is not in the journal — the entries up to it were removed or rewritten since the anchor was taken`
    return { line: 0, kind: 'anchor', message }
  }
  return { seq: found.entry.seq, line: found.line, entriesAfter: wellFormed.filter(({ entry }) => entry.seq > found.entry.seq).length }
}

function lastWithSeq(lines: readonly JournalLine[]): { line: number; seq: number } | undefined {
  let last: { line: number; seq: number } | undefined
  for (const item of lines) {
    const seq = seqOf(item)
    if (seq !== undefined && (last === undefined || seq > last.seq)) last = { line: item.line, seq }
  }
  return last
}

function seqOf(item: JournalLine): number | undefined {
  return 'entry' in item ? item.entry.seq : item.seq
}
