import { type Abi, BaseError, ExecutionRevertedError, type Hex, decodeErrorResult } from 'viem'
import { showValue } from '../format.js'

/** The raw revert data inside a viem error, wherever it sits in the cause chain. */
export function revertDataOf(error: unknown): Hex | undefined {
  if (!(error instanceof BaseError)) return undefined
  const found = error.walk((cause) => typeof (cause as { data?: unknown }).data === 'string')
  const data = (found as { data?: unknown } | null)?.data
  return typeof data === 'string' && data.startsWith('0x') ? (data as Hex) : undefined
}

export type DecodedRevert = { name: string; text: string; data: Hex | undefined }

/**
 * Revert data of at least a selector, as people read it: `EnforcedPause()`, `Error("BAL#211")`,
 * `Panic(17)`, `ERC20InsufficientAllowance(0xabc…, 0, 100)`, or `unknown error 0x…` when no ABI knows it.
 */
export function decodeErrorData(data: Hex, abis: readonly Abi[] = []): { name: string; text: string } {
  for (const abi of [...abis, []]) {
    try {
      const decoded = decodeErrorResult({ abi, data })
      // Quoted, so that a reason string reads as one: `Error("29")` is Aave's error code 29, not a number.
      const args = (decoded.args ?? []).map((arg) => (decoded.errorName === 'Error' && typeof arg === 'string' ? JSON.stringify(arg) : showValue(arg)))
      return { name: decoded.errorName, text: `${decoded.errorName}(${args.join(', ')})` }
    } catch {
      // not an error of this ABI
    }
  }
  return { name: 'unknown', text: `unknown error ${data.slice(0, 10)}` }
}

/** The revert inside a viem error, decoded ({@link decodeErrorData}), or the error's own message. */
export function decodeRevert(error: unknown, abis: readonly Abi[] = []): DecodedRevert {
  const data = revertDataOf(error)
  if (data && data.length >= 10) return { ...decodeErrorData(data, abis), data }
  const message = error instanceof BaseError ? error.shortMessage : error instanceof Error ? error.message : String(error)
  return { name: data === '0x' ? 'revert' : 'error', text: data === '0x' ? 'reverted without a reason' : message, data }
}

/** A revert of the call itself, as opposed to a node that could not be reached, or could not read the state the call needs. */
export function isRevert(error: unknown): boolean {
  if (revertDataOf(error) !== undefined) return true
  return error instanceof BaseError && error.walk((cause) => cause instanceof ExecutionRevertedError) !== null
}
