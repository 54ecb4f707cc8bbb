import type { Abi, Address, ContractFunctionArgs, ContractFunctionName } from 'viem'
import type { ChainClients } from '../chain/clients.js'
import { isTransportError } from '../chain/transportError.js'

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
 */
export async function tryRead<abi extends Abi, functionName extends ContractFunctionName<abi, 'view' | 'pure'>>(
  chain: ChainClients,
  parameters: TryReadParameters<abi, functionName>,
): Promise<unknown | undefined> {
  try {
    return await chain.public.readContract(parameters as never)
  } catch (error) {
    if (isTransportError(error)) throw error
    return undefined
  }
}
