import { existsSync } from 'node:fs'
import { type Address, type LocalAccount, isAddressEqual } from 'viem'
import { PostconditionFailedError, SimulationFailedError } from '../../engine/errors.js'
import { type StepOutcome, planStages, runSteps } from '../../engine/execute.js'
import type { Plan, Step } from '../../engine/plan.js'
import type { SimulationResult } from '../../engine/simulate.js'
import { errorMessage } from '../../errors.js'
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

export type RestoreProgress =
  | { event: 'planned'; plan: Plan; notes: string[] }
  | { event: 'gates'; gates: RestoreGateResult[]; simulation?: SimulationResult }
  | { event: 'prepared' }
  | { event: 'step'; step: Step; outcome: StepOutcome }

export type RestoreOutcome = {
  /** `waiting`: a step waits for a timelock's delay; run the same command again once it has passed. */
  status: 'restored' | 'dry-run' | 'waiting' | 'already-restored'
  incident: string
  stage: string
  plan?: Plan
  notes: string[]
  gates: RestoreGateResult[]
  simulation?: SimulationResult
  steps: StepOutcome[]
  waiting?: { step: string; readyAt: bigint }
}

/**
 * `firebreak restore run <stage>`: reopens one stage of the protocol, gated. Before anything is
 * sent it checks that the earlier stages are restored, that the journal shows the fix verified,
 * that enough authorities signed their approval, and that the stage's unpause followed by its
 * invariants passes on a fork. Any failed gate stops it with the reason, journaled, and the
 * contracts stay paused. Then the plan runs through the engine (prepare, execute, verify) and a
 * re-run resumes from the journal.
 */
export async function runRestore(parameters: RunRestoreParameters): Promise<RestoreOutcome> {
  const { journal } = parameters.incident
  journal.append('restore.started', { stage: parameters.stage, dryRun: parameters.dryRun ?? false })
  try {
    return await restore(parameters)
  } catch (error) {
    const refusedBy = error instanceof RestoreRefusedError ? { refusedBy: error.gates.filter((gate) => !gate.passed).map((gate) => gate.gate) } : {}
    journal.append('restore.failed', { stage: parameters.stage, reason: errorMessage(error).split('\n')[0], ...refusedBy })
    throw error
  }
}

async function restore(parameters: RunRestoreParameters): Promise<RestoreOutcome> {
  const { manifest, incident, dryRun = false, onProgress = () => {} } = parameters
  const { journal } = incident
  const stage = findRestoreStage(manifest, parameters.stage)
  const outcome: RestoreOutcome = { status: 'restored', incident: incident.id, stage: stage.name, notes: [], gates: [], steps: [] }
  if (stageRestored(journal.entries(), stage.name)) return finish(incident, { ...outcome, status: 'already-restored' })

  const message = restoreApprovalMessage({ manifest, stage, incidentId: incident.id, chainId: manifestChain(manifest, parameters.chain).chainId })
  const entries = journal.entries()
  const gates = [orderGate(entries, manifest, stage), fixGate(entries, stage), await approvalsGate(entries, { manifest, stage, message })]

  const { plan, notes, targets, chain } = await planRestoreStage({ manifest, stage, chain: parameters.chain, rpcUrl: parameters.rpcUrl, incidentId: incident.id, keyAtHand: keyAtHand(manifest, parameters.accounts) })
  Object.assign(outcome, { plan, notes })
  journal.append('restore.planned', { stage: stage.name, planId: plan.id, notes, targets })
  await onProgress({ event: 'planned', plan, notes })

  const stages = planStages(chain, plan, { journal, accounts: parameters.accounts, signatureFiles: parameters.signatureFiles, outputDir: incident.dir })
  const invariants = await invariantsGate(plan, () => stages.simulate(), stage.invariants.length)
  gates.push(invariants.gate)
  Object.assign(outcome, { gates, simulation: invariants.simulation })
  journal.append('restore.gates', { stage: stage.name, passed: gates.every((gate) => gate.passed), gates })
  await onProgress({ event: 'gates', gates, simulation: outcome.simulation })
  if (gates.some((gate) => !gate.passed)) throw new RestoreRefusedError(stage.name, gates)
  if (dryRun) return finish(incident, { ...outcome, status: 'dry-run' })

  await stages.prepare()
  await onProgress({ event: 'prepared' })
  try {
    const { steps, waiting } = await runSteps(stages, (step, result) => void onProgress({ event: 'step', step, outcome: result }))
    return finish(incident, { ...outcome, steps, ...(waiting ? { status: 'waiting', waiting } : {}) })
  } catch (error) {
    if (!(error instanceof PostconditionFailedError)) throw error
    // The chain moved between the fork and the block: the stage is open and something it promised does not hold.
    throw new RestoreError(`restore stage "${stage.name}" was sent but does not hold on chain: ${error.shortMessage}; pause it again (firebreak contain) and find out what changed`, {
      metaMessages: error.metaMessages,
      cause: error,
    })
  }
}

/**
 * The stage's plan simulated on a fork of the chain as it is now: every unpause sent as its
 * authority, then every postcondition and invariant checked there. The engine journals the
 * simulation; a failure becomes this gate's reason rather than an error.
 */
async function invariantsGate(plan: Plan, simulate: () => Promise<SimulationResult>, invariants: number): Promise<{ gate: RestoreGateResult; simulation?: SimulationResult }> {
  try {
    const simulation = await simulate()
    const checks = simulation.steps.reduce((count, step) => count + step.checks.length, 0)
    const detail = `on a fork at block ${simulation.forkBlock}, after the stage's calls, ${checks} check${checks === 1 ? '' : 's'} hold (${invariants} invariant${invariants === 1 ? '' : 's'} of the stage among them)`
    return { gate: { gate: 'invariants', passed: true, detail }, simulation }
  } catch (error) {
    if (!(error instanceof SimulationFailedError)) throw error
    // The engine's message names the plan; the gate's reader knows which stage it is about.
    const prefix = `plan "${plan.title}" was not executed: `
    const detail = error.shortMessage.startsWith(prefix) ? error.shortMessage.slice(prefix.length) : error.shortMessage
    return { gate: { gate: 'invariants', passed: false, detail } }
  }
}

function finish(incident: Incident, outcome: RestoreOutcome): RestoreOutcome {
  const lastBlock = outcome.steps.findLast((step) => step.blockNumber !== undefined)?.blockNumber
  incident.journal.append('restore.finished', {
    stage: outcome.stage,
    planId: outcome.plan?.id,
    status: outcome.status,
    ...(lastBlock === undefined ? {} : { blockNumber: lastBlock }),
    ...(outcome.waiting ? { waiting: outcome.waiting } : {}),
  })
  return outcome
}

/** Whether this machine can sign for an account now: a key handed over, set in its variable, or a keystore on disk. */
function keyAtHand(manifest: Manifest, accounts: readonly LocalAccount[] = []) {
  return (address: Address) =>
    accounts.some((account) => isAddressEqual(account.address, address)) ||
    manifest.authorities.some((authority) => authority.type === 'eoa' && isAddressEqual(authority.address, address) && Boolean((authority.keyEnv && process.env[authority.keyEnv]) || (authority.keystore && existsSync(authority.keystore.path))))
}
