/**
 * What the engine needs of a journal: append an entry, read the entries back. The file journal
 * (src/journal) and, later, a shared database journal both provide it.
 */
export type JournalLike = {
  append(type: string, data: unknown): unknown
  entries(): readonly { type: string; data: unknown }[]
}

/** The latest entry of `type` about one step of one plan. */
export function findStepEntry(journal: JournalLike, type: string, planId: string, stepId: string) {
  const matches = journal.entries().filter((entry) => {
    const data = entry.data as { planId?: unknown; stepId?: unknown } | null
    return entry.type === type && data?.planId === planId && data?.stepId === stepId
  })
  return matches.at(-1)?.data as Record<string, unknown> | undefined
}
