import { existsSync } from 'node:fs'
import { type Address, type LocalAccount, isAddressEqual } from 'viem'
import { PostconditionFailedError } from '../../engine/errors.js'
import type { StepOutcome } from '../../engine/execute.js'
import { type PhaseEnded, type PhaseOutcome, type PhasePlan, type PhaseProgress, type PhaseStatus, failureReason, incidentRun, runPhase } from '../../engine/runPhase.js'
import { type SimulationResult, describeSimulationFailure } from '../../engine/simulate.js'
import type { Incident } from '../../journal/incident.js'
import type { Manifest } from '../../manifest/types.js'
import { restoreApprovalMessage } from './approvalMessage.js'
import { RestoreError, RestoreRefusedError } from './errors.js'
import { manifestChain } from '../../manifest/manifestChain.js'
import { findRestoreStage } from './findRestoreStage.js'
import { planRestoreStage } from './planRestoreStage.js'
import { type RestoreGateResult, approvalsGate, fixGate, orderGate, stageRestored } from './restoreGates.js'

export type RunRestoreParameters = {
  manifest: Manifest
  incident: Incident
  /** A stage under `restore.stages`. */
  stage: string
  chain?: string
  rpcUrl?: string
  /** Check every gate, simulate on a fork; send nothing. */
  dryRun?: boolean
  /** Signature files from Safe owners (`firebreak safe sign`), when a Safe holds the unpause. */
  signatureFiles?: readonly string[]
  /** Keys handed over in memory (tests, a war-room server); the CLI reads keys from the environment or keystores. */
  accounts?: readonly LocalAccount[]
  /** Told of each stage as it happens; awaited, so a war room can hold the run (e.g. for a last confirmation) before anything is sent. */
  onProgress?: (event: RestoreProgress) => void | Promise<void>
}

export type RestoreProgress = PhaseProgress<{}, { stage: 'gates'; gates: RestoreGateResult[]; simulation?: SimulationResult }>

type RestoreDetail = { incident: string; stage: string; notes: string[]; gates: RestoreGateResult[] }

/** `waiting`: a step waits for a timelock's delay; run the same command again once it has passed. */
export type RestoreOutcome = PhaseOutcome<PhaseStatus<'restored'>, RestoreDetail> | AlreadyRestored

/** The journal shows the stage restored already: nothing is planned or sent. */
type AlreadyRestored = RestoreDetail & {
  status: 'already-restored'
  plan?: undefined
  simulation?: undefined
  steps: StepOutcome[]
  waiting?: undefined
  awaitingSignatures?: undefined
  blocked?: undefined
}

/**
 * `firebreak restore run <stage>`: reopens one stage of the protocol, gated. Before anything is
 * sent it checks that the earlier stages are restored, that the journal shows the fix verified,
 * that enough authorities signed their approval, and that the stage's unpause followed by its
 * invariants passes on a fork. Any failed gate stops it with the reason, journaled, and the
 * contracts stay paused. Then the plan runs through the engine (prepare, execute, verify) and a
 * re-run resumes from the journal.
 */
export function runRestore(parameters: RunRestoreParameters): Promise<RestoreOutcome> {
  const { incident, dryRun = false, onProgress = () => {} } = parameters
  const { journal } = incident
  const stage = parameters.stage
  return runPhase({
    ...incidentRun(parameters),
    started: () => journal.append('restore.started', { stage, dryRun }),
    build: () => buildRestore(parameters),
    // The last gate: the stage's unpause followed by its invariants, on a fork of the chain as it is now.
    checkSimulation: async (simulation, { detail: { gates } }) => {
      gates.push(invariantsGate(simulation, findRestoreStage(parameters.manifest, stage).invariants.length))
      const passed = gates.every((gate) => gate.passed)
      journal.append('restore.gates', { stage, passed, gates })
      await onProgress({ stage: 'gates', gates, simulation: simulation.ok ? simulation : undefined })
      if (!passed) throw new RestoreRefusedError(stage, gates)
    },
    finished: (outcome) => {
      const lastBlock = outcome.steps.findLast((step) => step.blockNumber !== undefined)?.blockNumber
      journal.append('restore.finished', {
        stage: outcome.stage,
        planId: outcome.plan?.id,
        status: outcome.status,
        ...(lastBlock === undefined ? {} : { blockNumber: lastBlock }),
        ...(outcome.waiting ? { waiting: outcome.waiting } : {}),
      })
    },
    // The chain moved between the fork and the block: the stage is open and something it promised does not hold.
    explainFailure: (error) =>
      error instanceof PostconditionFailedError
        ? new RestoreError(`restore stage "${stage}" was sent but does not hold on chain: ${error.shortMessage}; pause it again (firebreak contain) and find out what changed`, {
            metaMessages: error.metaMessages,
            cause: error,
          })
        : error,
    failed: (error) => {
      const refusedBy = error instanceof RestoreRefusedError ? { refusedBy: error.gates.filter((gate) => !gate.passed).map((gate) => gate.gate) } : {}
      journal.append('restore.failed', { stage, reason: failureReason(error), ...refusedBy })
    },
  })
}

/** The entries of one chain's runs (their `chain`), or, for a manifest of one chain, the entries that name none. */
function entriesOfChain<Entry extends { data: unknown }>(entries: readonly Entry[], chain: string | undefined): Entry[] {
  return entries.filter((entry) => (entry.data as { chain?: unknown } | null)?.chain === chain)
}

/** The gates the journal answers (order, fix, approvals), then the stage's plan; nothing when the stage is restored already. */
async function buildRestore(parameters: RunRestoreParameters): Promise<PhasePlan<'restored', RestoreDetail> | PhaseEnded<AlreadyRestored>> {
  const { manifest, incident } = parameters
  const { journal } = incident
  const stage = findRestoreStage(manifest, parameters.stage)
  // On one chain of several, only that chain's record counts: another chain's stage reopened, or its gates passed, say nothing of this one.
  const entries = entriesOfChain(journal.entries(), manifest.scope?.chain)
  if (stageRestored(entries, stage.name)) return { ended: { status: 'already-restored', incident: incident.id, stage: stage.name, notes: [], gates: [], steps: [] } }

  const message = restoreApprovalMessage({ manifest, stage, incidentId: incident.id, chainId: manifestChain(manifest, parameters.chain).chainId })
  const gates = [orderGate(entries, manifest, stage), fixGate(entries, stage), await approvalsGate(entries, { manifest, stage, message })]

  const { plan, notes, targets, chain } = await planRestoreStage({ manifest, stage, chain: parameters.chain, rpcUrl: parameters.rpcUrl, incidentId: incident.id, keyAtHand: keyAtHand(manifest, parameters.accounts) })
  journal.append('restore.planned', { stage: stage.name, planId: plan.id, notes, targets })
  return { chain, plan, done: 'restored', detail: { incident: incident.id, stage: stage.name, notes, gates }, shown: { notes } }
}

/**
 * The stage's plan simulated on a fork of the chain as it is now: every unpause sent as its
 * authority, then every postcondition and invariant checked there. The engine journals the
 * simulation; a failure becomes this gate's reason rather than an error.
 */
function invariantsGate(simulation: SimulationResult, invariants: number): RestoreGateResult {
  if (!simulation.ok) return { gate: 'invariants', passed: false, detail: describeSimulationFailure(simulation) }
  const checks = simulation.steps.reduce((count, step) => count + step.checks.length, 0)
  const detail = `on a fork at block ${simulation.forkBlock}, after the stage's calls, ${checks} check${checks === 1 ? '' : 's'} hold (${invariants} invariant${invariants === 1 ? '' : 's'} of the stage among them)`
  return { gate: 'invariants', passed: true, detail }
}

/** Whether this machine can sign for an account now: a key handed over, set in its variable, or a keystore on disk. */
function keyAtHand(manifest: Manifest, accounts: readonly LocalAccount[] = []) {
  return (address: Address) =>
    accounts.some((account) => isAddressEqual(account.address, address)) ||
    manifest.authorities.some((authority) => authority.type === 'eoa' && isAddressEqual(authority.address, address) && Boolean((authority.keyEnv && process.env[authority.keyEnv]) || (authority.keystore && existsSync(authority.keystore.path))))
}
