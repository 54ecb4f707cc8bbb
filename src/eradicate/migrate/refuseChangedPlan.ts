import type { JournalLike } from '../../engine/journalLike.js'
import { MigrationResumeError } from './errors.js'
import type { PlanMigrationReturnType } from './planMigration.js'

/**
 * A resumed run must be the migration the journal started: the same batches (their ids are their
 * places in the snapshot, so another batch size would name other accounts) and the same new
 * contract (other constructor arguments would land elsewhere, and minted batches would be skipped
 * there).
 */
export function refuseChangedPlan(journal: JournalLike, planned: PlanMigrationReturnType): void {
  type Planned = { planId?: string; batchSize?: number; token?: { address?: string }; claim?: { address?: string } }
  const before = journal
    .entries()
    .filter((entry) => entry.type === 'migrate.planned' && (entry.data as Planned).planId === planned.plan.id)
    .at(-1)?.data as Planned | undefined
  if (!before) return
  if (before.batchSize !== planned.batchSize) {
    throw new MigrationResumeError({
      parameter: 'batchSize',
      value: planned.batchSize,
      problem: `this migration (${planned.plan.id}) was planned with batches of ${before.batchSize}: run it again with ${before.batchSize}, or its batches would name other accounts`,
    })
  }
  if (before.token?.address !== planned.plan.tokenAddress || before.claim?.address !== planned.plan.claimAddress) {
    throw new MigrationResumeError({
      parameter: 'name',
      problem: `this migration (${planned.plan.id}) deploys to ${before.token?.address}, this run would deploy to ${planned.plan.tokenAddress}: give the same token name, symbol and contracts as the first run`,
      related: ['symbol'],
    })
  }
}
