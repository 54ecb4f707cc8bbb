import type { Hash, LocalAccount } from 'viem'
import type { ChainClients } from '../../chain/clients.js'
import { type JournalLike, findStepEntry } from '../../engine/journalLike.js'
import { type PhaseOutcome, type PhasePlan, type PhaseProgress, type PhaseStatus, failureReason, incidentRun, runPhase } from '../../engine/runPhase.js'
import type { Incident } from '../../journal/incident.js'
import { type MigrationPlan, moveStepId } from './buildMigrationPlan.js'
import { writeDistributionFile } from './claimDistribution.js'
import { ConservationError } from './errors.js'
import { refuseBatchSizeAboveBlock, refuseOversizedSteps } from './fitsInBlock.js'
import { refuseChangedPlan } from './refuseChangedPlan.js'
import { type PlanMigrationParameters, type PlanMigrationReturnType, planMigration } from './planMigration.js'
import { type ConservationProof, proveConservation } from './proveConservation.js'

export type RunMigrationParameters = Omit<PlanMigrationParameters, 'chain'> & {
  chain: ChainClients
  incident: Incident
  /** Build, show and simulate the plan on a fork (and publish the claim file); send nothing. */
  dryRun?: boolean
  /** Keys handed over in memory (tests, a war-room server); the CLI reads them from the environment or keystores. */
  accounts?: readonly LocalAccount[]
  onProgress?: (event: MigrationProgress) => void | Promise<void>
}

/** The plan is shown with what it was planned from (snapshot, token, assets) and where the claims are published. */
type MigrationShown = { planned: PlanMigrationReturnType; distributionFile?: string }

export type MigrationProgress = PhaseProgress<MigrationShown, { stage: 'verified'; proof: ConservationProof }>

type MigrationDetail = { incident: string; planned: PlanMigrationReturnType; distributionFile?: string; proof?: ConservationProof }

export type MigrationOutcome = PhaseOutcome<PhaseStatus<'migrated'>, MigrationDetail, MigrationPlan>

/**
 * `firebreak migrate`: plan the migration from a verified snapshot, simulate it whole on a fork,
 * check every key, then deploy, mint batch by batch, move the assets and end minting, each step
 * verified and journaled; finally prove conservation from the chain. Run again after an
 * interruption (even a kill -9), it resumes from the journal: nothing is minted twice, nobody is
 * skipped. Every failure is journaled as `migrate.failed` with its reason.
 */
export function runMigration(parameters: RunMigrationParameters): Promise<MigrationOutcome> {
  const { chain, incident, dryRun = false, onProgress = () => {} } = parameters
  const { journal } = incident
  const contract = parameters.oldContract.name
  return runPhase({
    ...incidentRun(parameters),
    started: () =>
      journal.append('migrate.started', {
        contract,
        address: parameters.oldContract.address,
        snapshot: parameters.snapshotFile,
        mode: parameters.mode ?? 'mint',
        batchSize: parameters.batchSize,
        dryRun,
      }),
    build: () => buildMigration(parameters),
    // With the gas each step really used on the fork: a batch that would not fit in a block is refused before anything is sent.
    checkSimulation: async (simulation, { detail }) => {
      if (simulation.ok) refuseOversizedSteps((await chain.public.getBlock()).gasLimit, simulation, detail.planned.batchSize)
    },
    verify: async (outcome) => {
      const proof = await proveMigration(chain, journal, parameters, outcome)
      if (!proof.ok) {
        journal.append('migration.unbalanced', proof)
        throw new ConservationError(`the migration of ${contract} did not conserve: ${proof.problems[0]}`, { metaMessages: proof.problems.slice(1) })
      }
      journal.append('migration.verified', proof)
      await onProgress({ stage: 'verified', proof })
      return { ...outcome, proof }
    },
    finished: (outcome) =>
      journal.append('migrate.finished', { planId: outcome.plan.id, status: outcome.status, token: outcome.plan.tokenAddress, ...(outcome.plan.claimAddress ? { claim: outcome.plan.claimAddress } : {}) }),
    failed: (error) => journal.append('migrate.failed', { contract, reason: failureReason(error) }),
  })
}

/**
 * The plan from the snapshot, with the claim file published and the plan journaled; refused
 * before the fork when a mint batch could not fit in a block.
 */
async function buildMigration(parameters: RunMigrationParameters): Promise<PhasePlan<'migrated', MigrationDetail, MigrationShown, MigrationPlan>> {
  const { chain, incident } = parameters
  const { journal } = incident
  const planned = await planMigration(parameters)
  const { plan } = planned
  refuseChangedPlan(journal, planned)

  let distributionFile: string | undefined
  if (planned.distribution && plan.claimAddress) {
    distributionFile = incident.path(`migration-claims-${planned.snapshot.sha256.slice(2, 14)}.json`)
    writeDistributionFile(distributionFile, planned.distribution, { snapshotSha256: planned.snapshot.sha256, token: plan.tokenAddress, claim: plan.claimAddress })
  }
  journal.append('migrate.planned', {
    planId: plan.id,
    contract: parameters.oldContract.name,
    mode: planned.mode,
    batchSize: planned.batchSize,
    snapshot: { file: parameters.snapshotFile, sha256: planned.snapshot.sha256, blockNumber: planned.snapshot.header.blockNumber, accounts: planned.snapshot.accounts, total: planned.snapshot.total },
    token: { address: plan.tokenAddress, ...planned.token },
    ...(plan.claimAddress ? { claim: { address: plan.claimAddress, root: planned.distribution?.root, file: distributionFile } } : {}),
    assets: planned.move?.assets.map((asset) => ({ asset: asset.asset, label: asset.label, held: asset.held, to: planned.move?.to })) ?? [],
    steps: plan.steps.length,
    notes: planned.notes,
  })

  const { gasLimit } = await chain.public.getBlock()
  if (planned.mode === 'mint') refuseBatchSizeAboveBlock(gasLimit, planned.batchSize)
  const published = distributionFile ? { distributionFile } : {}
  return { chain, plan, done: 'migrated', detail: { incident: incident.id, planned, ...published }, shown: { planned, notes: planned.notes, ...published } }
}

/** Conservation, read from the chain once every step is done: nothing created, nothing lost, every asset moved. */
function proveMigration(chain: ChainClients, journal: JournalLike, parameters: RunMigrationParameters, outcome: MigrationOutcome): Promise<ConservationProof> {
  const { plan, planned, distributionFile } = outcome
  return proveConservation(chain, {
    snapshotFile: parameters.snapshotFile,
    snapshot: { accounts: planned.snapshot.accounts, total: planned.snapshot.total, blockNumber: BigInt(planned.snapshot.header.blockNumber) },
    token: plan.tokenAddress,
    ...(plan.claimAddress && distributionFile ? { claim: { address: plan.claimAddress, distributionFile } } : {}),
    assets: planned.move?.assets.map((asset) => {
      const moveTx = findStepEntry(journal, 'step.done', plan.id, moveStepId(asset.asset))?.txHash as Hash | undefined
      return { asset: asset.asset, label: asset.label, from: parameters.oldContract.address, to: planned.move!.to, ...(moveTx ? { moveTx } : {}) }
    }),
  })
}
