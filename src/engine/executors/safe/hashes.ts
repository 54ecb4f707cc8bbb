import { type Address, type Hash, hashDomain, hashStruct, hashTypedData } from 'viem'
import type { SafeTransaction } from './safeTransaction.js'

/** The EIP-712 domain of a Safe v1.3+: no name or version, only the chain and the Safe. */
const safeDomainTypes = {
  EIP712Domain: [
    { name: 'chainId', type: 'uint256' },
    { name: 'verifyingContract', type: 'address' },
  ],
} as const

/** EIP-712 type of a Safe transaction (viem adds the domain's type from the domain's fields). */
export const safeTxTypes = {
  SafeTx: [
    { name: 'to', type: 'address' },
    { name: 'value', type: 'uint256' },
    { name: 'data', type: 'bytes' },
    { name: 'operation', type: 'uint8' },
    { name: 'safeTxGas', type: 'uint256' },
    { name: 'baseGas', type: 'uint256' },
    { name: 'gasPrice', type: 'uint256' },
    { name: 'gasToken', type: 'address' },
    { name: 'refundReceiver', type: 'address' },
    { name: 'nonce', type: 'uint256' },
  ],
} as const

/** What an owner signs, as a hardware wallet or `cast wallet sign --data` takes it. */
export function safeTxTypedData(chainId: number, safe: Address, transaction: SafeTransaction) {
  return {
    domain: { chainId, verifyingContract: safe },
    types: safeTxTypes,
    primaryType: 'SafeTx' as const,
    message: transaction,
  }
}

/**
 * The three hashes a signer compares with what their wallet shows: a hardware wallet displays the
 * domain and message hashes of EIP-712 data, Safe{Wallet} the safeTxHash. Two people computing
 * them on two machines from the same fields is how a tampered transaction gets caught.
 */
export type SafeTxHashes = { domainHash: Hash; messageHash: Hash; safeTxHash: Hash }

export function safeTxHashes(chainId: number, safe: Address, transaction: SafeTransaction): SafeTxHashes {
  const typedData = safeTxTypedData(chainId, safe, transaction)
  return {
    domainHash: hashDomain({ domain: { chainId: BigInt(chainId), verifyingContract: safe }, types: safeDomainTypes }),
    messageHash: hashStruct({ data: transaction, primaryType: 'SafeTx', types: safeTxTypes }),
    safeTxHash: hashTypedData(typedData),
  }
}
