import type { Abi } from 'viem'
import { type ChainClients, connect } from '../chain/clients.js'
import { startFork } from '../chain/fork.js'
import { type CheckResult, evaluateChecks } from './checks.js'
import { sendOnFork } from './executors/index.js'
import type { Plan, Step } from './plan.js'

export type StepSimulation = {
  stepId: string
  title: string
  status: 'passed' | 'reverted' | 'check-failed' | 'not-reached'
  gasUsed?: bigint
  /** Decoded revert reason when the step reverted. */
  revert?: string
  checks: CheckResult[]
}

export type SimulationResult = {
  ok: boolean
  forkBlock: bigint
  steps: StepSimulation[]
}

/**
 * Runs the whole plan on a fork of `chain`, every authority impersonated, and checks every
 * postcondition there. Steps run in order and the first failure ends the run: later steps assume
 * the earlier ones happened. The fork is always stopped.
 */
export async function simulatePlan(chain: ChainClients, plan: Plan): Promise<SimulationResult> {
  const fork = await startFork({ forkUrl: chain.rpcUrl })
  try {
    const forked = await connect(fork.rpcUrl)
    const forkBlock = await forked.public.getBlockNumber()
    const steps: StepSimulation[] = []
    for (const step of plan.steps) {
      const failedBefore = steps.some((simulated) => simulated.status !== 'passed')
      steps.push(failedBefore ? notReached(step) : await simulateStep(forked, step, plan.abis))
    }
    return { ok: steps.every((step) => step.status === 'passed'), forkBlock, steps }
  } finally {
    await fork.stop()
  }
}

async function simulateStep(fork: ChainClients, step: Step, abis: readonly Abi[]): Promise<StepSimulation> {
  const base = { stepId: step.id, title: step.title }
  const sent = await sendOnFork(fork, { ...step.call, from: step.authority.address }, abis)
  if (!sent.ok) return { ...base, status: 'reverted', gasUsed: sent.receipt?.gasUsed, revert: sent.revert, checks: [] }
  const checks = await evaluateChecks(fork.public, step.postconditions, abis)
  const status = checks.every((check) => check.passed) ? 'passed' : 'check-failed'
  return { ...base, status, gasUsed: sent.receipt.gasUsed, checks }
}

function notReached(step: Step): StepSimulation {
  return { stepId: step.id, title: step.title, status: 'not-reached', checks: [] }
}

/** One line for a failed simulation: which step, and why. */
export function describeSimulationFailure(result: SimulationResult): string {
  const failed = result.steps.find((step) => step.status === 'reverted' || step.status === 'check-failed')
  if (!failed) return 'simulation passed'
  if (failed.status === 'reverted') return `step "${failed.title}" reverts on a fork: ${failed.revert}`
  const check = failed.checks.find((result) => !result.passed)
  return `step "${failed.title}" runs on a fork but its check fails: ${check?.description} (expected ${check?.expected}, got ${check?.actual})`
}
