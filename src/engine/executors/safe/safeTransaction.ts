import { type Address, type Hex, encodeFunctionData, encodePacked, size, zeroAddress } from 'viem'
import type { Call } from '../../plan.js'
import { multiSendCallOnlyAbi } from './abi.js'

/** CALL runs the target's code as the target; DELEGATECALL runs it as the Safe (only ever MultiSendCallOnly here). */
export type SafeOperation = 0 | 1

/** The fields of a Safe transaction that owners sign (EIP-712 `SafeTx`) and `execTransaction` takes. */
export type SafeTransaction = {
  to: Address
  value: bigint
  data: Hex
  operation: SafeOperation
  safeTxGas: bigint
  baseGas: bigint
  gasPrice: bigint
  gasToken: Address
  refundReceiver: Address
  nonce: bigint
}

export type BuildSafeTransactionParameters = {
  nonce: bigint
  /** MultiSendCallOnly, delegate-called when there are several calls. */
  multiSend: Address
}

/**
 * The Safe transaction for a step's calls: one call is made directly; several go through
 * MultiSendCallOnly in one transaction, so they all happen or none does.
 *
 * No refund (safeTxGas, baseGas and gasPrice 0): the submitter pays its own gas, and Safe 1.4.1
 * then reverts the whole transaction when an inner call fails (GS013) instead of consuming the
 * nonce with an `ExecutionFailure`.
 */
export function buildSafeTransaction(calls: readonly Call[], { nonce, multiSend }: BuildSafeTransactionParameters): SafeTransaction {
  const fees = { safeTxGas: 0n, baseGas: 0n, gasPrice: 0n, gasToken: zeroAddress, refundReceiver: zeroAddress, nonce }
  const [first, ...rest] = calls
  if (!first) throw new Error('a Safe transaction needs at least one call')
  if (rest.length === 0) return { to: first.to, value: first.value, data: first.data, operation: 0, ...fees }
  const data = encodeFunctionData({ abi: multiSendCallOnlyAbi, functionName: 'multiSend', args: [encodeMultiSendCalls(calls)] })
  return { to: multiSend, value: 0n, data, operation: 1, ...fees }
}

/**
 * MultiSend's packed batch: per call, operation (1 byte, always CALL: MultiSendCallOnly refuses
 * delegate calls), to (20), value (32), data length (32), data.
 */
export function encodeMultiSendCalls(calls: readonly Call[]): Hex {
  const packed = calls.map((call) =>
    encodePacked(['uint8', 'address', 'uint256', 'uint256', 'bytes'], [0, call.to, call.value, BigInt(size(call.data)), call.data]),
  )
  return `0x${packed.map((part) => part.slice(2)).join('')}`
}
