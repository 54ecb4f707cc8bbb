import type { Abi, Address, ContractFunctionArgs, ContractFunctionName } from 'viem'
import type { ChainClients } from './clients.js'
import { isTransportError, unwrapNodeFailure } from './transportError.js'

export type TryReadParameters<abi extends Abi, functionName extends ContractFunctionName<abi, 'view' | 'pure'>> = {
  address: Address
  abi: abi
  functionName: functionName
  args?: ContractFunctionArgs<abi, 'view' | 'pure', functionName>
  blockNumber?: bigint
}

/**
 * Reads a view function that the contract may not have: `undefined` when the call reverts, returns
 * nothing (no code, no such function) or returns data that does not decode. Probing unknown
 * contracts this way is how inspection tells a Safe from a timelock. An unreachable node is not
 * "no answer", though: its error is thrown, so that a dead RPC never makes a Safe look like an EOA.
 * The transport has already retried transient faults (429, dropped connections, timeouts) by then:
 * what is thrown is the node's {@link NodeFailedError}, unwrapped from viem's contract error.
 */
export async function tryRead<abi extends Abi, functionName extends ContractFunctionName<abi, 'view' | 'pure'>>(
  chain: ChainClients,
  parameters: TryReadParameters<abi, functionName>,
): Promise<unknown | undefined> {
  try {
    return await chain.public.readContract(parameters as never)
  } catch (error) {
    if (isTransportError(error)) throw unwrapNodeFailure(error)
    return undefined
  }
}
