import type { Address, Hex } from 'viem'
import type { ChainClients } from './clients.js'
import { isTransportError } from './transportError.js'

/** One frame of a call tree, as geth's callTracer reports it (anvil and reth speak the same). */
export type CallFrame = {
  type: string
  from: Address
  to?: Address
  input: Hex
  error?: string
  calls?: CallFrame[]
}

export type TraceCallParameters = { from: Address; to: Address; data: Hex }

/**
 * The tree of calls a call would make, were it sent now (`debug_traceCall` with the callTracer):
 * where a function really acts, whatever it is named (`setPoolImpl` calls the proxy's
 * `upgradeToAndCall`). Undefined when the node has no such tracer; a node that fails is an error.
 */
export async function traceCall(chain: ChainClients, call: TraceCallParameters): Promise<CallFrame | undefined> {
  try {
    return (await chain.public.request({
      method: 'debug_traceCall',
      params: [{ from: call.from, to: call.to, data: call.data }, 'latest', { tracer: 'callTracer' }],
    } as never)) as CallFrame
  } catch (error) {
    if (isTransportError(error)) throw error
    return undefined
  }
}

/** Every frame of the tree, depth first. */
export function framesOf(frame: CallFrame): CallFrame[] {
  return [frame, ...(frame.calls ?? []).flatMap(framesOf)]
}
