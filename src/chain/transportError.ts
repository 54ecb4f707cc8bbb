import { BaseError, HttpRequestError, TimeoutError, WebSocketRequestError } from 'viem'

/**
 * The node could not be reached or did not answer, as opposed to answering with an error. After a
 * broadcast such an error leaves it open whether the node took the transaction; after a read, it
 * says nothing about the contract. Anything that is not a viem error counts as one: unknown.
 */
export function isTransportError(error: unknown): boolean {
  if (!(error instanceof BaseError)) return true
  const transport = error.walk((cause) => cause instanceof HttpRequestError || cause instanceof TimeoutError || cause instanceof WebSocketRequestError)
  return transport !== null && transport !== undefined
}
