import type { Hash, LocalAccount } from 'viem'
import type { ChainClients } from '../../chain/clients.js'
import { type StepOutcome, planStages, runSteps } from '../../engine/execute.js'
import { findStepEntry } from '../../engine/journalLike.js'
import type { Step } from '../../engine/plan.js'
import type { SimulationResult } from '../../engine/simulate.js'
import { errorMessage } from '../../errors.js'
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
  onProgress?: (event: MigrationProgress) => void
}

export type MigrationProgress =
  | { stage: 'planned'; planned: PlanMigrationReturnType; distributionFile?: string }
  | { stage: 'simulated'; simulation: SimulationResult }
  | { stage: 'prepared' }
  | { stage: 'step'; step: Step; outcome: StepOutcome }
  | { stage: 'verified'; proof: ConservationProof }

export type MigrationOutcome = {
  status: 'migrated' | 'dry-run'
  incident: string
  plan: MigrationPlan
  planned: PlanMigrationReturnType
  distributionFile?: string
  simulation: SimulationResult
  steps: StepOutcome[]
  proof?: ConservationProof
}

/**
 * `firebreak migrate`: plan the migration from a verified snapshot, simulate it whole on a fork,
 * check every key, then deploy, mint batch by batch, move the assets and end minting, each step
 * verified and journaled; finally prove conservation from the chain. Run again after an
 * interruption (even a kill -9), it resumes from the journal: nothing is minted twice, nobody is
 * skipped. Every failure is journaled as `migrate.failed` with its reason.
 */
export async function runMigration(parameters: RunMigrationParameters): Promise<MigrationOutcome> {
  const { journal } = parameters.incident
  journal.append('migrate.started', {
    contract: parameters.oldContract.name,
    address: parameters.oldContract.address,
    snapshot: parameters.snapshotFile,
    mode: parameters.mode ?? 'mint',
    batchSize: parameters.batchSize,
    dryRun: parameters.dryRun ?? false,
  })
  try {
    return await migrate(parameters)
  } catch (error) {
    journal.append('migrate.failed', { contract: parameters.oldContract.name, reason: errorMessage(error).split('\n')[0] })
    throw error
  }
}

async function migrate(parameters: RunMigrationParameters): Promise<MigrationOutcome> {
  const { chain, incident, dryRun = false, onProgress = () => {} } = parameters
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
  onProgress({ stage: 'planned', planned, ...(distributionFile ? { distributionFile } : {}) })

  const { gasLimit } = await chain.public.getBlock()
  if (planned.mode === 'mint') refuseBatchSizeAboveBlock(gasLimit, planned.batchSize)
  const stages = planStages(chain, plan, { journal, accounts: parameters.accounts, outputDir: incident.dir })
  const outcome: Omit<MigrationOutcome, 'simulation'> = { status: 'migrated', incident: incident.id, plan, planned, ...(distributionFile ? { distributionFile } : {}), steps: [] }
  const simulation = await stages.simulate()
  refuseOversizedSteps(gasLimit, simulation, planned.batchSize)
  onProgress({ stage: 'simulated', simulation })
  if (dryRun) return finish(incident, { ...outcome, simulation, status: 'dry-run' })

  await stages.prepare()
  onProgress({ stage: 'prepared' })
  const { steps } = await runSteps(stages, (step, result) => onProgress({ stage: 'step', step, outcome: result }))
  outcome.steps = steps

  const proof = await proveConservation(chain, {
    snapshotFile: parameters.snapshotFile,
    snapshot: { accounts: planned.snapshot.accounts, total: planned.snapshot.total, blockNumber: BigInt(planned.snapshot.header.blockNumber) },
    token: plan.tokenAddress,
    ...(plan.claimAddress && distributionFile ? { claim: { address: plan.claimAddress, distributionFile } } : {}),
    assets: planned.move?.assets.map((asset) => {
      const moveTx = findStepEntry(journal, 'step.done', plan.id, moveStepId(asset.asset))?.txHash as Hash | undefined
      return { asset: asset.asset, label: asset.label, from: parameters.oldContract.address, to: planned.move!.to, ...(moveTx ? { moveTx } : {}) }
    }),
  })
  outcome.proof = proof
  if (!proof.ok) {
    journal.append('migration.unbalanced', proof)
    throw new ConservationError(`the migration of ${parameters.oldContract.name} did not conserve: ${proof.problems[0]}`, { metaMessages: proof.problems.slice(1) })
  }
  journal.append('migration.verified', proof)
  onProgress({ stage: 'verified', proof })
  return finish(incident, { ...outcome, simulation })
}

function finish(incident: Incident, outcome: MigrationOutcome): MigrationOutcome {
  incident.journal.append('migrate.finished', { planId: outcome.plan.id, status: outcome.status, token: outcome.plan.tokenAddress, ...(outcome.plan.claimAddress ? { claim: outcome.plan.claimAddress } : {}) })
  return outcome
}
