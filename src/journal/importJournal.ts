import path from 'node:path'
import type { JournalEntry, JournalHead } from './hashChain.js'
import { JournalCorruptError, readJournal, verifyJournal } from './journal.js'
import { storeVerifiedChain } from './pgJournal.js'

export type ImportJournalParameters = {
  databaseUrl: string
  /** An incident folder (journal.jsonl and journal.head), as `journal export` or a firebreak run writes it. */
  dir: string
}

export type ImportJournalReturnType = { incident: string; added: number; alreadyStored: number; head: JournalHead | undefined }

/**
 * Loads an incident folder's journal into the shared database, so a war room continues an incident
 * begun on one laptop. Only an intact journal is loaded (a broken one stays evidence in its folder),
 * and never over another chain of the same incident id.
 */
export function importJournal({ databaseUrl, dir }: ImportJournalParameters): ImportJournalReturnType {
  const verified = verifyJournal(dir)
  const read = readJournal(dir)
  if (!verified.ok) throw new JournalCorruptError(read.journalPath, verified.problems)
  const entries = read.lines.flatMap((item) => ('entry' in item ? [{ entry: item.entry, line: JSON.stringify(item.entry) }] : []))
  const incident = openedId(entries[0]?.entry) ?? path.basename(path.resolve(dir))
  const stored = storeVerifiedChain(databaseUrl, incident, entries)
  const last = entries.at(-1)?.entry
  return { incident, ...stored, head: last === undefined ? undefined : { seq: last.seq, hash: last.hash } }
}

function openedId(first: JournalEntry | undefined): string | undefined {
  if (first?.type !== 'incident.opened') return undefined
  const id = (first.data as { id?: unknown } | null)?.id
  return typeof id === 'string' ? id : undefined
}
