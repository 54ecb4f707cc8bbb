import { chainOfPlanId } from '../manifest/manifestOnChain.js'

/** An entry as the attribution reads it: any journal entry, whatever its type. */
type AnyEntry = { readonly type: string; readonly data: unknown }

/**
 * The chain an entry says it is about, by itself: its `chain` field (contain's entries, and any
 * entry whose writer names its chain), else the chain of its plan id (`restore-withdrawals@mainnet`,
 * see scopedPlanId). Undefined when the entry does not say: an entry of a single-chain incident,
 * or one whose writer does not name a chain yet.
 */
export function chainOfEntry(entry: AnyEntry): string | undefined {
  const data = entry.data
  if (typeof data !== 'object' || data === null) return undefined
  const { chain, planId } = data as { chain?: unknown; planId?: unknown }
  if (typeof chain === 'string' && chain !== '') return chain
  return typeof planId === 'string' ? chainOfPlanId(planId) : undefined
}

export type ChainAttribution = {
  /** Every chain the journal attributes an entry to, in the order the journal first names them. */
  chains: string[]
  /** The chain of an entry of the journal attributed; undefined when nothing says which. */
  chainOf(entry: AnyEntry): string | undefined
}

/**
 * Which chain each entry of an incident is about: what the entry says itself (chainOfEntry), else
 * the chain of its plan, as the plan's other entries say it (a step or a simulation names only its
 * plan). An entry that says nothing else (a restore stage's approval, an upgrade's gates) stays
 * unattributed rather than being given the chain of its neighbours: runs on several chains go at
 * once and interleave in the journal, and a block number printed under the wrong chain would send
 * the war room to the wrong block. Where a plan's entries disagree, nothing is guessed either.
 */
export function attributeChains(entries: readonly AnyEntry[]): ChainAttribution {
  const attributed = new Map<AnyEntry, string>()
  for (const entry of entries) {
    const chain = chainOfEntry(entry)
    if (chain !== undefined) attributed.set(entry, chain)
  }
  const planChains = new Map<string, Set<string>>()
  for (const [entry, chain] of attributed) {
    const planId = planIdOf(entry)
    if (planId !== undefined) planChains.set(planId, (planChains.get(planId) ?? new Set()).add(chain))
  }
  for (const entry of entries) {
    const chains = planChains.get(planIdOf(entry) ?? '')
    if (!attributed.has(entry) && chains?.size === 1) attributed.set(entry, [...chains][0]!)
  }
  const chains = [...new Set(entries.flatMap((entry) => (attributed.has(entry) ? [attributed.get(entry)!] : [])))]
  return { chains, chainOf: (entry) => attributed.get(entry) }
}

function planIdOf(entry: AnyEntry): string | undefined {
  const planId = typeof entry.data === 'object' && entry.data !== null ? (entry.data as { planId?: unknown }).planId : undefined
  return typeof planId === 'string' ? planId : undefined
}
