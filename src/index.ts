/**
 * firebreak's public library API: `import { … } from 'firebreak'`. The CLI is a thin layer over
 * the same calls but never imports this file, so that `firebreak --version` loads only what one
 * command needs.
 *
 * Grouped as an incident runs: load the manifest, inspect, contain, eradicate (upgrade, snapshot,
 * migrate), recover (losses, reimburse, restore), record (journal) and report.
 */

// Errors: every error firebreak raises on purpose is a FirebreakError, with a one-line
// `shortMessage` and `metaMessages` for context.
export { FirebreakError, type FirebreakErrorOptions, UsageError, errorMessage } from './errors.js'

// Chains: an embedded anvil, a fork, and viem clients.
export { type Anvil, AnvilStartError, type StartAnvilParameters, startAnvil } from './chain/anvil.js'
export { type ChainClients, ChainUnreachableError, type ConnectOptions, connect } from './chain/clients.js'
export { type StartForkParameters, startFork } from './chain/fork.js'
export { NodeFailedError } from './chain/nodeFault.js'
export { LogRangeError } from './chain/readLogsAdaptive.js'

// Solidity: firebreak's own contracts (claim, recovery token, guardian), compiled with solc-js.
export { type Artifacts, type ContractArtifact } from './solidity/artifacts.js'
export { type CompileParameters, type CompileResult, compileContracts } from './solidity/compile.js'
export { ArtifactNotFoundError, CompileError, SourcesNotFoundError } from './solidity/errors.js'

// Manifest: firebreak.yaml.
export { DEFAULT_MANIFEST_FILE } from './manifest/defaults.js'
export { type LoadManifestOptions, type LoadManifestReturnType, loadManifest } from './manifest/loadManifest.js'
export { ManifestError, type ManifestPath } from './manifest/ManifestError.js'
export { type ManifestChainConnection, connectManifestChain } from './manifest/connectManifestChain.js'
export type { AuthorityType, Manifest, ManifestAuthority, ManifestChain, ManifestContract, ManifestTrigger, ManifestWatch } from './manifest/types.js'
export { chainView, chainsToActOn, manifestOnChain, scopedPlanId } from './manifest/manifestOnChain.js'
export { type WriteExampleManifestOptions, type WriteExampleManifestReturnType, writeExampleManifest } from './manifest/writeExampleManifest.js'

// Journal: the incident folder and its hash-chained journal.
export { type JournalEntry, type JournalProblem, type VerifyChainReturnType, SecretInJournalError, verifyChain } from './journal/hashChain.js'
export { DEFAULT_INCIDENTS_ROOT, type Incident, IncidentNotFoundError, type OpenIncidentParameters, incidentForView, incidentOnChain, openCurrentIncident, openIncident, resolveIncidentDir } from './journal/incident.js'
export {
  Journal,
  JournalConflictError,
  JournalCorruptError,
  JournalNotFoundError,
  type ReadJournalReturnType,
  readJournal,
  verifyJournal,
} from './journal/journal.js'
export { type JournalEntries, type JournalEntryType, type Journaled, dataOf, entriesOf, lastOf } from './journal/entries.js'
export type { IncidentJournal } from './journal/incidentJournal.js'
export { IncidentChainMismatchError, JournalDatabaseError, type OpenPgJournalParameters, PgJournal } from './journal/pgJournal.js'
export { type ExportJournalParameters, type ExportJournalReturnType, exportJournal } from './journal/exportJournal.js'
export { type ImportJournalParameters, type ImportJournalReturnType, importJournal } from './journal/importJournal.js'

// Inspect: levers, who holds them, proxies, the time to contain, findings.
export { ContractUnreadableError } from './inspect/errors.js'
export { formatInspection } from './inspect/formatInspection.js'
export { type InspectManifestParameters, inspectManifest } from './inspect/inspectManifest.js'
export { type InspectProtocolParameters, inspectProtocol } from './inspect/inspectProtocol.js'
export { type ChainInspection, type InspectAcrossChainsParameters, type InspectAcrossChainsReturnType, inspectAcrossChains } from './inspect/inspectAcrossChains.js'
export { deploymentDrift } from './inspect/deploymentDrift.js'
export type {
  AuthorityNode,
  AuthorityPath,
  ContractInspection,
  Finding,
  FindingCode,
  InspectTarget,
  Inspection,
  Lever,
  LeverAccess,
  LeverEffect,
  LeverKind,
  ProxyInfo,
  ProxyKind,
  Severity,
  TimeToExecute,
} from './inspect/types.js'

// Engine: the plans every phase builds, and what running them can raise.
export { AwaitingSignaturesError } from './engine/awaitingSignatures.js'
export { AuthorityMissingError, PostconditionFailedError, SimulationFailedError, StepRevertedError, StepWaitingError } from './engine/errors.js'
export type { StepOutcome } from './engine/execute.js'
export { KeystoreError } from './engine/executors/keystore.js'
export { AuthorityUnfundedError } from './engine/executors/key.js'
export { SafeSignatureError, SafeThresholdNotMetError, SafeTransactionError } from './engine/executors/safe/errors.js'
export type { Action, Authority, Check, ContractRef, KeyAuthority, Plan, SafeAuthority, Step } from './engine/plan.js'
export { RoutingError } from './engine/routing/errors.js'
export type { SimulationResult } from './engine/simulate.js'
export { type PhaseOutcome, type PhaseProgress, type PhaseStatus, type RunPhaseParameters, runPhase } from './engine/runPhase.js'

// Contain.
export { ContainError } from './contain/errors.js'
export { type ContainmentOutcome, type ContainmentProgress, type RunContainmentParameters, runContainment } from './contain/runContainment.js'
export { type ChainContainment, type ContainAcrossChainsParameters, type ContainAcrossChainsReturnType, containAcrossChains } from './contain/containAcrossChains.js'

// Eradicate: upgrade a proxy behind the storage and replay gates.
export { StorageLayoutConflictError } from './eradicate/checkStorageLayout.js'
export type { ReplayGateResult } from './eradicate/replayAttack.js'
export { type AttackInput, type RunUpgradeParameters, type UpgradeOutcome, type UpgradeProgress, UpgradeRefusedError, runUpgrade } from './eradicate/runUpgrade.js'
export { WrongProxyKindError } from './eradicate/upgradeRoute.js'

// Snapshot: every holder's balance at a block.
export { SnapshotBlockInFutureError, SnapshotIntegrityError } from './snapshot/errors.js'
export { type SnapshotFooter, type SnapshotHeader, type VerifySnapshotReturnType, verifySnapshot } from './snapshot/snapshotFile.js'
export { type TakeSnapshotParameters, type TakeSnapshotReturnType, takeSnapshot } from './snapshot/takeSnapshot.js'

// Eradicate: migrate a contract that cannot be fixed.
export { ConservationError, MigrationInputError, MigrationResumeError } from './eradicate/migrate/errors.js'
export type { ConservationProof } from './eradicate/migrate/proveConservation.js'
export { type MigrationOutcome, type MigrationProgress, type RunMigrationParameters, runMigration } from './eradicate/migrate/runMigration.js'

// Recover: losses.
export { type AccountLoss, type ComputeLossesParameters, type LossTable, computeLosses } from './recover/computeLosses.js'
export type { AssetLosses } from './recover/measureLosses.js'
export { LossesFileError, type LossesFile, readLossesFile } from './recover/readLossesFile.js'
export { type LossesOutcome, type RunLossesParameters, runLosses } from './recover/runLosses.js'

// Recover: reimburse and track claims.
export { type Distribution, buildDistribution } from './distribution/buildDistribution.js'
export { DistributionFileError, type DistributionFile, readDistributionFile } from './distribution/distributionFile.js'
export { PolicyExceedsFundsError } from './recover/checkFunds.js'
export { type PolicyResult, type PolicyStage, PolicyError, applyPolicy, describePolicy, reimbursementPolicy } from './recover/policy.js'
export { resolveFunder } from './recover/resolveFunder.js'
export { type ClaimsOutcome, ClaimContractMismatchError, type RunClaimsTrackingParameters, runClaimsTracking } from './recover/runClaimsTracking.js'
export { type ReimbursementOutcome, type ReimbursementProgress, type ReimburseMode, type RunReimbursementParameters, runReimbursement } from './recover/runReimbursement.js'

// Recover: restore in gated stages.
export { type ApproveRestoreParameters, type ApproveRestoreReturnType, approveRestore } from './recover/restore/approveRestore.js'
export { RestoreError, RestoreRefusedError } from './recover/restore/errors.js'
export type { RestoreGateResult } from './recover/restore/restoreGates.js'
export { type RestoreOutcome, type RestoreProgress, type RunRestoreParameters, runRestore } from './recover/restore/runRestore.js'

// Watch: an armed plan, drift alerts, triggers and the automatic response.
export { type Alert, type AlertCode, type AlertSeverity, formatAlert } from './watch/alerts.js'
export { type ArmedPlan, type ArmPlanParameters, armPlan } from './watch/armPlan.js'
export type { ResponseOutcome } from './watch/respond.js'
export type { Fired } from './watch/triggers.js'
export { type StartWatcherParameters, type Watcher, startWatcher } from './watch/watcher.js'

// The war room: the incident's live page.
export { type ServeIncidentParameters, serveIncident } from './serve/serveIncident.js'

// Report: the post-mortem, from the journal alone.
export { buildReport } from './report/buildReport.js'
export { renderHtml } from './report/renderHtml.js'
export { renderMarkdown } from './report/renderMarkdown.js'
export { renderReport, renderReportHtml } from './report/renderReport.js'
export type { ReportDocument } from './report/reportDocument.js'
export { type WriteReportFilesReturnType, writeReport, writeReportFiles } from './report/writeReport.js'
