import { type Address, concat, encodeAbiParameters, keccak256, zeroAddress } from 'viem'
import { describe, expect, it } from 'vitest'
import { safeTxHashes } from './hashes.js'
import { type SafeTransaction, buildSafeTransaction } from './safeTransaction.js'

/** The type hashes Safe 1.4.1 hard-codes (Safe.sol), written out here as the Safe has them. */
const DOMAIN_SEPARATOR_TYPEHASH = '0x47e79534a245952e8b16893a336b85a3d9ea9fa8c573f3d803afb92a79469218'
const SAFE_TX_TYPEHASH = '0xbb8310d486368db6bd6f849402fdd73ad53d316b5a4b2644ad6efe0f941286d8'

const safe: Address = '0x5afe5afE5afE5afE5afE5aFe5aFe5Afe5Afe5AfE'
/** One call, `pause()`, as firebreak builds it (a single call needs no MultiSend). */
const transaction: SafeTransaction = buildSafeTransaction([{ to: '0x1111111111111111111111111111111111111111', data: '0x8456cb59', value: 5n }], { nonce: 42n, multiSend: zeroAddress })

describe('safeTxHashes', () => {
  it('gives the domain hash Safe 1.4.1 computes from its own type hash, chain id and address', () => {
    const { domainHash } = safeTxHashes(1, safe, transaction)

    expect(domainHash).toBe(keccak256(encodeAbiParameters([{ type: 'bytes32' }, { type: 'uint256' }, { type: 'address' }], [DOMAIN_SEPARATOR_TYPEHASH, 1n, safe])))
  })

  it('gives the message hash and safeTxHash of Safe 1.4.1 encodeTransactionData', () => {
    const { domainHash, messageHash, safeTxHash } = safeTxHashes(1, safe, transaction)

    const encoded = encodeAbiParameters(
      ['bytes32', 'address', 'uint256', 'bytes32', 'uint8', 'uint256', 'uint256', 'uint256', 'address', 'address', 'uint256'].map((type) => ({ type })),
      [SAFE_TX_TYPEHASH, transaction.to, 5n, keccak256(transaction.data), 0, 0n, 0n, 0n, zeroAddress, zeroAddress, 42n],
    )
    expect(messageHash).toBe(keccak256(encoded))
    expect(safeTxHash).toBe(keccak256(concat(['0x19', '0x01', domainHash, messageHash])))
  })

  it('changes the safeTxHash with the chain, so a signature cannot be replayed on another chain', () => {
    expect(safeTxHashes(1, safe, transaction).safeTxHash).not.toBe(safeTxHashes(10, safe, transaction).safeTxHash)
  })
})
