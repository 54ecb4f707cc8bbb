import { type Abi, type Address, type Hex, parseAbi } from 'viem'
import type { ChainClients } from '../chain/clients.js'
import { type Action, type Check, contractCall, viewFunction } from '../engine/plan.js'
import { FirebreakError } from '../errors.js'
import { detectProxy } from '../inspect/proxy.js'
import type { ProxyKind } from '../inspect/types.js'
import { IMPLEMENTATION_SLOT, slotValueOf } from './proxySlots.js'

/** Where an upgrade is made: on a UUPS proxy itself, on a transparent proxy's ProxyAdmin, or on a beacon. */
export type UpgradeRoute =
  | { kind: 'uups'; proxy: Address }
  | { kind: 'transparent'; proxy: Address; proxyAdmin: Address }
  | { kind: 'beacon'; proxy: Address; beacon: Address }

export class WrongProxyKindError extends FirebreakError {
  override name = 'WrongProxyKindError'
}

export const upgradeAbi = parseAbi([
  'function upgradeToAndCall(address newImplementation, bytes data) payable',
  'function upgradeAndCall(address proxy, address implementation, bytes data) payable',
  'function upgradeTo(address newImplementation)',
  'function implementation() view returns (address)',
])

/**
 * The route of an upgrade, read from the proxy's EIP-1967 slots. When the team says which kind it
 * expects, a different kind is refused: upgrading a transparent proxy as if it were UUPS calls a
 * function its users may reach, and the ProxyAdmin is never touched.
 */
export async function readUpgradeRoute(chain: ChainClients, proxy: { name: string; address: Address }, expected?: ProxyKind): Promise<UpgradeRoute> {
  const info = await detectProxy(chain, proxy.address)
  if (info.kind === 'none') throw new WrongProxyKindError(`${proxy.name} (${proxy.address}) is not a proxy firebreak can upgrade: no EIP-1967 implementation or beacon slot is set`)
  if (expected && expected !== info.kind) throw new WrongProxyKindError(`${proxy.name} (${proxy.address}) is a ${info.kind} proxy, not ${expected}: upgrade it as ${info.kind}`)
  if (info.kind === 'singleton') throw new WrongProxyKindError(`${proxy.name} (${proxy.address}) delegates to the singleton in its slot 0 (a Safe-style proxy), which has no upgrade function: firebreak cannot upgrade it`)
  if (info.layout) throw new WrongProxyKindError(`${proxy.name} (${proxy.address}) keeps its implementation in OpenZeppelin's pre-EIP-1967 slots: firebreak upgrades EIP-1967 proxies only`)
  if (info.kind === 'transparent') {
    if (!info.admin) throw new WrongProxyKindError(`${proxy.name} is a transparent proxy without an admin in its EIP-1967 admin slot`)
    return { kind: 'transparent', proxy: proxy.address, proxyAdmin: info.admin }
  }
  if (info.kind === 'beacon') return { kind: 'beacon', proxy: proxy.address, beacon: info.beacon! }
  return { kind: 'uups', proxy: proxy.address }
}

/** The call that points the proxy at `implementation`, and the check that proves it did. */
export function upgradeAction(route: UpgradeRoute, name: string, implementation: Address, initData: Hex): { action: Action; check: Check } {
  switch (route.kind) {
    case 'uups':
      return {
        action: contractCall({ name, address: route.proxy, abi: upgradeAbi }, 'upgradeToAndCall', [implementation, initData]),
        check: implementationSlotIs(name, route.proxy, implementation),
      }
    case 'transparent':
      return {
        action: contractCall({ name: `${name} ProxyAdmin`, address: route.proxyAdmin, abi: upgradeAbi }, 'upgradeAndCall', [route.proxy, implementation, initData]),
        check: implementationSlotIs(name, route.proxy, implementation),
      }
    case 'beacon':
      // A beacon upgrade changes every proxy behind it at once and cannot run an initializer.
      if (initData !== '0x') throw new WrongProxyKindError(`${name} is behind a beacon, whose upgradeTo cannot run initialisation calldata: give 0x, and initialise through the proxies afterwards`)
      return {
        action: contractCall({ name: `${name} beacon`, address: route.beacon, abi: upgradeAbi }, 'upgradeTo', [implementation]),
        check: {
          kind: 'read',
          description: `${name}'s beacon ${route.beacon} points at ${implementation}`,
          address: route.beacon,
          abi: viewFunction(upgradeAbi as Abi, 'implementation'),
          args: [],
          expect: implementation,
        },
      }
  }
}

function implementationSlotIs(name: string, proxy: Address, implementation: Address): Check {
  return { kind: 'storage', description: `${name}'s EIP-1967 implementation slot holds ${implementation}`, address: proxy, slot: IMPLEMENTATION_SLOT, expect: slotValueOf(implementation) }
}


