import type { JournalEntries, JournalEntryType, TypedJournalEntry } from './entries.js'
import type { JournalEntry, JournalHead } from './hashChain.js'

/**
 * What an incident's journal is to the code that records in it, whichever store holds it: the
 * folder's journal.jsonl (`Journal`, the default) or a shared PostgreSQL database (`PgJournal`).
 * Every call is synchronous: `append` returns once the entry is durable, so the action a caller
 * takes next is never ahead of the record.
 */
export interface IncidentJournal {
  /** The incident folder: snapshots, plans and the report live there whichever store holds the journal. */
  readonly dir: string
  /** Where the entries are: journal.jsonl's path, or the database and incident (never a password). */
  readonly path: string
  append<Type extends JournalEntryType>(type: Type, data: JournalEntries[Type]): TypedJournalEntry<Type, JournalEntry>
  entries(): readonly JournalEntry[]
  last(): JournalEntry | undefined
  last<Type extends JournalEntryType>(type: Type): TypedJournalEntry<Type, JournalEntry> | undefined
  last(type: string): JournalEntry | undefined
  filter<Type extends JournalEntryType>(type: Type): TypedJournalEntry<Type, JournalEntry>[]
  filter(type: string): JournalEntry[]
  head(): JournalHead | undefined
}
