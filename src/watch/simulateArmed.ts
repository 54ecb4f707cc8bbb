import { decodeFunctionResult, encodeFunctionData, zeroAddress } from 'viem'
import { decodeErrorData } from '../chain/revert.js'
import { type SequenceCall, simulateSequence } from '../chain/simulateSequence.js'
import { compare } from '../engine/checks.js'
import type { Check } from '../engine/plan.js'
import type { ArmedPlan } from './armPlan.js'

/**
 * Whether the armed transactions, sent now from their senders, still leave every target
 * contained: one `eth_simulateV1` request, the transactions then every check of the plan read
 * after them. Returns why not, or undefined. The watcher runs it whenever something the plan
 * depends on changed, not on every block.
 */
export async function simulateArmed(armed: Pick<ArmedPlan, 'chain' | 'plan' | 'transactions'>, blockNumber?: bigint): Promise<string | undefined> {
  const checks = armed.plan.steps.flatMap((step) => step.postconditions).filter((check) => check.kind === 'read' || check.kind === 'call')
  const calls: SequenceCall[] = [
    ...armed.transactions.map((transaction) => ({ from: transaction.from, to: transaction.call.to, data: transaction.call.data, value: transaction.call.value })),
    ...checks.map(checkCall),
  ]
  const results = await simulateSequence(armed.chain, { calls, ...(blockNumber === undefined ? {} : { blockNumber }) })
  for (const [index, transaction] of armed.transactions.entries()) {
    const result = results[index]!
    if (result.status === 'reverted') return `"${transaction.title}" would revert: ${decodeErrorData(result.data, armed.plan.abis).text}`
  }
  for (const [offset, check] of checks.entries()) {
    const result = results[armed.transactions.length + offset]!
    const failure = checkFailure(check, result)
    if (failure) return failure
  }
  return undefined
}

function checkCall(check: Extract<Check, { kind: 'read' | 'call' }>): SequenceCall {
  if (check.kind === 'call') return { from: check.from, to: check.to, data: check.data, value: check.value ?? 0n }
  return { from: zeroAddress, to: check.address, data: encodeFunctionData({ abi: [check.abi], functionName: check.abi.name, args: check.args }) }
}

function checkFailure(check: Extract<Check, { kind: 'read' | 'call' }>, result: { status: 'success' | 'reverted'; data: `0x${string}` }): string | undefined {
  if (check.kind === 'call') {
    if (check.expect === 'success' && result.status === 'reverted') return `after the armed plan, "${check.description}" would revert, not succeed`
    if (check.expect === 'revert' && result.status === 'success') return `after the armed plan, "${check.description}" would still succeed`
    return undefined
  }
  if (result.status === 'reverted') return `after the armed plan, "${check.description}" could not be read`
  const value = decodeFunctionResult({ abi: [check.abi], functionName: check.abi.name, data: result.data })
  const first = Array.isArray(value) ? value[0] : value
  return compare(first, check.expect, check.op ?? 'eq') ? undefined : `after the armed plan, "${check.description}" reads ${String(first)}`
}
