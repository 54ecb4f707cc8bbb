import { type Address, type Hex, bytesToHex, encodeFunctionData, getAddress, hexToBigInt, hexToBytes, keccak256, pad, parseAbi, sliceHex, toHex, zeroAddress } from 'viem'
import type { ChainClients } from '../chain/clients.js'
import { framesOf, traceCall } from '../chain/traceCall.js'
import { isTransportError } from '../chain/transportError.js'
import { tryRead } from '../chain/tryRead.js'
import type { ProxyInfo } from './types.js'

/** EIP-1967: bytes32(uint256(keccak256('eip1967.proxy.implementation')) - 1). */
export const EIP1967_IMPLEMENTATION_SLOT: Hex = '0x360894a13ba1a3210667c828492db98dca3e2076cc3735a920a3ca505d382bbc'
/** EIP-1967: bytes32(uint256(keccak256('eip1967.proxy.admin')) - 1). */
export const EIP1967_ADMIN_SLOT: Hex = '0xb53127684a568b3173ae13b9f8a6016e243e63b6e8ee1178d6a717850b5d6103'
/** EIP-1967: bytes32(uint256(keccak256('eip1967.proxy.beacon')) - 1). */
export const EIP1967_BEACON_SLOT: Hex = '0xa3f0ad74e5423aebfd80d3ef4346578335a9a72aeaee59ff6cb3582b35133d50'

/** OpenZeppelin's proxies before EIP-1967 (zos, OpenZeppelin SDK 2.x): the same roles under other slots. */
export const ZEPPELINOS_IMPLEMENTATION_SLOT: Hex = keccak256(toHex('org.zeppelinos.proxy.implementation'))
export const ZEPPELINOS_ADMIN_SLOT: Hex = keccak256(toHex('org.zeppelinos.proxy.admin'))

const proxyAbi = parseAbi([
  // ERC-1822: a UUPS implementation answers with the slot it stores itself in.
  'function proxiableUUID() view returns (bytes32)',
  // IBeacon
  'function implementation() view returns (address)',
  // An admin-upgradeable proxy answers its admin, and only its admin (Aave's immutable-admin proxies)
  'function admin() view returns (address)',
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
  if (!implementationSlot) return (await legacyProxy(chain, address)) ?? (await singletonProxy(chain, address)) ?? { kind: 'none' }

  const uuid = await tryRead(chain, { address: implementationSlot, abi: proxyAbi, functionName: 'proxiableUUID' })
  if (typeof uuid === 'string' && uuid.toLowerCase() === EIP1967_IMPLEMENTATION_SLOT) {
    return { kind: 'uups', implementation: implementationSlot, ...admin }
  }
  if (adminSlot) return { kind: 'transparent', implementation: implementationSlot, admin: adminSlot }
  const immutable = await immutableAdmin(chain, address)
  if (immutable) return { kind: 'transparent', implementation: implementationSlot, admin: immutable }
  return { kind: 'uups', implementation: implementationSlot }
}

/** A proxy of OpenZeppelin's pre-EIP-1967 layout: upgraded by its admin, as a transparent proxy is. */
async function legacyProxy(chain: ChainClients, address: Address): Promise<ProxyInfo | undefined> {
  const [implementation, admin] = await Promise.all([readAddressSlot(chain, address, ZEPPELINOS_IMPLEMENTATION_SLOT), readAddressSlot(chain, address, ZEPPELINOS_ADMIN_SLOT)])
  if (!implementation) return undefined
  return admin ? { kind: 'transparent', implementation, admin, layout: 'zeppelinos' } : { kind: 'uups', implementation, layout: 'zeppelinos' }
}

/**
 * A proxy that keeps its implementation in slot 0, as every Safe does (`singleton`): small code
 * that delegates every call. Slot 0 of an ordinary contract often holds an address too (an owner),
 * so the proxy must be seen delegating to it: in a trace where the node has one, else by its code.
 * Such a proxy has no upgrade function: only its own logic can move its singleton.
 */
async function singletonProxy(chain: ChainClients, address: Address): Promise<ProxyInfo | undefined> {
  const singleton = await readAddressSlot(chain, address, '0x0')
  if (!singleton) return undefined
  const [code, singletonCode] = await Promise.all([chain.public.getCode({ address }), chain.public.getCode({ address: singleton })])
  if (!code || !singletonCode || singletonCode === '0x' || !delegatesOnly(code)) return undefined
  const probe = bytesToHex(hexToBytes(keccak256(toHex('firebreak: which code answers?'))).subarray(0, 4))
  const trace = await traceCall(chain, { from: zeroAddress, to: address, data: probe })
  if (trace && !framesOf(trace).some((frame) => frame.type === 'DELEGATECALL' && frame.to?.toLowerCase() === singleton.toLowerCase())) return undefined
  return { kind: 'singleton', implementation: singleton }
}

const DELEGATECALL = 0xf4
/** Proxy code is short and delegates: a Safe proxy is 171 bytes, OpenZeppelin's minimal clones 45. */
function delegatesOnly(code: Hex): boolean {
  const bytes = hexToBytes(code)
  if (bytes.length > 1024) return false
  for (let pc = 0; pc < bytes.length; pc++) {
    const opcode = bytes[pc] as number
    if (opcode === DELEGATECALL) return true
    if (opcode >= 0x60 && opcode <= 0x7f) pc += opcode - 0x5f
  }
  return false
}

/**
 * The admin of a proxy that keeps it in its code rather than in a slot (Aave v3's
 * InitializableImmutableAdminUpgradeabilityProxy, whose admin is the PoolAddressesProvider): an
 * address the code pushes, from which `admin()` answers with that same address. From anyone else
 * the call falls through to the implementation.
 */
async function immutableAdmin(chain: ChainClients, proxy: Address): Promise<Address | undefined> {
  const code = await chain.public.getCode({ address: proxy })
  if (!code) return undefined
  const data = encodeFunctionData({ abi: proxyAbi, functionName: 'admin' })
  // All at once: the transport batches them into one request.
  const answers = await Promise.all(
    pushedAddresses(code)
      .slice(0, 8)
      .map(async (candidate) => {
        try {
          const { data: answer } = await chain.public.call({ account: candidate, to: proxy, data })
          return answer && answer.length === 66 && getAddress(sliceHex(answer, 12, 32)) === candidate ? candidate : undefined
        } catch (error) {
          if (isTransportError(error)) throw error
          return undefined
        }
      }),
  )
  return answers.find((answer) => answer !== undefined)
}

/** Addresses a contract's code pushes: PUSH20, or PUSH32 of a value that fits in 20 bytes (solc's immutables). */
function pushedAddresses(code: Hex): Address[] {
  const bytes = hexToBytes(code)
  const found = new Set<Address>()
  for (let pc = 0; pc < bytes.length; pc++) {
    const opcode = bytes[pc] as number
    if (opcode < 0x60 || opcode > 0x7f) continue
    const size = opcode - 0x5f
    const value = bytes.subarray(pc + 1, pc + 1 + size)
    pc += size
    if (size !== 20 && !(size === 32 && value.subarray(0, 12).every((byte) => byte === 0))) continue
    const address = value.subarray(size - 20)
    if (address.filter((byte) => byte !== 0).length < 10) continue
    found.add(getAddress(bytesToHex(address)))
  }
  return [...found]
}

/** The address stored in the low 20 bytes of `slot`, or undefined when the slot is empty. */
async function readAddressSlot(chain: ChainClients, address: Address, slot: Hex): Promise<Address | undefined> {
  const value = await chain.public.getStorageAt({ address, slot })
  if (!value || value === '0x' || hexToBigInt(value) === 0n) return undefined
  return getAddress(sliceHex(pad(value, { size: 32 }), 12, 32))
}
