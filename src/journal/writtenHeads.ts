import type { JournalHead } from './hashChain.js'

/**
 * The head of every journal this process appended to, so the CLI can print it once the command is
 * done: a hash kept outside the incident folder (a chat message, a ticket) is an anchor that
 * `firebreak journal verify --anchor` checks later. Kept apart from journal.ts so that reading it
 * at the end of a command that never journaled loads nothing.
 */
export type WrittenHead = JournalHead & { incident: string; dir: string }

const written = new Map<string, WrittenHead>()

export function recordWrittenHead(head: WrittenHead): void {
  written.set(head.dir, head)
}

/** In the order the journals were first written. */
export function writtenHeads(): WrittenHead[] {
  return [...written.values()]
}

export function formatHeadLine({ hash, incident }: WrittenHead): string {
  return `journal head ${hash} (incident ${incident})`
}
