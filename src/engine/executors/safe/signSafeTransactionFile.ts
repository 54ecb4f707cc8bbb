import { resolve } from 'node:path'
import { type Address, type LocalAccount, isAddress, isAddressEqual } from 'viem'
import { InvalidInputError } from '../../../errors.js'
import { CANONICAL_MULTI_SEND_CALL_ONLY } from './abi.js'
import { SafeSignatureError, SafeTransactionError } from './errors.js'
import { writeJsonFile } from './jsonFile.js'
import { type VerifiedSafeTransaction, readSafeTransactionFile } from './safeTransactionFile.js'
import { type SafeSignatureFile, notOwnerMessage, recoverSafeSignature, signSafeTransaction } from './signatures.js'

export type SignSafeTransactionFileParameters = {
  /** The Safe transaction file firebreak wrote (`safe-tx/<plan>-<step>.json`). */
  file: string
  /** The owner's key; it signs here and is never written anywhere. */
  account: LocalAccount
  /** Where the signature file goes. */
  out: string
  /**
   * A MultiSendCallOnly other than the canonical v1.4.1 one that the signer accepts as the target
   * of a batch's delegate call (the one the team's manifest names for this chain).
   */
  multiSend?: Address
}

export type SignSafeTransactionFileReturnType = { transaction: VerifiedSafeTransaction; signature: SafeSignatureFile; out: string }

/**
 * What `firebreak safe sign` does: checks the Safe transaction file (its hashes recomputed from its
 * fields, its listed calls rebuilt into its data), signs its EIP-712 data with an owner's key and
 * writes the signature file the executor accepts with `--signature`.
 */
export async function signSafeTransactionFile({ file, account, out, multiSend }: SignSafeTransactionFileParameters): Promise<SignSafeTransactionFileReturnType> {
  if (resolve(out) === resolve(file)) throw new InvalidInputError({ parameter: 'out', value: out, problem: 'is the Safe transaction file itself: write the signature to its own file' })
  const transaction = readSafeTransactionFile(file)
  const { chainId, safe, owners } = transaction.file
  requireKnownDelegate(transaction, multiSend)
  if (!owners.some((owner) => isAddressEqual(owner, account.address))) throw new SafeSignatureError(notOwnerMessage(account.address, safe, owners))
  const signed = await signSafeTransaction(account, chainId, safe, transaction.transaction)
  const recovered = await recoverSafeSignature(transaction.hashes.safeTxHash, signed)
  if (!isAddressEqual(recovered.signer, account.address)) {
    throw new SafeSignatureError(`the key of ${account.address} produced a signature of ${recovered.signer}: not writing it`)
  }
  const signature: SafeSignatureFile = { safe, chainId, safeTxHash: transaction.hashes.safeTxHash, signer: account.address, signature: signed }
  writeJsonFile(out, signature)
  return { transaction, signature, out }
}

/**
 * A delegate call runs the target's code as the Safe, with power over its owners and funds: a
 * batch is signed only when it goes through the canonical MultiSendCallOnly or the one the signer
 * names. The file's listed calls match its data, but a tampered file could pair them with a
 * lookalike `multiSend` contract that does something else.
 */
function requireKnownDelegate({ path, transaction }: VerifiedSafeTransaction, accepted: Address | undefined): void {
  if (accepted !== undefined && !isAddress(accepted)) throw new InvalidInputError({ parameter: 'multiSend', value: accepted, problem: 'is not an address (or its checksum is wrong)' })
  if (transaction.operation !== 1) return
  if (isAddressEqual(transaction.to, CANONICAL_MULTI_SEND_CALL_ONLY) || (accepted && isAddressEqual(transaction.to, accepted))) return
  throw new SafeTransactionError(
    `${path} delegate-calls ${transaction.to}, which is not the canonical MultiSendCallOnly ${CANONICAL_MULTI_SEND_CALL_ONLY}: a delegate call runs that code as the Safe; accept ${transaction.to} as the MultiSendCallOnly only if your team's manifest names it as this chain's`,
  )
}
