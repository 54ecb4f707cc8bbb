export {
  type AssetMove,
  type AssetToMove,
  type BuildMigrationPlanParameters,
  type MigrationMode,
  type MigrationPlan,
  buildMigrationPlan,
  deployClaimStepId,
  deployTokenStepId,
  finishStepId,
  migrationPlanId,
  mintStepId,
  moveStepId,
} from './buildMigrationPlan.js'
export { type CheckedDistributionFile, type MigrationDistributionFile, buildMigrationDistribution, checkDistributionFile, writeDistributionFile } from './claimDistribution.js'
export { ConservationError, MigrationInputError, MigrationResumeError } from './errors.js'
export { MINT_GAS_PER_ACCOUNT, refuseBatchSizeAboveBlock, refuseOversizedSteps } from './fitsInBlock.js'
export { formatConservation, formatMigrationOutcome, formatMigrationPlan, formatMigrationSimulation, formatMigrationStep, migrationSummary } from './formatMigration.js'
export { type MigrateContractParameters, migrateContract } from './migrateContract.js'
export { type MigrationArtifacts, migrationArtifacts } from './migrationArtifacts.js'
export { DEFAULT_BATCH_SIZE, DEFAULT_CLAIM_WINDOW_SECONDS, type PlanMigrationParameters, type PlanMigrationReturnType, planMigration } from './planMigration.js'
export { type AccountMismatch, type AssetConservation, type ConservationProof, type ProveConservationParameters, proveConservation } from './proveConservation.js'
export { type SnapshotBatch, readSnapshotBatches, readSnapshotLines } from './readSnapshotBatches.js'
export { refuseChangedPlan } from './refuseChangedPlan.js'
export { type RescueArgument, type RescueLever, parseRescueLever, rescueAction } from './rescueLever.js'
export { type MigrationOutcome, type MigrationProgress, type RunMigrationParameters, runMigration } from './runMigration.js'
