import { type Abi, type Address, BaseError, type ContractFunctionArgs, type ContractFunctionName, InvalidParamsRpcError } from 'viem'
import type { ChainClients } from './clients.js'
import { NodeFailedError, nodeLabel } from './nodeFault.js'
import { isTransportError, unwrapNodeFailure } from './transportError.js'

export type TryReadParameters<abi extends Abi, functionName extends ContractFunctionName<abi, 'view' | 'pure'>> = {
  address: Address
  abi: abi
  functionName: functionName
  args?: ContractFunctionArgs<abi, 'view' | 'pure', functionName>
  blockNumber?: bigint
}

/**
 * A node's answer that it cannot run the call on the state asked for (geth's "header not found" and
 * "missing trie node" for a block a full node pruned, "unknown block" for one it does not have yet).
 * It says nothing about the contract: read as "no such function", it would make a Safe look like an EOA.
 */
const stateUnavailable = /header not found|missing trie node|unknown block|block not found|historical state|state (is )?not available|pruned/i

/**
 * Reads a view function that the contract may not have: `undefined` when the call reverts, returns
 * nothing (no code, no such function) or returns data that does not decode. Probing unknown
 * contracts this way is how inspection tells a Safe from a timelock. An unreachable node is not
 * "no answer", though: its error is thrown, so that a dead RPC never makes a Safe look like an EOA.
 * The transport has already retried transient faults (429, dropped connections, timeouts) by then:
 * what is thrown is the node's {@link NodeFailedError}, unwrapped from viem's contract error. So is
 * a node that answers it cannot read the state the call needs, or that refuses the request itself.
 */
export async function tryRead<abi extends Abi, functionName extends ContractFunctionName<abi, 'view' | 'pure'>>(
  chain: ChainClients,
  parameters: TryReadParameters<abi, functionName>,
): Promise<unknown | undefined> {
  try {
    return await chain.public.readContract(parameters as never)
  } catch (error) {
    if (isTransportError(error)) throw unwrapNodeFailure(error)
    const refusal = nodeRefusal(error)
    if (refusal) {
      const at = parameters.blockNumber === undefined ? 'the latest block' : `block ${parameters.blockNumber}`
      throw new NodeFailedError({ node: nodeLabel(chain.rpcUrl), method: 'eth_call', attempts: 1, fault: { kind: 'http', description: `cannot run it on ${at}: ${refusal}`, transient: false, unprocessed: true }, cause: error })
    }
    return undefined
  }
}

/** The node's own words when it refused to run the call at all, rather than running it and seeing it fail. */
function nodeRefusal(error: unknown): string | undefined {
  if (!(error instanceof BaseError)) return undefined
  const invalidParams = error.walk((cause) => cause instanceof InvalidParamsRpcError)
  if (invalidParams) return (invalidParams as BaseError).details || 'invalid parameters'
  const details = error.walk((cause) => typeof (cause as BaseError).details === 'string' && stateUnavailable.test((cause as BaseError).details))
  return details ? (details as BaseError).details : undefined
}
