import { type Address, encodeFunctionData, parseAbi, zeroAddress } from 'viem'
import { describe, expect, it } from 'vitest'
import type { Action } from '../../plan.js'
import { CANONICAL_MULTI_SEND_CALL_ONLY } from './abi.js'
import { SafeTransactionError } from './errors.js'
import { safeTxHashes } from './hashes.js'
import { buildSafeTransaction } from './safeTransaction.js'
import { type SafeTransactionFile, parseSafeTransactionFile, toSafeTransactionFile } from './safeTransactionFile.js'

const safe: Address = '0x5afe5afE5afE5afE5afE5aFe5aFe5Afe5Afe5AfE'
const vault: Address = '0x1111111111111111111111111111111111111111'
const actions: Action[] = [
  { call: { to: vault, data: '0x8456cb59', value: 0n }, decoded: { contract: 'vault', address: vault, functionName: 'pause', args: [], text: 'vault.pause()' } },
  {
    call: { to: vault, data: encodeFunctionData({ abi: parseAbi(['function setDepositCap(uint256)']), args: [0n] }), value: 0n },
    decoded: { contract: 'vault', address: vault, functionName: 'setDepositCap', args: ['0'], text: 'vault.setDepositCap(0)' },
  },
]

function written(): SafeTransactionFile {
  const transaction = buildSafeTransaction(
    actions.map((action) => action.call),
    { nonce: 4n, multiSend: CANONICAL_MULTI_SEND_CALL_ONLY },
  )
  return toSafeTransactionFile({
    plan: { id: 'contain' },
    step: { id: 'pause-and-cap', title: 'pause the vault and close deposits', actions },
    chainId: 1,
    safe,
    safeVersion: '1.4.1',
    owners: ['0x0000000000000000000000000000000000000A11', '0x0000000000000000000000000000000000000B0b'],
    threshold: 2,
    transaction,
    hashes: safeTxHashes(1, safe, transaction),
  })
}

describe('Safe transaction file', () => {
  it('reads back the transaction it was written from, with the same hashes', () => {
    const file = written()

    const read = parseSafeTransactionFile(JSON.stringify(file), 'contain-pause-and-cap.json')

    expect(read.hashes.safeTxHash).toBe(file.safeTxHash)
    expect(read.transaction).toMatchObject({ to: CANONICAL_MULTI_SEND_CALL_ONLY, operation: 1, nonce: 4n, value: 0n })
    expect(read.file.actions.map((action) => action.text)).toEqual(['vault.pause()', 'vault.setDepositCap(0)'])
    expect(file.safeTx).toMatchObject({ nonce: '4', value: '0', safeTxGas: '0', gasToken: zeroAddress })
  })

  it('refuses a file whose fields were edited after its hashes were written', () => {
    const file = written()
    file.safeTx.nonce = '5'

    expect(() => parseSafeTransactionFile(JSON.stringify(file), 'edited.json')).toThrow(SafeTransactionError)
    expect(() => parseSafeTransactionFile(JSON.stringify(file), 'edited.json')).toThrow(
      `edited.json states messageHash ${file.messageHash}, but its fields hash to`,
    )
  })

  it('refuses a file whose listed calls are not what its Safe transaction does, so a signer never signs what they did not read', () => {
    const file = written()
    file.actions = [file.actions[0]!]

    expect(() => parseSafeTransactionFile(JSON.stringify(file), 'shown.json')).toThrow('shown.json lists calls that are not what its Safe transaction does: do not sign it')
  })

  it('names the file and the field that is missing', () => {
    const { safeTxHash: _, ...withoutHash } = written()

    expect(() => parseSafeTransactionFile(JSON.stringify(withoutHash), 'partial.json')).toThrow('partial.json is not a Safe transaction file: safeTxHash:')
  })
})
