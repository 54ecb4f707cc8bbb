import { type Abi, type Hex, decodeErrorResult } from 'viem'

/**
 * Raw revert data as people read it: `EnforcedPause()`, `Error("BAL#211")`, `Panic(17)`, or the
 * selector when no ABI knows it. The reverts of a simulated sequence come as data, not as errors.
 */
export function decodeRevertData(data: Hex | undefined, abis: readonly Abi[] = []): string {
  if (!data || data === '0x') return 'an empty revert (no reason given)'
  if (data.length < 10) return `revert data ${data}`
  for (const abi of [...abis, []]) {
    try {
      const decoded = decodeErrorResult({ abi, data })
      const args = (decoded.args ?? []).map((arg) => (typeof arg === 'string' && decoded.errorName === 'Error' ? JSON.stringify(arg) : String(arg)))
      return `${decoded.errorName}(${args.join(', ')})`
    } catch {
      // not an error of this ABI
    }
  }
  return `unknown error ${data.slice(0, 10)}`
}
