import type { JournalLike } from '../engine/journalLike.js'
import type { ArmedPlan } from './armPlan.js'
import { type Incident, openIncident } from '../journal/incident.js'
import type { Manifest } from '../manifest/types.js'
import { manifestChain } from '../manifest/manifestChain.js'

export const DEFAULT_WATCH_ROOT = '.firebreak/watch'

/**
 * The watcher's own record for one chain: its armed plans, readiness readings and alerts, and the
 * Safe transactions its owners sign in advance. `firebreak arm` and `firebreak watch` share it, so
 * a restarted watcher carries on from what it last saw.
 */
export function openWatchJournal(manifest: Manifest, chain: string | undefined, root: string = DEFAULT_WATCH_ROOT): { chainName: string; record: Incident } {
  // With several chains the watcher must be told which: watching "the first" would leave the others unwatched, silently.
  const chainName = manifestChain(manifest, chain).name
  return { chainName, record: openIncident({ root, id: `watch-${chainName}` }) }
}

/** Journals the plan kept armed: what it would send, and what it cannot contain on its own. */
export function recordArmed(journal: JournalLike, armed: ArmedPlan): void {
  journal.append('watch.armed', {
    planId: armed.plan.id,
    blockNumber: armed.blockNumber,
    simulated: armed.simulation.ok,
    transactions: armed.transactions.map((each) => ({ stepId: each.stepId, title: each.title, from: each.from, gas: each.gas, ...(each.safe ? { safe: { address: each.safe.address, nonce: each.safe.nonce, safeTxHash: each.safe.safeTxHash } } : {}) })),
    exposed: armed.planned.exposed,
  })
}
