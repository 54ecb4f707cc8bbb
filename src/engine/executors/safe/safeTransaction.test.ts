import { type Address, decodeFunctionData, size, slice, toHex, zeroAddress } from 'viem'
import { describe, expect, it } from 'vitest'
import type { Call } from '../../plan.js'
import { CANONICAL_MULTI_SEND_CALL_ONLY, multiSendCallOnlyAbi } from './abi.js'
import { buildSafeTransaction, encodeMultiSendCalls } from './safeTransaction.js'

const vault: Address = '0x1111111111111111111111111111111111111111'
const treasury: Address = '0x2222222222222222222222222222222222222222'
const pause: Call = { to: vault, data: '0x8456cb59', value: 0n }
const payout: Call = { to: treasury, data: '0x', value: 10n ** 18n }

describe('buildSafeTransaction', () => {
  it('calls the target directly for a single call, with no refund and the given nonce', () => {
    const transaction = buildSafeTransaction([pause], { nonce: 7n, multiSend: CANONICAL_MULTI_SEND_CALL_ONLY })

    expect(transaction).toEqual({
      to: vault,
      value: 0n,
      data: '0x8456cb59',
      operation: 0,
      safeTxGas: 0n,
      baseGas: 0n,
      gasPrice: 0n,
      gasToken: zeroAddress,
      refundReceiver: zeroAddress,
      nonce: 7n,
    })
  })

  it('delegate-calls MultiSendCallOnly with every call packed, in order, for several calls', () => {
    const transaction = buildSafeTransaction([pause, payout], { nonce: 0n, multiSend: CANONICAL_MULTI_SEND_CALL_ONLY })

    expect(transaction.operation).toBe(1)
    expect(transaction.to).toBe(CANONICAL_MULTI_SEND_CALL_ONLY)
    expect(transaction.value).toBe(0n)
    const { functionName, args } = decodeFunctionData({ abi: multiSendCallOnlyAbi, data: transaction.data })
    expect(functionName).toBe('multiSend')
    expect(args[0]).toBe(encodeMultiSendCalls([pause, payout]))
  })
})

describe('encodeMultiSendCalls', () => {
  it('packs each call as operation, to, value, data length and data, as MultiSendCallOnly reads them', () => {
    const packed = encodeMultiSendCalls([pause, payout])

    // 85 bytes of header per call, plus 4 bytes of pause() calldata.
    expect(size(packed)).toBe(85 + 4 + 85)
    expect(slice(packed, 0, 1)).toBe('0x00')
    expect(slice(packed, 1, 21)).toBe(vault)
    expect(slice(packed, 21, 53)).toBe(toHex(0n, { size: 32 }))
    expect(slice(packed, 53, 85)).toBe(toHex(4n, { size: 32 }))
    expect(slice(packed, 85, 89)).toBe('0x8456cb59')
    expect(slice(packed, 89, 90)).toBe('0x00')
    expect(slice(packed, 90, 110)).toBe(treasury)
    expect(slice(packed, 110, 142)).toBe(toHex(10n ** 18n, { size: 32 }))
    expect(slice(packed, 142, 174)).toBe(toHex(0n, { size: 32 }))
  })
})
