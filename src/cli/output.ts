import { FirebreakError, InvalidInputError } from '../errors.js'
import { COMMON_FLAGS, inFlags } from './flags.js'

/** Exit codes scripts can rely on. */
export const EXIT = {
  ok: 0,
  failed: 1,
  usage: 2,
  internal: 3,
  /** Part of the plan waits for a timelock's delay: nothing failed, run the same command again later. */
  waiting: 4,
  /**
   * Part of the plan waits for Safe owners' signatures: nothing failed, every step that did not
   * need them is done, and every Safe transaction file to sign is named. Owners sign, then the
   * same command runs again with --signature for each signature file. Takes precedence over
   * `waiting` when both hold: the signatures are what someone must act on now.
   */
  signatures: 5,
} as const

/** JSON with bigints as decimal strings: amounts never lose precision on the way to a script. */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_, inner) => (typeof inner === 'bigint' ? inner.toString() : inner), 2)
}

/**
 * One line on stderr for what went wrong; the context only with --verbose. A stack trace is shown
 * only for errors firebreak did not expect (bugs), and only with --verbose.
 */
export function reportError(error: unknown, verbose: boolean): number {
  if (error instanceof FirebreakError && error.name === 'AwaitingSignaturesError') {
    // Not a failure: the plan went as far as it could and waits for Safe owners (upgrade, reimburse, restore).
    process.stderr.write(`firebreak: ${error.shortMessage}\n`)
    return EXIT.signatures
  }
  if (error instanceof InvalidInputError && !error.parameter.startsWith('--')) error = inFlags(error, COMMON_FLAGS)
  if (error instanceof FirebreakError) {
    process.stderr.write(`firebreak: ${error.shortMessage}\n`)
    if (verbose) for (const line of error.metaMessages) process.stderr.write(`  ${line}\n`)
    else if (error.metaMessages.length > 0) process.stderr.write('  (run with --verbose for details)\n')
    // A value the library cannot use is the same mistake as one the command line refuses.
    return error instanceof InvalidInputError ? EXIT.usage : EXIT.failed
  }
  if (nodeDidNotAnswer(error)) {
    // viem's short message never carries the URL, which may hold an API key.
    process.stderr.write(`firebreak: the node did not answer (${error.shortMessage}): check the RPC URL and the node, then run the same command again; the journal resumes where it stopped\n`)
    return EXIT.failed
  }
  const message = error instanceof Error ? ((error as { shortMessage?: string }).shortMessage ?? error.message) : String(error)
  process.stderr.write(`firebreak: unexpected error: ${message.split('\n')[0]}\n`)
  if (verbose && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`)
  else process.stderr.write('  (this is a bug in firebreak; run with --verbose for the stack trace)\n')
  return EXIT.internal
}

/**
 * A node that was unreachable or too slow mid-run: the war room's problem to fix, not a bug in
 * firebreak. Told by viem's error names along the cause chain: importing viem here would load it
 * at every start, \`--help\` included.
 */
function nodeDidNotAnswer(error: unknown): error is Error & { shortMessage: string } {
  // NodeFailedError: the retrying transport's verdict, which viem wraps in its contract and
  // transaction errors; its cause may be a JSON-RPC 429 that names no transport class.
  const transport = new Set(['HttpRequestError', 'TimeoutError', 'WebSocketRequestError', 'NodeFailedError'])
  if (typeof (error as { shortMessage?: unknown })?.shortMessage !== 'string') return false
  for (let cause: unknown = error, depth = 0; cause instanceof Error && depth < 10; cause = cause.cause, depth++) {
    if (transport.has(cause.name)) return true
  }
  return false
}
