import type { Hash } from 'viem'
import { type Journaled, type JournalEntries, type JournalEntryType, entriesOf } from '../journal/entries.js'

/**
 * What the engine needs of a journal: append an entry of a known type, read the entries back. The
 * file journal (src/journal) and, later, a shared database journal both provide it.
 */
export type JournalLike = {
  append<Type extends JournalEntryType>(type: Type, data: JournalEntries[Type]): unknown
  entries(): readonly { type: string; data: unknown }[]
}

/** The entry types that are about one step of one plan. */
type StepEntryType = { [Type in JournalEntryType]: JournalEntries[Type] extends { planId: string; stepId: string } ? Type : never }[JournalEntryType]

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
  const lastRefused = about.findLastIndex((entry) => entry.type === 'step.failed' && (entry.data as Journaled<JournalEntries['step.failed']>).stage === 'broadcast')
  return lastSent > lastRefused
}

/**
 * Every transaction journaled for a step: the one sent first and its fee-bumped replacements. Any
 * of them may be the one mined (an original can still beat its replacement).
 */
export function journaledHashes(journal: JournalLike, plan: { id: string }, step: { id: string }): Hash[] {
  return journal
    .entries()
    .filter((entry): entry is { type: 'step.sent' | 'step.replaced'; data: Journaled<JournalEntries['step.sent' | 'step.replaced']> } => entry.type === 'step.sent' || entry.type === 'step.replaced')
    .map((entry) => entry.data)
    .filter((data) => data.planId === plan.id && data.stepId === step.id && typeof data.txHash === 'string')
    .map((data) => data.txHash)
}

/** The latest entry of `type` about one step of one plan. */
export function findStepEntry<Type extends StepEntryType>(journal: JournalLike, type: Type, planId: string, stepId: string): Journaled<JournalEntries[Type]> | undefined {
  return entriesOf(journal, type).findLast((entry) => entry.data.planId === planId && entry.data.stepId === stepId)?.data
}
