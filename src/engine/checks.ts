import { type Abi, type PublicClient, isAddressEqual } from 'viem'
import type { Check } from './plan.js'
import { decodeRevert } from '../chain/revert.js'

export type CheckResult = {
  description: string
  kind: Check['kind']
  passed: boolean
  /** What the chain said, shown next to what was expected. */
  actual: string
  expected: string
}

/** Reads chain state and says whether `check` holds, with the figures that decided it. */
export async function evaluateCheck(client: PublicClient, check: Check, extraAbis: readonly Abi[] = []): Promise<CheckResult> {
  const result = (passed: boolean, actual: string, expected: string): CheckResult => ({
    description: check.description,
    kind: check.kind,
    passed,
    actual,
    expected,
  })
  switch (check.kind) {
    case 'read': {
      const value = await client.readContract({
        address: check.address,
        abi: [check.abi],
        functionName: check.abi.name,
        args: check.args,
      })
      const op = check.op ?? 'eq'
      return result(compare(value, check.expect, op), stringify(value), `${op === 'eq' ? '' : `${op} `}${stringify(check.expect)}`)
    }
    case 'call': {
      const expected = check.expect === 'success' ? 'success' : check.error ? `revert with ${check.error}` : 'revert'
      try {
        await client.call({ account: check.from, to: check.to, data: check.data, value: check.value })
        return result(check.expect === 'success', 'success', expected)
      } catch (error) {
        const revert = decodeRevert(error, [...(check.abi ? [check.abi] : []), ...extraAbis])
        const passed = check.expect === 'revert' && (!check.error || revert.name === check.error)
        return result(passed, `revert: ${revert.text}`, expected)
      }
    }
    case 'code': {
      const code = await client.getCode({ address: check.address })
      const present = code !== undefined && code !== '0x'
      return result(present === check.present, present ? 'code present' : 'no code', check.present ? 'code present' : 'no code')
    }
    case 'storage': {
      const value = await client.getStorageAt({ address: check.address, slot: check.slot })
      return result(BigInt(value ?? '0x0') === BigInt(check.expect), value ?? '0x0', check.expect)
    }
  }
}

export async function evaluateChecks(client: PublicClient, checks: readonly Check[], extraAbis: readonly Abi[] = []): Promise<CheckResult[]> {
  return Promise.all(checks.map((check) => evaluateCheck(client, check, extraAbis)))
}

/** Whether a value read satisfies a read check: shared with checks evaluated inside a simulation. */
export function compare(actual: unknown, expected: unknown, op: 'eq' | 'gte' | 'lte'): boolean {
  if (op !== 'eq') {
    if (typeof actual !== 'bigint') return false
    const bound = BigInt(expected as bigint | string)
    return op === 'gte' ? actual >= bound : actual <= bound
  }
  if (typeof actual === 'string' && typeof expected === 'string' && actual.length === 42 && expected.length === 42) {
    return isAddressEqual(actual as `0x${string}`, expected as `0x${string}`)
  }
  return stringify(actual) === stringify(expected)
}

/** A value read as a check shows it: bigints in decimal, objects as JSON. */
export function stringify(value: unknown): string {
  if (typeof value === 'bigint') return value.toString()
  return typeof value === 'string' ? value : JSON.stringify(value, (_, inner) => (typeof inner === 'bigint' ? inner.toString() : inner))
}
