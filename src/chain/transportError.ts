import { BaseError } from 'viem'
import { NodeFailedError, nodeFault } from './nodeFault.js'

/**
 * The node could not be reached or did not answer, as opposed to answering with an error. After a
 * broadcast such an error leaves it open whether the node took the transaction; after a read, it
 * says nothing about the contract. Anything that is not a viem error counts as one: unknown.
 *
 * A dropped connection, a 429 (as an HTTP status, or as one item's error in a batch), a 502/503/504,
 * a timeout and a {@link NodeFailedError} (what {@link connect}'s transport throws once its retries
 * are spent) all count, wherever they sit in viem's chain of causes.
 */
export function isTransportError(error: unknown): boolean {
  if (error instanceof NodeFailedError) return true
  if (!(error instanceof BaseError)) return true
  return nodeFault(error) !== undefined
}

/**
 * The {@link NodeFailedError} behind an error viem wrapped on its way up (a failed `eth_call` comes
 * back as a contract function error around it), so that the user reads the node's fault as it is;
 * any other error as it is.
 */
export function unwrapNodeFailure(error: unknown): unknown {
  for (let cause = error, depth = 0; cause instanceof Error && depth < 12; cause = cause.cause, depth++) {
    if (cause instanceof NodeFailedError) return cause
  }
  return error
}
