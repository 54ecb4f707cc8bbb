import { type AbiEvent, type Address, type Hex, getAddress, parseAbi } from 'viem'
import type { ChainClients } from '../../chain/clients.js'
import { readLogsAdaptive } from '../../chain/readLogsAdaptive.js'
import { tryRead } from '../../chain/tryRead.js'

const roleEvents = parseAbi([
  'event RoleGranted(bytes32 indexed role, address indexed account, address indexed sender)',
  'event RoleRevoked(bytes32 indexed role, address indexed account, address indexed sender)',
])
const hasRoleAbi = parseAbi(['function hasRole(bytes32 role, address account) view returns (bool)'])

export type RoleMembersParameters = {
  /** Only these roles; by default every role the logs mention. */
  roles?: readonly Hex[]
  /**
   * The first block to read logs from; default the chain's first. A provider that caps log ranges
   * is read in ranges it accepts, so a later block only saves requests.
   */
  fromBlock?: bigint
  /** The block the membership is read at; default the latest. */
  blockNumber?: bigint
}

/** One role and the accounts that hold it now. */
export type RoleMembership = { role: Hex; members: Address[] }

/**
 * The current members of an AccessControl contract's roles. OpenZeppelin keeps no enumerable list
 * (unless AccessControlEnumerable), so members are rebuilt from every `RoleGranted`/`RoleRevoked`
 * log in order, then each survivor is confirmed with `hasRole` at `blockNumber`: a log read from an
 * incomplete range, or a role changed without an event by a custom contract, never lists an
 * account that holds nothing.
 */
export async function roleMembers(chain: ChainClients, address: Address, parameters: RoleMembersParameters = {}): Promise<RoleMembership[]> {
  const blockNumber = parameters.blockNumber ?? (await chain.public.getBlockNumber({ cacheTime: 0 }))
  const fromBlock = parameters.fromBlock ?? 0n
  // The whole history at once where the node allows it (role changes are rare); a node that caps
  // eth_getLogs is read in the ranges it accepts, never skipped: a missed grant hides a holder.
  const span = blockNumber - fromBlock + 1n
  const logs = []
  for await (const chunk of readLogsAdaptive(chain, { address, events: roleEvents as readonly AbiEvent[], fromBlock, toBlock: blockNumber, initialRange: span > 0n ? span : 1n })) {
    logs.push(...chunk.logs)
  }
  const wanted = parameters.roles ? new Set(parameters.roles.map((role) => role.toLowerCase())) : undefined

  // Logs come back in chain order: replaying them leaves the net membership.
  const byRole = new Map<Hex, Set<Address>>()
  for (const log of logs) {
    const { role, account } = log.args as { role?: Hex; account?: Address }
    if (!role || !account) continue
    if (wanted && !wanted.has(role.toLowerCase())) continue
    const members = byRole.get(role) ?? new Set<Address>()
    byRole.set(role, members)
    if (log.eventName === 'RoleGranted') members.add(getAddress(account))
    else members.delete(getAddress(account))
  }

  const candidates = [...byRole].flatMap(([role, members]) => [...members].map((account) => ({ role, account })))
  const confirmed = await Promise.all(
    candidates.map(({ role, account }) => tryRead(chain, { address, abi: hasRoleAbi, functionName: 'hasRole', args: [role, account], blockNumber })),
  )
  const memberships = new Map<Hex, Address[]>()
  for (const [index, { role, account }] of candidates.entries()) {
    if (confirmed[index] !== true) continue
    memberships.set(role, [...(memberships.get(role) ?? []), account])
  }
  return [...memberships].map(([role, members]) => ({ role, members }))
}
