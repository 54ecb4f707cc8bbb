import { keccak256, stringToHex } from 'viem'
import { describe, expect, it } from 'vitest'
import { type TransactionBuilderBatch, canonicalJson, transactionBuilderBatch, transactionBuilderChecksum } from './transactionBuilderBatch.js'

/**
 * The batch file and checksum of the Transaction Builder's own test (safe-react-apps,
 * apps/tx-builder/src/lib/checksum.test.js): the app hashes it with `meta.name` set to null.
 */
const appTestBatch = {
  version: '1.0',
  chainId: '4',
  createdAt: 1646321521061,
  meta: {
    name: null,
    txBuilderVersion: '1.4.0',
    checksum: '',
    createdFromSafeAddress: '0xDF8a1Ce35c9a6ACE153B4e0767942f1E2291a1Aa',
    createdFromOwnerAddress: '0x49d4450977E2c95362C13D3a31a09311E0Ea26A6',
  },
  transactions: [
    {
      to: '0x49d4450977E2c95362C13D3a31a09311E0Ea26A6',
      value: '0',
      contractMethod: { inputs: [{ internalType: 'address', name: 'paramAddress', type: 'address' }], name: 'testAddress', payable: false },
      contractInputsValues: { paramAddress: '0x49d4450977E2c95362C13D3a31a09311E0Ea26A6' },
    },
    {
      to: '0x49d4450977E2c95362C13D3a31a09311E0Ea26A6',
      value: '0',
      contractMethod: { inputs: [{ internalType: 'bool', name: 'paramBool', type: 'bool' }], name: 'testBool', payable: false },
      contractInputsValues: { paramAddress: '', paramBool: 'false' },
    },
    { to: '0x49d4450977E2c95362C13D3a31a09311E0Ea26A6', value: '2000000000000000000', data: '0x42f4579000000000000000000000000049d4450977e2c95362c13d3a31a09311e0ea26a6' },
  ],
}

function batch(): TransactionBuilderBatch {
  return transactionBuilderBatch({
    chainId: 1,
    safe: '0x5afe5afE5afE5afE5afE5aFe5aFe5Afe5Afe5AfE',
    name: 'contain-pause / pause-vault',
    description: 'pause vault',
    calls: [
      { to: '0x1111111111111111111111111111111111111111', data: '0x8456cb59', value: 0n },
      { to: '0x2222222222222222222222222222222222222222', data: '0x', value: 10n ** 18n },
    ],
    createdAt: 1_700_000_000_000,
  })
}

/** What the app does on import: the file as parsed JSON, its checksum recomputed without the checksum. */
function importedChecksumValid(text: string): boolean {
  const imported = JSON.parse(text) as TransactionBuilderBatch
  return transactionBuilderChecksum(imported) === imported.meta.checksum
}

describe('Transaction Builder batch', () => {
  it("serialises a batch the way the Transaction Builder does: its own test's checksum comes out", () => {
    expect(keccak256(stringToHex(canonicalJson(appTestBatch)))).toBe('0x4ecbfd364aa6759983915644e73f8bd411e85a2dc306f252a387c2728c4db64c')
  })

  it('lists each call with its value as a decimal string, as the app requires, for the Safe and chain given', () => {
    const file = batch()

    expect(file).toMatchObject({ version: '1.0', chainId: '1', meta: { createdFromSafeAddress: '0x5afe5afE5afE5afE5afE5aFe5aFe5Afe5Afe5AfE', name: 'contain-pause / pause-vault' } })
    expect(file.transactions).toEqual([
      { to: '0x1111111111111111111111111111111111111111', value: '0', data: '0x8456cb59', contractMethod: null, contractInputsValues: null },
      { to: '0x2222222222222222222222222222222222222222', value: '1000000000000000000', data: '0x', contractMethod: null, contractInputsValues: null },
    ])
  })

  it('carries a checksum the app accepts on import, still valid after the batch is renamed', () => {
    const text = JSON.stringify(batch())
    const renamed = JSON.parse(text) as TransactionBuilderBatch
    renamed.meta.name = 'renamed in the app'

    expect(importedChecksumValid(text)).toBe(true)
    expect(importedChecksumValid(JSON.stringify(renamed))).toBe(true)
  })

  it('carries a checksum the app flags once a call is edited', () => {
    const edited = batch()
    edited.transactions[1]!.to = '0x3333333333333333333333333333333333333333'

    expect(importedChecksumValid(JSON.stringify(edited))).toBe(false)
  })
})
