import type { Address, Hex } from 'viem'
import { pad } from 'viem'

/** EIP-1967: bytes32(uint256(keccak256('eip1967.proxy.implementation')) - 1). */
export const IMPLEMENTATION_SLOT: Hex = '0x360894a13ba1a3210667c828492db98dca3e2076cc3735a920a3ca505d382bbc'

export function slotValueOf(address: Address): Hex {
  return pad(address.toLowerCase() as Hex, { size: 32 })
}
