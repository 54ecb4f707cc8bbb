import type { Address, Hash } from 'viem'
import { FirebreakError, type FirebreakErrorOptions } from '../../../errors.js'

/** A signature that cannot count towards the threshold: for another transaction, by someone else, unreadable. */
export class SafeSignatureError extends FirebreakError {
  override name = 'SafeSignatureError'
}

/**
 * The Safe transaction cannot be trusted or sent as built: the Safe hashes it differently, its
 * MultiSend is missing, its file was edited, its nonce was used by another transaction.
 */
export class SafeTransactionError extends FirebreakError {
  override name = 'SafeTransactionError'
}

export type SafeThresholdNotMet = {
  /** The plan step the Safe transaction performs. */
  stepId: string
  stepTitle: string
  safe: Address
  label: string
  /** The Safe nonce the transaction is built for: signable now, executed in nonce order. */
  nonce: bigint
  safeTxHash: Hash
  /** The Safe transaction file the missing owners sign. */
  file: string
  signed: Address[]
  missing: Address[]
  threshold: number
  /** The non-canonical MultiSendCallOnly a batch goes through, which signers must accept by name. */
  multiSend?: Address
  /** What else stops the transaction once signed (no key to submit it), said now so it is sorted out while owners sign. */
  submitterProblem?: string
}

/** Fewer owners signed than the Safe's threshold: nothing was sent; what each missing owner runs is in the message. */
export class SafeThresholdNotMetError extends FirebreakError {
  override name = 'SafeThresholdNotMetError'
  readonly have: number
  readonly need: number
  readonly safeTxHash: Hash
  readonly file: string
  readonly missing: Address[]
  readonly details: SafeThresholdNotMet

  constructor(details: SafeThresholdNotMet, options: FirebreakErrorOptions = {}) {
    const { safe, label, safeTxHash, file, signed, missing, threshold, multiSend } = details
    const acceptMultiSend = multiSend ? ` --multi-send ${multiSend}` : ''
    const command = `firebreak safe sign ${file} --out <signature.json> --key-env <VARIABLE>${acceptMultiSend}`
    super(
      `Safe ${label} (${safe}) has ${signed.length} of the ${threshold} owner signatures it needs for Safe transaction ${safeTxHash}: each missing owner runs \`${command}\`, then run this again with --signature <signature.json> for each signature`,
      {
        ...options,
        metaMessages: [
          `Safe transaction file: ${file}`,
          signed.length > 0 ? `signed by: ${signed.join(', ')}` : 'signed by: nobody yet',
          `owners who may still sign: ${missing.join(', ')}`,
          ...missing.map((owner) => `${owner} runs: firebreak safe sign ${file} --out ${owner}.signature.json --key-env <VARIABLE holding its key>${acceptMultiSend}`),
          'A signer may use --keystore <path> --password-env <VARIABLE> instead of --key-env, or `cast wallet sign` on the safeTxHash (eth_sign) written as a signature file.',
          ...(options.metaMessages ?? []),
        ],
      },
    )
    this.have = signed.length
    this.need = threshold
    this.safeTxHash = safeTxHash
    this.file = file
    this.missing = missing
    this.details = details
  }
}
