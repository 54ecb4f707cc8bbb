import { type Address, type Hex, getAddress, hexToBigInt, pad, parseAbi, sliceHex } from 'viem'
import type { ChainClients } from '../chain/clients.js'
import { tryRead } from './tryRead.js'
import type { ProxyInfo } from './types.js'

/** EIP-1967: bytes32(uint256(keccak256('eip1967.proxy.implementation')) - 1). */
export const EIP1967_IMPLEMENTATION_SLOT: Hex = '0x360894a13ba1a3210667c828492db98dca3e2076cc3735a920a3ca505d382bbc'
/** EIP-1967: bytes32(uint256(keccak256('eip1967.proxy.admin')) - 1). */
export const EIP1967_ADMIN_SLOT: Hex = '0xb53127684a568b3173ae13b9f8a6016e243e63b6e8ee1178d6a717850b5d6103'
/** EIP-1967: bytes32(uint256(keccak256('eip1967.proxy.beacon')) - 1). */
export const EIP1967_BEACON_SLOT: Hex = '0xa3f0ad74e5423aebfd80d3ef4346578335a9a72aeaee59ff6cb3582b35133d50'

const proxyAbi = parseAbi([
  // ERC-1822: a UUPS implementation answers with the slot it stores itself in.
  'function proxiableUUID() view returns (bytes32)',
  // IBeacon
  'function implementation() view returns (address)',
])

/**
 * What kind of proxy `address` is, read from its EIP-1967 slots:
 * - `beacon` when the beacon slot is set; the implementation is the beacon's `implementation()`;
 * - `uups` when the implementation answers ERC-1822's `proxiableUUID()` with the implementation slot;
 * - `transparent` when the admin slot is set (usually a ProxyAdmin; OpenZeppelin 5 deploys one per proxy);
 * - `uups` too when only the implementation slot is set: such a proxy has no upgrade function of
 *   its own, so whatever upgrade there is lives in the implementation (OpenZeppelin before 4.5
 *   wrote UUPS implementations without `proxiableUUID`);
 * - `none` otherwise (an ordinary contract, an EOA, or a proxy of a pre-EIP-1967 layout).
 */
export async function detectProxy(chain: ChainClients, address: Address): Promise<ProxyInfo> {
  const [implementationSlot, adminSlot, beaconSlot] = await Promise.all(
    [EIP1967_IMPLEMENTATION_SLOT, EIP1967_ADMIN_SLOT, EIP1967_BEACON_SLOT].map((slot) => readAddressSlot(chain, address, slot)),
  )
  const admin = adminSlot ? { admin: adminSlot } : {}

  if (beaconSlot) {
    const fromBeacon = await tryRead(chain, { address: beaconSlot, abi: proxyAbi, functionName: 'implementation' })
    // A beacon proxy's implementation slot is normally empty; fall back on it only if the beacon does not answer.
    const implementation = typeof fromBeacon === 'string' ? getAddress(fromBeacon) : implementationSlot
    if (implementation) return { kind: 'beacon', implementation, beacon: beaconSlot, ...admin }
  }
  if (!implementationSlot) return { kind: 'none' }

  const uuid = await tryRead(chain, { address: implementationSlot, abi: proxyAbi, functionName: 'proxiableUUID' })
  if (typeof uuid === 'string' && uuid.toLowerCase() === EIP1967_IMPLEMENTATION_SLOT) {
    return { kind: 'uups', implementation: implementationSlot, ...admin }
  }
  if (adminSlot) return { kind: 'transparent', implementation: implementationSlot, admin: adminSlot }
  return { kind: 'uups', implementation: implementationSlot }
}

/** The address stored in the low 20 bytes of `slot`, or undefined when the slot is empty. */
async function readAddressSlot(chain: ChainClients, address: Address, slot: Hex): Promise<Address | undefined> {
  const value = await chain.public.getStorageAt({ address, slot })
  if (!value || value === '0x' || hexToBigInt(value) === 0n) return undefined
  return getAddress(sliceHex(pad(value, { size: 32 }), 12, 32))
}
