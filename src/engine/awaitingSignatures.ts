import type { Address, Hash } from 'viem'
import { FirebreakError } from '../errors.js'
import type { StepOutcome } from './execute.js'
import type { SafeThresholdNotMetError } from './executors/safe/errors.js'
import type { SimulationResult } from './simulate.js'

/**
 * A Safe transaction of the plan that its owners have yet to sign. Its file is written: owners
 * can sign it now, whatever its nonce, while the rest of the plan goes on.
 */
export type SafeTransactionAwaitingSignatures = {
  /** The step the Safe transaction performs. */
  stepId: string
  stepTitle: string
  safe: Address
  /** The Safe's name in the manifest: `council`. */
  label: string
  nonce: bigint
  safeTxHash: Hash
  /** The Safe transaction file owners sign with `firebreak safe sign <file>`. */
  file: string
  threshold: number
  signed: Address[]
  /** Owners who have not signed; any `needed` of them complete the threshold. */
  unsigned: Address[]
  /** How many more owner signatures the transaction needs. */
  needed: number
  /** A MultiSendCallOnly other than the canonical one, which signers accept by name (`--multi-send`). */
  multiSend?: Address
  /** What else stops it once signed: no key to submit it. */
  submitterProblem?: string
}

export function awaitingSignaturesOf(error: SafeThresholdNotMetError): SafeTransactionAwaitingSignatures {
  const { stepId, stepTitle, safe, label, nonce, safeTxHash, file, threshold, signed, missing, multiSend, submitterProblem } = error.details
  return {
    stepId,
    stepTitle,
    safe,
    label,
    nonce,
    safeTxHash,
    file,
    threshold,
    signed: [...signed],
    unsigned: [...missing],
    needed: Math.max(threshold - signed.length, 0),
    ...(multiSend ? { multiSend } : {}),
    ...(submitterProblem ? { submitterProblem } : {}),
  }
}

/**
 * `Safe council (0x…) has 0 of 2 signatures: 2 more from any 2 of 0xA, 0xB, 0xC, on <file>`:
 * which owners, how many of them, and which file, for one Safe transaction.
 */
export function describeAwaitingSignatures(awaiting: SafeTransactionAwaitingSignatures): string {
  const { label, safe, signed, threshold, needed, unsigned, file, multiSend } = awaiting
  const who = needed >= unsigned.length ? `each of ${unsigned.join(', ')}` : `any ${needed} of ${unsigned.join(', ')}`
  const accept = multiSend ? ` (signers add --multi-send ${multiSend})` : ''
  return `Safe ${label} (${safe}) has ${signed.length} of ${threshold} signatures, needs ${needed} more from ${who}, on ${file}${accept}`
}

/** What a run did before it stopped for signatures: the steps done, the Safe transactions to sign, the steps behind them. */
export type AwaitingSignaturesOutcome = {
  steps: StepOutcome[]
  awaitingSignatures: SafeTransactionAwaitingSignatures[]
  blocked?: { step: string; behind: string }[]
  waiting?: { step: string; readyAt: bigint }
  simulation?: SimulationResult
}

/**
 * The plan went as far as it could and now waits for Safe owners: nothing failed. Every Safe
 * transaction still to sign is named at once, with its file and the owners who can sign it, so
 * that owners sign them all in one round; the steps that could go without them went. The CLI
 * exits with its own code (EXIT.signatures), not as a failure.
 */
export class AwaitingSignaturesError extends FirebreakError {
  override name = 'AwaitingSignaturesError'
  readonly awaitingSignatures: SafeTransactionAwaitingSignatures[]
  readonly outcome: AwaitingSignaturesOutcome

  constructor(outcome: AwaitingSignaturesOutcome) {
    const { awaitingSignatures: awaiting, steps, blocked = [] } = outcome
    const done = steps.length
    const count = `${awaiting.length} Safe transaction${awaiting.length === 1 ? '' : 's'}`
    super(
      `${done} step${done === 1 ? '' : 's'} done, nothing failed; waiting for owner signatures on ${count}: ${awaiting.map(describeAwaitingSignatures).join('; ')}. Each owner runs \`firebreak safe sign <file> --out <signature.json> --key-env <VARIABLE>\`, then run this again with --signature <signature.json> for each signature`,
      {
        metaMessages: [
          ...steps.map((step) => `done: ${step.stepId}${step.txHash ? ` (tx ${step.txHash})` : ' (already on chain)'}`),
          ...awaiting.flatMap((each) => [
            `to sign: ${each.file} — step "${each.stepTitle}", Safe ${each.label} nonce ${each.nonce}, safeTxHash ${each.safeTxHash}`,
            `  signed by: ${each.signed.length > 0 ? each.signed.join(', ') : 'nobody yet'}`,
            ...each.unsigned.map((owner) => `  ${owner} runs: firebreak safe sign ${each.file} --out ${owner}.signature.json --key-env <VARIABLE holding its key>${each.multiSend ? ` --multi-send ${each.multiSend}` : ''}`),
            ...(each.submitterProblem ? [`  also: ${each.submitterProblem}`] : []),
          ]),
          ...blocked.map(({ step, behind }) => `not yet run: ${step}, which follows ${behind}`),
          'A signer may use --keystore <path> --password-env <VARIABLE> instead of --key-env, or `cast wallet sign` on the safeTxHash (eth_sign) written as a signature file.',
        ],
      },
    )
    this.awaitingSignatures = awaiting
    this.outcome = outcome
  }
}
