import { existsSync, statSync } from 'node:fs'
import { join } from 'node:path'
import type { JournalEntry } from '../journal/hashChain.js'
import { JOURNAL_FILE, readJournal } from '../journal/journal.js'

/**
 * The journal entries after `afterSeq`, in order. The page is written against this alone, so a
 * journal kept elsewhere (a shared database) serves it by providing its own reader.
 */
export type JournalReader = (afterSeq: number) => readonly JournalEntry[] | Promise<readonly JournalEntry[]>

/** Reads an incident folder's journal.jsonl, again only when the file has grown. */
export function fileJournalReader(dir: string): JournalReader {
  const path = join(dir, JOURNAL_FILE)
  let knownSize = -1
  return (afterSeq) => {
    if (!existsSync(path)) return []
    const size = statSync(path).size
    if (size === knownSize) return []
    const { entries, unterminated } = readJournal(dir)
    // A line still being written is read on the next poll, whole.
    const complete = unterminated ? entries.slice(0, -1) : entries
    if (!unterminated) knownSize = size
    return complete.filter((entry) => entry.seq > afterSeq)
  }
}

/** Reads a journal that catches up on other writers' appends when asked: the shared PostgreSQL journal. */
export function refreshingJournalReader(journal: { refresh(): readonly JournalEntry[] }): JournalReader {
  return (afterSeq) => journal.refresh().filter((entry) => entry.seq > afterSeq)
}
