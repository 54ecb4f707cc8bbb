import type { Abi } from 'viem'
import { type ChainClients, connect } from '../chain/clients.js'
import { startFork } from '../chain/fork.js'
import { type CheckResult, evaluateChecks } from './checks.js'
import { sendOnFork } from './executors/index.js'
import type { Plan, Step } from './plan.js'
import { simulateInOneRequest, simulatesInOneRequest } from './simulateInOneRequest.js'

export type StepSimulation = {
  stepId: string
  title: string
  /** `already-done`: the journal shows it done on the real chain, so the fork already holds its effect. */
  status: 'passed' | 'reverted' | 'check-failed' | 'not-reached' | 'already-done'
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

export type SimulatePlanOptions = {
  /** Steps already sent on the real chain (a resumed plan): not replayed, since the fork holds them. */
  skip?: ReadonlySet<string>
}

/**
 * Runs the whole plan on a fork of `chain`, every authority impersonated, and checks every
 * postcondition there; a plan of plain calls and read checks runs in one `eth_simulateV1` request
 * instead (simulateInOneRequest), which reads the same without starting a fork. Steps run in order and the first failure ends the run: later steps assume
 * the earlier ones happened. The fork is always stopped.
 */
export async function simulatePlan(chain: ChainClients, plan: Plan, { skip = new Set() }: SimulatePlanOptions = {}): Promise<SimulationResult> {
  if (simulatesInOneRequest(plan)) return simulateInOneRequest(chain, plan, skip)
  const fork = await startFork({ forkUrl: chain.rpcUrl })
  try {
    const forked = await connect(fork.rpcUrl)
    const forkBlock = await forked.public.getBlockNumber()
    const steps: StepSimulation[] = []
    for (const step of plan.steps) {
      const failedBefore = steps.some((simulated) => !succeeded(simulated))
      if (skip.has(step.id)) steps.push({ stepId: step.id, title: step.title, status: 'already-done', checks: [] })
      else steps.push(failedBefore ? notReached(step) : await simulateStep(forked, step, plan.abis))
    }
    return { ok: steps.every(succeeded), forkBlock, steps }
  } finally {
    await fork.stop()
  }
}

function succeeded(step: StepSimulation): boolean {
  return step.status === 'passed' || step.status === 'already-done'
}

/**
 * The step's calls, made one after the other as its authority. A Safe's batch runs atomically on
 * chain; here the first failing call ends the step, which fails it all the same.
 */
async function simulateStep(fork: ChainClients, step: Step, abis: readonly Abi[]): Promise<StepSimulation> {
  const base = { stepId: step.id, title: step.title }
  if (step.doneWhen && (await evaluateChecks(fork.public, [step.doneWhen], abis))[0]?.passed) return { ...base, status: 'already-done', checks: [] }
  // A timelock's delay passes on the fork in an instant: what is checked is that the call then
  // works. anvil moves the clock only for the next block, and calls read the latest: mine one.
  if (step.after) {
    await fork.test.increaseTime({ seconds: Number(step.after.seconds) })
    await fork.test.mine({ blocks: 1 })
  }
  let gasUsed = 0n
  for (const { call } of step.actions) {
    const sent = await sendOnFork(fork, { ...call, from: step.authority.address }, abis)
    if (!sent.ok) return { ...base, status: 'reverted', gasUsed: gasUsed + (sent.receipt?.gasUsed ?? 0n), revert: sent.revert, checks: [] }
    gasUsed += sent.receipt.gasUsed
  }
  const checks = await evaluateChecks(fork.public, step.postconditions, abis)
  const status = checks.every((check) => check.passed) ? 'passed' : 'check-failed'
  return { ...base, status, gasUsed, checks }
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
