import { type Abi, decodeFunctionResult, encodeFunctionData, zeroAddress } from 'viem'
import type { ChainClients } from '../chain/clients.js'
import { decodeErrorData } from '../chain/revert.js'
import { type SequenceCall, type SequenceResult, simulateSequence } from '../chain/simulateSequence.js'
import { type CheckResult, compare, stringify } from './checks.js'
import type { Check, Plan, Step } from './plan.js'
import type { SimulationResult, StepSimulation } from './simulate.js'

type CallableCheck = Extract<Check, { kind: 'read' | 'call' }>

/**
 * Whether the plan can be simulated without a fork: every step is plain calls checked by reads
 * and calls. A timelock's delay (the clock must move), a step that may be done already, or a
 * check of code or storage still needs a fork.
 */
export function simulatesInOneRequest(plan: Plan): boolean {
  return plan.steps.every((step) => !step.after && !step.doneWhen && step.postconditions.every((check) => check.kind === 'read' || check.kind === 'call'))
}

/**
 * The whole plan in one `eth_simulateV1` request on the latest state: each step's calls as its
 * authority, then its checks, each seeing what came before; nothing is sent. Reads the same as a
 * fork would, in milliseconds instead of a fork's start and its state fetched one request at a time.
 */
export async function simulateInOneRequest(chain: ChainClients, plan: Plan, skip: ReadonlySet<string>): Promise<SimulationResult> {
  // Uncached: a test chain reverted to a snapshot, or a reorg, moves the head back.
  const forkBlock = await chain.public.getBlockNumber({ cacheTime: 0 })
  const toRun = plan.steps.filter((step) => !skip.has(step.id))
  const calls: SequenceCall[] = toRun.flatMap((step) => [
    ...step.actions.map(({ call }) => ({ from: step.authority.address, to: call.to, data: call.data, value: call.value })),
    ...(step.postconditions as CallableCheck[]).map(checkCall),
  ])
  const results = await simulateSequence(chain, { calls })
  let at = 0
  const steps: StepSimulation[] = []
  for (const step of plan.steps) {
    if (skip.has(step.id)) {
      steps.push({ stepId: step.id, title: step.title, status: 'already-done', checks: [] })
      continue
    }
    const actions = results.slice(at, at + step.actions.length)
    const checks = results.slice(at + step.actions.length, at + step.actions.length + step.postconditions.length)
    at += step.actions.length + step.postconditions.length
    const failedBefore = steps.some((simulated) => simulated.status !== 'passed' && simulated.status !== 'already-done')
    steps.push(failedBefore ? { stepId: step.id, title: step.title, status: 'not-reached', checks: [] } : stepOutcome(step, actions, checks, plan.abis))
  }
  return { ok: steps.every((step) => step.status === 'passed' || step.status === 'already-done'), forkBlock, steps }
}

function stepOutcome(step: Step, actions: readonly SequenceResult[], checkResults: readonly SequenceResult[], abis: readonly Abi[]): StepSimulation {
  const base = { stepId: step.id, title: step.title }
  let gasUsed = 0n
  for (const action of actions) {
    gasUsed += action.gasUsed ?? 0n
    // As on a fork, the first failing call ends the step: what follows it in the request saw a state the chain would not have.
    if (action.status === 'reverted') return { ...base, status: 'reverted', gasUsed, revert: revertText(action, abis), checks: [] }
  }
  const checks = (step.postconditions as CallableCheck[]).map((check, index) => checkResult(check, checkResults[index]!, abis))
  return { ...base, status: checks.every((check) => check.passed) ? 'passed' : 'check-failed', gasUsed, checks }
}

function checkCall(check: CallableCheck): SequenceCall {
  if (check.kind === 'call') return { from: check.from, to: check.to, data: check.data, value: check.value ?? 0n }
  return { from: zeroAddress, to: check.address, data: encodeFunctionData({ abi: [check.abi], functionName: check.abi.name, args: check.args }) }
}

/** The check as evaluateCheck reports it on chain: the same words and figures. */
function checkResult(check: CallableCheck, result: SequenceResult, abis: readonly Abi[]): CheckResult {
  const report = (passed: boolean, actual: string, expected: string): CheckResult => ({ description: check.description, kind: check.kind, passed, actual, expected })
  if (check.kind === 'call') {
    const expected = check.expect === 'success' ? 'success' : check.error ? `revert with ${check.error}` : 'revert'
    if (result.status === 'success') return report(check.expect === 'success', 'success', expected)
    const revert = decodeErrorData(result.data, [...(check.abi ? [check.abi] : []), ...abis])
    const text = result.data.length >= 10 ? revert.text : 'reverted without a reason'
    return report(check.expect === 'revert' && (!check.error || revert.name === check.error), `revert: ${text}`, expected)
  }
  const op = check.op ?? 'eq'
  const expected = `${op === 'eq' ? '' : `${op} `}${stringify(check.expect)}`
  if (result.status === 'reverted') return report(false, `revert: ${revertText(result, abis)}`, expected)
  const value = decodeFunctionResult({ abi: [check.abi], functionName: check.abi.name, data: result.data })
  return report(compare(value, check.expect, op), stringify(value), expected)
}

function revertText(result: SequenceResult, abis: readonly Abi[]): string {
  return result.data.length >= 10 ? decodeErrorData(result.data, abis).text : 'reverted without a reason'
}
