import type { JournalEntryType, TypedJournalEntry } from './entries.js'
import type { JournalEntry, JournalHead } from './hashChain.js'

/**
 * The entries a journal holds in this process, and the reads every journal answers the same way,
 * whether it is kept in a folder or shared in a database.
 */
export abstract class KnownEntries {
  /** In chain order; appended to only by the journal itself. */
  protected readonly known: JournalEntry[] = []

  /** Every entry, of whatever type (an older journal may hold types this version no longer writes); `entriesOf` reads one type typed. */
  entries(): readonly JournalEntry[] {
    return this.known
  }

  last(): JournalEntry | undefined
  last<Type extends JournalEntryType>(type: Type): TypedJournalEntry<Type, JournalEntry> | undefined
  last(type: string): JournalEntry | undefined
  last(type?: string): JournalEntry | undefined {
    if (type === undefined) return this.known.at(-1)
    return this.known.findLast((entry) => entry.type === type)
  }

  filter<Type extends JournalEntryType>(type: Type): TypedJournalEntry<Type, JournalEntry>[]
  filter(type: string): JournalEntry[]
  filter(type: string): JournalEntry[] {
    return this.known.filter((entry) => entry.type === type)
  }

  /** The last entry's seq and hash: publish it elsewhere to make rewriting the whole journal evident too. */
  head(): JournalHead | undefined {
    const last = this.known.at(-1)
    return last === undefined ? undefined : { seq: last.seq, hash: last.hash }
  }
}
