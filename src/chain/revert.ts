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

/** `EnforcedPause()`, `ERC20InsufficientAllowance(0xabc…, 0, 100)`, `Error("…")`, or the raw data. */
export function decodeRevert(error: unknown, abis: readonly Abi[] = []): DecodedRevert {
  const data = revertDataOf(error)
  if (data && data.length >= 10) {
    for (const abi of [...abis, []]) {
      try {
        const decoded = decodeErrorResult({ abi, data })
        const args = (decoded.args ?? []).map(showValue)
        return { name: decoded.errorName, text: `${decoded.errorName}(${args.join(', ')})`, data }
      } catch {
        // not an error of this ABI
      }
    }
    return { name: 'unknown', text: `unknown error ${data.slice(0, 10)}`, data }
  }
  const message = error instanceof BaseError ? error.shortMessage : error instanceof Error ? error.message : String(error)
  return { name: data === '0x' ? 'revert' : 'error', text: data === '0x' ? 'reverted without a reason' : message, data }
}

/** A revert of the call itself, as opposed to a node that could not be reached, or could not read the state the call needs. */
export function isRevert(error: unknown): boolean {
  if (revertDataOf(error) !== undefined) return true
  return error instanceof BaseError && error.walk((cause) => cause instanceof ExecutionRevertedError) !== null
}
