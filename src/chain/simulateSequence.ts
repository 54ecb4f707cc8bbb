import type { Address, Hex } from 'viem'
import type { ChainClients } from './clients.js'
import { startFork } from './fork.js'
import { connect } from './clients.js'
import { isTransportError } from './transportError.js'

/**
 * One call of a sequence, from any account (a contract too: nothing is signed). `to: null` creates
 * a contract, where the node can (geth can; anvil refuses it with invalid params). `gas` caps the
 * call as a transaction's limit would; by default the node gives it the block's.
 */
export type SequenceCall = { from: Address; to: Address | null; data: Hex; value?: bigint; gas?: bigint }

/** `gasUsed` where the node says it (eth_simulateV1 does). */
export type SequenceResult = ({ status: 'success'; data: Hex } | { status: 'reverted'; data: Hex }) & { gasUsed?: bigint }

export type SimulateSequenceParameters = {
  calls: readonly SequenceCall[]
  /** The state the sequence starts from; the latest block by default. */
  blockNumber?: bigint
}

/**
 * Runs calls one after the other on the chain's current state, each seeing what the earlier ones
 * changed, and sends nothing: "pull this lever, then read the paused flag, then try a deposit".
 * `eth_simulateV1` does it in one request on nodes that have it (geth, reth, anvil and most
 * providers); on a node without it, the same request goes to a throwaway anvil fork of the node.
 * A revert is a result; a node that fails is an error.
 */
export async function simulateSequence(chain: ChainClients, { calls, blockNumber }: SimulateSequenceParameters): Promise<SequenceResult[]> {
  if (calls.length === 0) return []
  try {
    return await simulateV1(chain, calls, blockNumber)
  } catch (error) {
    if (isTransportError(error) || !isUnsupported(error)) throw error
  }
  const fork = await startFork({ forkUrl: chain.rpcUrl, blockNumber })
  try {
    return await simulateV1(await connect(fork.rpcUrl), calls, undefined)
  } finally {
    await fork.stop()
  }
}

async function simulateV1(chain: ChainClients, calls: readonly SequenceCall[], blockNumber: bigint | undefined): Promise<SequenceResult[]> {
  const [block] = await chain.public.simulateBlocks({
    blocks: [{ calls: calls.map((call) => ({ account: call.from, to: call.to, data: call.data, value: call.value ?? 0n, ...(call.gas === undefined ? {} : { gas: call.gas }) })) }],
    // No signature, balance or nonce checks: the callers are impersonated holders and probes.
    validation: false,
    ...(blockNumber === undefined ? {} : { blockNumber }),
  })
  if (!block) throw new Error('eth_simulateV1 returned no block')
  return block.calls.map((result) => ({ status: result.status === 'success' ? 'success' : 'reverted', data: result.data, ...(result.gasUsed === undefined ? {} : { gasUsed: result.gasUsed }) }))
}

/** The node does not know the method (-32601) or refuses it as a whole: only then is a fork tried. */
function isUnsupported(error: unknown): boolean {
  const text = String((error as { details?: string; message?: string })?.details ?? '') + String((error as Error)?.message ?? '')
  return /method not found|not supported|does not exist|not available|unsupported|-32601/i.test(text)
}
