import { type Address, isAddressEqual } from 'viem'
import type { ChainClients } from '../../../chain/clients.js'
import { CANONICAL_MULTI_SEND_CALL_ONLY } from './abi.js'

/** Whether a MultiSendCallOnly is deployed at an address on this chain. */
export type MultiSendDeployed = (address: Address) => boolean

/**
 * Which MultiSendCallOnly addresses have code on this chain: the canonical v1.4.1 one and those
 * the manifest names. A plan builder batches a Safe's calls through one only where it is there,
 * and otherwise splits them into one Safe transaction per call and says so, rather than have
 * owners sign a batch that cannot run. Addresses not asked about count as absent.
 */
export async function readMultiSendDeployments(chain: ChainClients, named: readonly (Address | undefined)[] = []): Promise<MultiSendDeployed> {
  const addresses = [CANONICAL_MULTI_SEND_CALL_ONLY, ...named.filter((address): address is Address => address !== undefined)]
  const unique = addresses.filter((address, index) => addresses.findIndex((other) => isAddressEqual(other, address)) === index)
  const codes = await Promise.all(unique.map((address) => chain.public.getCode({ address })))
  const deployed = unique.filter((_, index) => codes[index] !== undefined && codes[index] !== '0x')
  return (address) => deployed.some((each) => isAddressEqual(each, address))
}
