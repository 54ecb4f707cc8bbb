import type { Abi, Hex } from 'viem'
import { decodeErrorData } from './revert.js'

/**
 * Raw revert data as people read it: `EnforcedPause()`, `Error("BAL#211")`, `Panic(17)`, or the
 * selector when no ABI knows it. The reverts of a simulated sequence come as data, not as errors.
 */
export function decodeRevertData(data: Hex | undefined, abis: readonly Abi[] = []): string {
  if (!data || data === '0x') return 'an empty revert (no reason given)'
  if (data.length < 10) return `revert data ${data}`
  return decodeErrorData(data, abis).text
}
