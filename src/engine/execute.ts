import type { Abi, Address, Hash, TransactionReceipt } from 'viem'
import type { ChainClients } from '../chain/clients.js'
import { errorMessage } from '../errors.js'
import { type CheckResult, evaluateChecks } from './checks.js'
import { PostconditionFailedError, SimulationFailedError, StepRevertedError } from './errors.js'
import { type ExecutorContext, executorFor } from './executors/index.js'
import { type JournalLike, findStepEntry } from './journalLike.js'
import type { Call, Plan, Step } from './plan.js'
import { decodeRevert } from './revert.js'
import { type SimulationResult, describeSimulationFailure, simulatePlan } from './simulate.js'

export type ExecuteOptions = Omit<ExecutorContext, 'chain'> & { journal: JournalLike }

export type StepOutcome = {
  stepId: string
  /** `skipped`: the journal shows this step already done (a resumed plan never sends it twice). */
  status: 'done' | 'skipped'
  txHash?: Hash
  blockNumber?: bigint
  gasUsed?: bigint
  checks: CheckResult[]
}

/** Journals the plan as it will be shown to signers. */
function recordPlan(journal: JournalLike, plan: Plan): void {
  journal.append('plan.built', {
    planId: plan.id,
    phase: plan.phase,
    title: plan.title,
    steps: plan.steps.map((step) => ({
      stepId: step.id,
      title: step.title,
      authority: step.authority,
      call: step.call,
      decoded: step.decoded.text,
      postconditions: step.postconditions.map((check) => check.description),
    })),
  })
}

/** Simulates on a fork and journals the result; refuses to go on when the simulation failed. */
async function simulateAndRecord(chain: ChainClients, plan: Plan, journal: JournalLike): Promise<SimulationResult> {
  const result = await simulatePlan(chain, plan)
  journal.append('plan.simulated', { planId: plan.id, ok: result.ok, forkBlock: result.forkBlock, steps: result.steps })
  if (!result.ok) {
    journal.append('plan.failed', { planId: plan.id, stage: 'simulation', reason: describeSimulationFailure(result) })
    throw new SimulationFailedError(`plan "${plan.title}" was not executed: ${describeSimulationFailure(result)}`)
  }
  return result
}

/**
 * Sends one step through its authority's executor, waits for it, verifies its postconditions on
 * the real chain and journals every transition. A step is marked done only when its checks pass.
 */
export async function executeStep(chain: ChainClients, plan: Plan, step: Step, options: ExecuteOptions): Promise<StepOutcome> {
  const { journal } = options
  const ids = { planId: plan.id, stepId: step.id }
  if (findStepEntry(journal, 'step.done', plan.id, step.id)) return { stepId: step.id, status: 'skipped', checks: [] }

  const receipt = await sendOnce(chain, plan, step, options)
  if (receipt.status !== 'success') {
    const reason = await explainRevert(chain, { ...step.call, from: step.authority.address }, receipt.blockNumber, plan.abis)
    journal.append('step.failed', { ...ids, stage: 'execution', txHash: receipt.transactionHash, reason })
    throw new StepRevertedError(`step "${step.title}" reverted on chain: ${reason}`, {
      metaMessages: [`transaction ${receipt.transactionHash} in block ${receipt.blockNumber}`],
    })
  }

  const checks = await evaluateChecks(chain.public, step.postconditions, plan.abis)
  journal.append('step.verified', { ...ids, checks })
  const failed = checks.filter((check) => !check.passed)
  if (failed.length > 0) {
    journal.append('step.failed', { ...ids, stage: 'verification', checks: failed })
    throw new PostconditionFailedError(step.title, failed)
  }
  journal.append('step.done', { ...ids, txHash: receipt.transactionHash, blockNumber: receipt.blockNumber })
  return { stepId: step.id, status: 'done', txHash: receipt.transactionHash, blockNumber: receipt.blockNumber, gasUsed: receipt.gasUsed, checks }
}

/**
 * A step is sent at most once: if the journal holds a sent transaction for it (the previous run
 * was interrupted), we wait for that transaction instead of sending another.
 */
async function sendOnce(chain: ChainClients, plan: Plan, step: Step, options: ExecuteOptions): Promise<TransactionReceipt> {
  const { journal } = options
  const ids = { planId: plan.id, stepId: step.id }
  const mined = findStepEntry(journal, 'step.mined', plan.id, step.id)
  const sent = findStepEntry(journal, 'step.sent', plan.id, step.id)
  if (mined) return chain.public.waitForTransactionReceipt({ hash: mined.txHash as Hash })
  // Interrupted between sending and mining: the record still needs the block the step landed in.
  if (sent) return recordMined(chain, journal, ids, sent.txHash as Hash)

  let txHash: Hash
  try {
    const executor = await executorFor(step.authority, { ...options, chain })
    txHash = await executor.send(step.call)
    journal.append('step.sent', { ...ids, txHash, executor: executor.describe, call: step.call })
  } catch (error) {
    // Nothing was sent (no key, gas estimation reverted, node refused): say so, so a resume retries it.
    journal.append('step.failed', { ...ids, stage: 'send', reason: decodeRevert(error, plan.abis).text })
    throw error
  }
  return recordMined(chain, journal, ids, txHash)
}

async function recordMined(chain: ChainClients, journal: JournalLike, ids: { planId: string; stepId: string }, txHash: Hash): Promise<TransactionReceipt> {
  const receipt = await chain.public.waitForTransactionReceipt({ hash: txHash })
  journal.append('step.mined', {
    ...ids,
    txHash,
    status: receipt.status,
    blockNumber: receipt.blockNumber,
    gasUsed: receipt.gasUsed,
  })
  return receipt
}

/** Why a mined transaction reverted: its call replayed on the state it met (the end of the block before). */
export async function explainRevert(chain: ChainClients, call: Call & { from: Address }, blockNumber: bigint, abis: readonly Abi[]): Promise<string> {
  try {
    await chain.public.call({ account: call.from, to: call.to, data: call.data, value: call.value, blockNumber: blockNumber - 1n })
    return 'reverted (the call succeeds when replayed; the revert depended on the block)'
  } catch (error) {
    return decodeRevert(error, abis).text
  }
}

export type PlanStages = {
  /** Journals the plan as signers will see it, simulates it on a fork, refuses to go on if that fails. */
  simulate(): Promise<SimulationResult>
  steps: { step: Step; run(): Promise<StepOutcome> }[]
  /** Journals the plan as done. */
  finish(): void
}

/**
 * plan → simulate → execute → verify, journaled: the stages every phase runs, in order. runPlan
 * runs them one after the other; the CLI shows them as a live list (src/progress/planTasks.ts).
 */
export function planStages(chain: ChainClients, plan: Plan, options: ExecuteOptions): PlanStages {
  const { journal } = options
  return {
    simulate: () => {
      recordPlan(journal, plan)
      return simulateAndRecord(chain, plan, journal)
    },
    steps: plan.steps.map((step) => ({
      step,
      run: async () => {
        try {
          return await executeStep(chain, plan, step, options)
        } catch (error) {
          journal.append('plan.failed', { planId: plan.id, stage: 'execution', reason: errorMessage(error).split('\n')[0] })
          throw error
        }
      },
    })),
    finish: () => void journal.append('plan.done', { planId: plan.id }),
  }
}

export type PlanOutcome = { planId: string; simulation: SimulationResult; steps: StepOutcome[] }

export async function runPlan(chain: ChainClients, plan: Plan, options: ExecuteOptions): Promise<PlanOutcome> {
  const stages = planStages(chain, plan, options)
  const simulation = await stages.simulate()
  const steps: StepOutcome[] = []
  for (const { run } of stages.steps) steps.push(await run())
  stages.finish()
  return { planId: plan.id, simulation, steps }
}
