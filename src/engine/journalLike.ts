import type { Hash } from 'viem'

/**
 * What the engine needs of a journal: append an entry, read the entries back. The file journal
 * (src/journal) and, later, a shared database journal both provide it.
 */
export type JournalLike = {
  append(type: string, data: unknown): unknown
  entries(): readonly { type: string; data: unknown }[]
}

/**
 * A step is sent once the journal holds its transaction: it is on chain or on its way, and is never
 * sent again. A transaction journaled and then refused by the node (`step.failed` at the broadcast)
 * never left: the step is unsent again.
 */
export function wasSent(journal: JournalLike, plan: { id: string }, step: { id: string }): boolean {
  if (findStepEntry(journal, 'step.mined', plan.id, step.id) || findStepEntry(journal, 'step.done', plan.id, step.id)) return true
  const about = journal.entries().filter((entry) => {
    const data = entry.data as { planId?: unknown; stepId?: unknown } | null
    return data?.planId === plan.id && data?.stepId === step.id
  })
  const lastSent = about.findLastIndex((entry) => entry.type === 'step.sent')
  const lastRefused = about.findLastIndex((entry) => entry.type === 'step.failed' && (entry.data as { stage?: unknown }).stage === 'broadcast')
  return lastSent > lastRefused
}

/**
 * Every transaction journaled for a step: the one sent first and its fee-bumped replacements. Any
 * of them may be the one mined (an original can still beat its replacement).
 */
export function journaledHashes(journal: JournalLike, plan: { id: string }, step: { id: string }): Hash[] {
  return journal
    .entries()
    .filter((entry) => entry.type === 'step.sent' || entry.type === 'step.replaced')
    .map((entry) => entry.data as { planId?: unknown; stepId?: unknown; txHash?: unknown })
    .filter((data) => data.planId === plan.id && data.stepId === step.id && typeof data.txHash === 'string')
    .map((data) => data.txHash as Hash)
}

/** The latest entry of `type` about one step of one plan. */
export function findStepEntry(journal: JournalLike, type: string, planId: string, stepId: string) {
  const matches = journal.entries().filter((entry) => {
    const data = entry.data as { planId?: unknown; stepId?: unknown } | null
    return entry.type === type && data?.planId === planId && data?.stepId === stepId
  })
  return matches.at(-1)?.data as Record<string, unknown> | undefined
}
