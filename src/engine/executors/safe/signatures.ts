import { type Address, type Hash, type Hex, type LocalAccount, concat, hashMessage, hexToNumber, isAddressEqual, recoverAddress, size, slice, toHex } from 'viem'
import { z } from 'zod'
import { SafeSignatureError } from './errors.js'
import { safeTxTypedData } from './hashes.js'
import { addressField, hashField, hexField, readJsonFile } from './jsonFile.js'
import type { SafeTransaction } from './safeTransaction.js'

/**
 * One owner's signature, as `firebreak safe sign` writes it: one file per signer, so owners sign on
 * their own machines (or hardware wallets) and only public data travels.
 */
export type SafeSignatureFile = { safe: Address; chainId: number; safeTxHash: Hash; signer: Address; signature: Hex }

/**
 * A signature that counts: who signed, and the 65 bytes as the Safe checks them, v 27/28 for an
 * EIP-712 signature of the safeTxHash, v 31/32 for an eth_sign (prefixed message) signature of it.
 */
export type OwnerSignature = { owner: Address; signature: Hex; kind: 'eip712' | 'eth_sign'; source: string }

const signatureFileSchema = z.object({
  safe: addressField,
  chainId: z.number().int().positive(),
  safeTxHash: hashField,
  signer: addressField,
  signature: hexField,
})

export function readSignatureFile(path: string): SafeSignatureFile {
  return readJsonFile(path, signatureFileSchema, 'Safe signature file', SafeSignatureError)
}

/** An owner's EIP-712 signature of the Safe transaction: what a hardware wallet shows as domain and message hash. */
export function signSafeTransaction(account: LocalAccount, chainId: number, safe: Address, transaction: SafeTransaction): Promise<Hex> {
  return account.signTypedData(safeTxTypedData(chainId, safe, transaction))
}

export type RecoveredSignature = { signer: Address; kind: OwnerSignature['kind']; signature: Hex }

/**
 * Who made `signature` over `safeTxHash`. v 27/28 is an EIP-712 signature, v 31/32 an eth_sign
 * one (Safe's own convention: v + 4). `cast wallet sign <safeTxHash>` makes an eth_sign signature
 * but leaves v at 27/28; when the EIP-712 reading does not give `expectedSigner` and the eth_sign
 * reading does, the signature is taken as eth_sign and v is raised by 4 for the Safe.
 */
export async function recoverSafeSignature(safeTxHash: Hash, signature: Hex, expectedSigner?: Address): Promise<RecoveredSignature> {
  if (size(signature) !== 65) throw new SafeSignatureError(`a Safe owner signature is 65 bytes (r, s, v), got ${size(signature)}`)
  const rs = slice(signature, 0, 64)
  let v = hexToNumber(slice(signature, 64, 65))
  if (v === 0 || v === 1) v += 27
  const withV = (value: number) => concat([rs, toHex(value, { size: 1 })])
  const prefixed = hashMessage({ raw: safeTxHash })
  if (v === 31 || v === 32) {
    return { signer: await recoverAddress({ hash: prefixed, signature: withV(v - 4) }), kind: 'eth_sign', signature: withV(v) }
  }
  if (v !== 27 && v !== 28) {
    throw new SafeSignatureError(`signature v = ${v} is not an owner's key signature (EIP-712: v 27/28, eth_sign: v 31/32); contract signatures and approved hashes are not supported here`)
  }
  const typed = await recoverAddress({ hash: safeTxHash, signature: withV(v) })
  if (expectedSigner && !isAddressEqual(typed, expectedSigner)) {
    const personal = await recoverAddress({ hash: prefixed, signature: withV(v) })
    if (isAddressEqual(personal, expectedSigner)) return { signer: personal, kind: 'eth_sign', signature: withV(v + 4) }
  }
  return { signer: typed, kind: 'eip712', signature: withV(v) }
}

export type SignatureExpectation = { chainId: number; safe: Address; safeTxHash: Hash; owners: readonly Address[] }

/**
 * A signature file checked against the Safe transaction it must approve. Each refusal says which
 * file and why: a signature for another transaction is most often a plan that changed (a new
 * nonce, another call) after the owner signed, and the owner must sign again.
 */
export async function ownerSignatureFromFile(path: string, file: SafeSignatureFile, expected: SignatureExpectation): Promise<OwnerSignature> {
  if (file.chainId !== expected.chainId || !isAddressEqual(file.safe, expected.safe)) {
    throw new SafeSignatureError(`${path} is signed for Safe ${file.safe} on chain ${file.chainId}, but this step's Safe is ${expected.safe} on chain ${expected.chainId}`)
  }
  if (file.safeTxHash !== expected.safeTxHash.toLowerCase()) {
    throw new SafeSignatureError(`${path} is signed for Safe transaction ${file.safeTxHash}, but this plan's is ${expected.safeTxHash}: the plan changed since it was signed; sign the new Safe transaction file`)
  }
  const recovered = await recoverSafeSignature(expected.safeTxHash, file.signature, file.signer).catch((error: unknown) => {
    if (error instanceof SafeSignatureError) throw new SafeSignatureError(`${path}: ${error.shortMessage}`, { cause: error })
    throw new SafeSignatureError(`${path}: the signature cannot be recovered (${(error as Error).message.split('\n')[0]})`, { cause: error })
  })
  if (!isAddressEqual(recovered.signer, file.signer)) {
    throw new SafeSignatureError(`${path} says it is signed by ${file.signer}, but the signature is by ${recovered.signer}: it was not made by that key over this Safe transaction`)
  }
  return ownerSignature(recovered, expected, path)
}

/** A recovered signature that counts only if its signer owns the Safe. */
export function ownerSignature(recovered: RecoveredSignature, expected: Pick<SignatureExpectation, 'safe' | 'owners'>, source: string): OwnerSignature {
  const owner = expected.owners.find((candidate) => isAddressEqual(candidate, recovered.signer))
  if (!owner) throw new SafeSignatureError(notOwnerMessage(recovered.signer, expected.safe, expected.owners, source))
  return { owner, signature: recovered.signature, kind: recovered.kind, source }
}

export function notOwnerMessage(signer: Address, safe: Address, owners: readonly Address[], source?: string): string {
  return `${source ? `${source}: ` : ''}${signer} is not an owner of Safe ${safe} (owners: ${owners.join(', ')})`
}

/**
 * The `signatures` argument of `execTransaction`: the Safe checks its first `threshold` signatures
 * and requires their signers in strictly ascending address order, so one per owner, sorted.
 */
export function encodeSignatures(signatures: readonly OwnerSignature[], threshold: number): Hex {
  const byOwner = new Map<string, OwnerSignature>()
  for (const signature of signatures) byOwner.set(signature.owner.toLowerCase(), signature)
  const sorted = [...byOwner.values()].sort((a, b) => (BigInt(a.owner) < BigInt(b.owner) ? -1 : 1))
  return concat(sorted.slice(0, threshold).map((each) => each.signature))
}
