import { type Abi, type AbiFunction, type Address, getAddress, parseAbi, zeroAddress } from 'viem'
import type { ChainClients } from '../../chain/clients.js'
import type { ProxyInfo } from '../types.js'
import { roleMembers } from './roleMembers.js'
import { tryRead } from '../../chain/tryRead.js'

const ownableAbi = parseAbi(['function owner() view returns (address)'])

/**
 * Zero-argument getters of an ABI whose name says they return an authority: `guardian()`,
 * `emergencyAdmin()`, `pauseGuardian()`, `governance()`. Protocols that predate AccessControl keep
 * their pause key behind such getters. A pending owner or admin holds nothing until it accepts.
 */
const authorityGetterName = /(owner|admin|guardian|pauser|governance|governor)$/i
const pendingName = /^pending/i

export type CandidateTarget = {
  address: Address
  /** With an ABI, its authority-named getters are read too (see {@link authorityGetters}). */
  abi?: Abi
}

/**
 * Every account that might hold a lever on `target`: its `owner()`, the current members of its
 * AccessControl roles (from `RoleGranted`/`RoleRevoked` logs, confirmed with `hasRole`), the
 * addresses its ABI's authority getters return, the proxy's admin and that admin's `owner()` (a
 * ProxyAdmin), and the beacon's `owner()`. Deduplicated and checksummed, in that order. Nobody is
 * listed for a role revoked or an ownership renounced: these are the callers from which lever
 * discovery simulates each call, and an address that holds nothing must never appear as one.
 */
export async function candidateHolders(chain: ChainClients, target: CandidateTarget, proxy: ProxyInfo): Promise<Address[]> {
  const blockNumber = await chain.public.getBlockNumber({ cacheTime: 0 })
  const ownerOf = (address: Address) => readAddress(chain, address, ownableAbi, 'owner', blockNumber)
  const admin = proxy.kind === 'none' ? undefined : proxy.admin
  const beacon = proxy.kind === 'none' ? undefined : proxy.beacon

  const [owner, roles, getters, adminOwner, beaconOwner] = await Promise.all([
    ownerOf(target.address),
    roleMembers(chain, target.address, { blockNumber }),
    Promise.all(authorityGetters(target.abi).map((name) => readAddress(chain, target.address, target.abi as Abi, name, blockNumber))),
    admin ? ownerOf(admin) : undefined,
    beacon ? ownerOf(beacon) : undefined,
  ])

  const candidates = [owner, ...roles.flatMap((role) => role.members), ...getters, admin, adminOwner, beaconOwner]
  const holders: Address[] = []
  for (const candidate of candidates) {
    if (!candidate || candidate === zeroAddress) continue
    const address = getAddress(candidate)
    if (!holders.includes(address)) holders.push(address)
  }
  return holders
}

/** Names of the ABI's view functions without arguments that return one address named like an authority. */
export function authorityGetters(abi: Abi | undefined): string[] {
  if (!abi) return []
  return abi
    .filter((item): item is AbiFunction => item.type === 'function')
    .filter(
      (fn) =>
        (fn.stateMutability === 'view' || fn.stateMutability === 'pure') &&
        fn.inputs.length === 0 &&
        fn.outputs.length === 1 &&
        fn.outputs[0]?.type === 'address' &&
        fn.name !== 'owner' &&
        authorityGetterName.test(fn.name) &&
        !pendingName.test(fn.name),
    )
    .map((fn) => fn.name)
}

async function readAddress(chain: ChainClients, address: Address, abi: Abi, functionName: string, blockNumber: bigint): Promise<Address | undefined> {
  const value = await tryRead(chain, { address, abi, functionName, blockNumber } as never)
  return typeof value === 'string' ? getAddress(value) : undefined
}
