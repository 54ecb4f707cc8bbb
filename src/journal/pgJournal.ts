import { KnownEntries } from './knownEntries.js'
import fs from 'node:fs'
import path from 'node:path'
import { FirebreakError } from '../errors.js'
import { packageRoot } from '../packageRoot.js'
import type { JournalEntries, JournalEntryType, TypedJournalEntry } from './entries.js'
import { GENESIS, hashEntry, type JournalEntry, type JournalHead, type JournalProblem, type JsonValue, parseJournalLine, toJsonValue, verifyChain } from './hashChain.js'
import type { IncidentJournal } from './incidentJournal.js'
import { JournalCorruptError } from './journal.js'
import { PgBridge, PgBridgeTimeoutError } from './pgBridge.js'
import { recordWrittenHead } from './writtenHeads.js'

/** The environment variable the CLI and `openIncident` read the shared journal's database from. */
export const DATABASE_URL_ENV = 'FIREBREAK_DATABASE_URL'

const CONNECT_TIMEOUT_MS = 10_000
// Waiting for another writer's lock is part of a call; a minute without an answer is a stuck database.
const CALL_TIMEOUT_MS = 60_000

/**
 * The shared journal's database could not be reached or refused a statement. The message names
 * the host only: the URL may carry a password, and error lines end up in chat and tickets.
 */
export class JournalDatabaseError extends FirebreakError {
  override name = 'JournalDatabaseError'
  readonly host: string

  constructor(host: string, reason: string) {
    // One line and nothing more, even with --verbose: what follows the host (pg's reason) is all there is to say.
    super(`journal database at ${host}: ${reason}`)
    this.host = host
  }
}

/** `host:port/database` of a PostgreSQL URL: what may be shown of it. */
export function describeDatabase(databaseUrl: string): { host: string; label: string } {
  let url: URL
  try {
    url = new URL(databaseUrl)
  } catch {
    throw new JournalDatabaseError('(unreadable URL)', 'the database URL is not a URL: expected postgresql://user@host:5432/database')
  }
  // A unix socket is given as ?host=/path; `host` is empty then.
  const host = url.hostname !== '' ? `${url.hostname}${url.port === '' ? '' : `:${url.port}`}` : (url.searchParams.get('host') ?? 'localhost')
  return { host, label: `postgresql://${host}${url.pathname}` }
}

type Database = { bridge: PgBridge; host: string; label: string; secrets: string[] }

// One connection (one worker) per database per process, shared by every incident opened on it.
const databases = new Map<string, Database>()

function connect(databaseUrl: string): Database {
  const known = databases.get(databaseUrl)
  if (known !== undefined) return known
  const { host, label } = describeDatabase(databaseUrl)
  const url = new URL(databaseUrl)
  const secrets = [databaseUrl, url.password, decodedOrSelf(url.password)].filter((secret) => secret.length >= 3)
  const database: Database = { bridge: new PgBridge({ connectionString: databaseUrl, migrations: readMigrations(), connectTimeoutMs: CONNECT_TIMEOUT_MS }), host, label, secrets }
  try {
    call(database, 'connect', {}, CONNECT_TIMEOUT_MS + CALL_TIMEOUT_MS)
  } catch (error) {
    database.bridge.terminate()
    throw error
  }
  databases.set(databaseUrl, database)
  return database
}

function decodedOrSelf(text: string): string {
  try {
    return decodeURIComponent(text)
  } catch {
    return text
  }
}

function call<Value>(database: Database, op: string, args: unknown, timeoutMs = CALL_TIMEOUT_MS): Value {
  let reply
  try {
    reply = database.bridge.call(op, args, timeoutMs)
  } catch (error) {
    if (error instanceof PgBridgeTimeoutError) throw new JournalDatabaseError(database.host, error.message)
    throw error
  }
  if (reply.ok) return reply.value as Value
  // pg's messages name the address it tried, never the URL; scrubbed anyway, in case a driver changes that.
  const reason = database.secrets.reduce((text, secret) => text.split(secret).join('***'), reply.message || reply.code || 'unknown error')
  throw new JournalDatabaseError(database.host, reason)
}

/** migrations/*.sql, in name order: the worker applies those the database has not recorded. */
function readMigrations(): { version: string; sql: string }[] {
  const dir = path.join(packageRoot, 'migrations')
  return fs
    .readdirSync(dir)
    .filter((name) => name.endsWith('.sql'))
    .sort()
    .map((name) => ({ version: name.replace(/\.sql$/, ''), sql: fs.readFileSync(path.join(dir, name), 'utf8') }))
}

/** The id of the incident last opened in the database (ids sort by the time they were opened). */
export function latestDatabaseIncident(databaseUrl: string): string | undefined {
  return call<string | null>(connect(databaseUrl), 'latestIncident', {}) ?? undefined
}

type Fetched = { head: JournalHead | undefined; lines: string[] }

export type OpenPgJournalParameters = {
  databaseUrl: string
  /** The incident whose entries this journal holds. */
  incident: string
  /** The incident folder, for its files; created if missing. */
  dir: string
  now?: () => Date
}

/**
 * An incident's journal in PostgreSQL, which several firebreak processes on several machines
 * append to. Each append is one transaction that locks the incident's row, first takes in what
 * other writers appended since this process last looked, chains the new entry to the true head,
 * inserts it and moves the head: two writers never fork the chain. The head lives in the incidents
 * table as journal.head does beside a folder's journal.
 *
 * `entries()` is what this process knows: it catches up on every append and on `refresh()`.
 */
export class PgJournal extends KnownEntries implements IncidentJournal {
  readonly dir: string
  readonly path: string
  readonly incident: string
  readonly #database: Database
  readonly #now: () => Date

  private constructor(database: Database, parameters: OpenPgJournalParameters) {
    super()
    this.#database = database
    this.incident = parameters.incident
    this.dir = path.resolve(parameters.dir)
    this.path = `${database.label}#${parameters.incident}`
    this.#now = parameters.now ?? (() => new Date())
  }

  /** Connects (applying migrations), reads and verifies the incident's entries; refuses a journal that fails. */
  static open(parameters: OpenPgJournalParameters): PgJournal {
    const journal = new PgJournal(connect(parameters.databaseUrl), parameters)
    fs.mkdirSync(journal.dir, { recursive: true })
    journal.refresh()
    return journal
  }

  /** Takes in the entries other writers appended since; a reader (the war-room page) polls this. */
  refresh(): readonly JournalEntry[] {
    this.#takeIn(call<Fetched>(this.#database, 'read', { incident: this.incident, afterSeq: this.#lastSeq() }))
    return this.known
  }

  append<Type extends JournalEntryType>(type: Type, data: JournalEntries[Type]): TypedJournalEntry<Type, JournalEntry> {
    if (type.trim() === '') throw new FirebreakError('a journal entry needs a type, e.g. "step.sent"')
    return this.#appendLocked(type, toJsonValue(data), false) as TypedJournalEntry<Type, JournalEntry>
  }

  /**
   * Appends only when the journal is still empty once the lock is held, and returns the first
   * entry either way: two processes opening the same new incident record one `incident.opened`.
   */
  appendFirst<Type extends JournalEntryType>(type: Type, data: JournalEntries[Type]): JournalEntry {
    return this.#appendLocked(type, toJsonValue(data), true)
  }


  #appendLocked(type: string, data: JsonValue, onlyIfEmpty: boolean): JournalEntry {
    this.#takeIn(call<Fetched>(this.#database, 'begin', { incident: this.incident, afterSeq: this.#lastSeq() }), true)
    if (onlyIfEmpty && this.known.length > 0) {
      call(this.#database, 'rollback', {})
      return this.known[0] as JournalEntry
    }
    const previous = this.known.at(-1)
    const unhashed = { seq: previous === undefined ? 0 : previous.seq + 1, time: this.#now().toISOString(), type, data, prev: previous?.hash ?? GENESIS }
    const entry: JournalEntry = { ...unhashed, hash: hashEntry(unhashed) }
    const line = JSON.stringify(entry)
    call(this.#database, 'commit', { incident: this.incident, entries: [{ seq: entry.seq, type, prev: entry.prev, hash: entry.hash, line }] })
    this.known.push(deepFreeze(entry))
    recordWrittenHead({ seq: entry.seq, hash: entry.hash, incident: this.incident, dir: this.dir })
    return entry
  }

  #lastSeq(): number {
    return this.known.at(-1)?.seq ?? -1
  }

  /**
   * Adds entries read from the database after checking that they extend the chain this process
   * holds and end at the recorded head. `inTransaction`: a refusal rolls the append's transaction back.
   */
  #takeIn(fetched: Fetched, inTransaction = false): void {
    const problems = this.known.length === 0 ? this.#verifyWhole(fetched) : this.#verifyExtension(fetched)
    if (problems.length > 0) {
      if (inTransaction) call(this.#database, 'rollback', {})
      throw new JournalCorruptError(this.path, problems)
    }
    for (const line of fetched.lines) this.known.push(deepFreeze(JSON.parse(line) as JournalEntry))
  }

  // The first read checks the whole chain, with verifyChain's messages.
  #verifyWhole({ head, lines }: Fetched): JournalProblem[] {
    const parsed = lines.map((text, index) => parseJournalLine(text, index + 1))
    const recorded = head === undefined || head.seq < 0 ? undefined : head
    const { problems } = verifyChain(parsed, recorded)
    if (recorded === undefined && lines.length > 0) {
      problems.push({ line: 0, kind: 'truncated', message: `the incidents row records no head but ${lines.length} entries exist — the table was edited` })
    }
    const first = parsed[0]
    const opened = first !== undefined && 'entry' in first && first.entry.type === 'incident.opened' ? (first.entry.data as { id?: unknown } | null)?.id : undefined
    if (typeof opened === 'string' && opened !== this.incident) {
      problems.push({ line: 1, seq: 0, kind: 'foreign', message: `line 1 (seq 0): the journal was opened for incident "${opened}" but is stored as incident "${this.incident}"` })
    }
    return problems
  }

  // Later reads are checked entry by entry against the last one held: the cost of an append stays
  // that of the entries it takes in, not of the whole journal.
  #verifyExtension({ head, lines }: Fetched): JournalProblem[] {
    let previous = this.known.at(-1) as JournalEntry
    for (const text of lines) {
      const parsed = parseJournalLine(text, previous.seq + 2)
      const at = `seq ${previous.seq + 1}`
      if (!('entry' in parsed)) return [{ line: parsed.line, kind: 'malformed', message: `${at}: ${parsed.malformed}` }]
      const { entry } = parsed
      if (entry.seq !== previous.seq + 1) return [{ line: parsed.line, seq: entry.seq, kind: 'reordered', message: `${at}: the database holds seq ${entry.seq} after seq ${previous.seq}` }]
      if (hashEntry(entry) !== entry.hash) return [{ line: parsed.line, seq: entry.seq, kind: 'edited', message: `${at}: content does not match its hash — the entry was edited` }]
      if (entry.prev !== previous.hash) return [{ line: parsed.line, seq: entry.seq, kind: 'edited', message: `${at}: prev does not match the hash of seq ${previous.seq} — one of them was rewritten` }]
      previous = entry
    }
    if (head !== undefined && (head.seq !== previous.seq || head.hash !== previous.hash)) {
      return [{ line: previous.seq + 1, seq: previous.seq, kind: 'truncated', message: `the incidents row records head seq ${head.seq} but the entries end at seq ${previous.seq} — the table was edited` }]
    }
    return []
  }
}

// The entries handed out are the ones in the database; a caller changing one in memory must not
// make later readers in this process see something the database does not say.
function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value)
    for (const item of Object.values(value)) deepFreeze(item)
  }
  return value
}

/**
 * An incident's entries in the database exactly as stored, unverified (an export is evidence: a
 * broken chain is exported as it is, for `journal verify` to show).
 */
export function readDatabaseJournal(databaseUrl: string, incident: string): { head: JournalHead | undefined; lines: string[] } {
  const fetched = call<Fetched>(connect(databaseUrl), 'read', { incident, afterSeq: -1 })
  return { head: fetched.head === undefined || fetched.head.seq < 0 ? undefined : fetched.head, lines: fetched.lines }
}

/** The incident is in the database with entries that are not the ones being imported. */
export class IncidentChainMismatchError extends FirebreakError {
  override name = 'IncidentChainMismatchError'

  constructor(incident: string, seq: number) {
    super(`incident "${incident}" is already in the database with a different chain (they differ at seq ${seq})`, {
      metaMessages: ['Two journals of one incident id: keep the one in the database, or import the other under a new incident id.'],
    })
  }
}

/**
 * Stores a verified chain as `incident`'s journal, under the incident's lock. Entries the database
 * already holds must be the same ones (an import run twice, or of a longer copy, adds only the rest).
 */
export function storeVerifiedChain(databaseUrl: string, incident: string, entries: readonly { entry: JournalEntry; line: string }[]): { added: number; alreadyStored: number } {
  const database = connect(databaseUrl)
  const existing = call<Fetched>(database, 'begin', { incident, afterSeq: -1 }).lines
  for (const [index, line] of existing.entries()) {
    const stored = JSON.parse(line) as JournalEntry
    if (entries[index]?.entry.hash !== stored.hash) {
      call(database, 'rollback', {})
      throw new IncidentChainMismatchError(incident, stored.seq)
    }
  }
  const rest = entries.slice(existing.length)
  const rows = rest.map(({ entry, line }) => ({ seq: entry.seq, type: entry.type, prev: entry.prev, hash: entry.hash, line }))
  call(database, 'commit', { incident, entries: rows })
  return { added: rest.length, alreadyStored: existing.length }
}
