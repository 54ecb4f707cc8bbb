import { type Address, getAddress, keccak256, parseAbi, toHex } from 'viem'
import type { ChainClients } from '../../chain/clients.js'
import type { AuthorityNode } from '../types.js'
import { roleMembers } from './roleMembers.js'
import { tryRead } from '../../chain/tryRead.js'

/** Names for addresses the team knows (from the manifest), keyed by lower-case address. */
export type AuthorityLabels = ReadonlyMap<string, string>

export const PROPOSER_ROLE = keccak256(toHex('PROPOSER_ROLE'))
export const EXECUTOR_ROLE = keccak256(toHex('EXECUTOR_ROLE'))
export const GUARDIAN_ROLE = keccak256(toHex('GUARDIAN_ROLE'))

const authorityAbi = parseAbi([
  // Safe
  'function getOwners() view returns (address[])',
  'function getThreshold() view returns (uint256)',
  // OpenZeppelin TimelockController
  'function getMinDelay() view returns (uint256)',
  // firebreak's EmergencyGuardian
  'function guardedContracts() view returns (address[])',
  'function unpauseQuorum() view returns (uint8)',
])

/** EIP-7702: an EOA that delegated its code carries `0xef0100 ‖ address`; its key still signs for it. */
const delegationPrefix = '0xef0100'

/**
 * What kind of authority `address` is: an `eoa` (no code, or an EIP-7702 delegation: a key still
 * signs), a `safe` (answers `getOwners()` and `getThreshold()`), a `timelock` (answers
 * `getMinDelay()`; its proposers and executors come from its role logs, confirmed with `hasRole`;
 * `address(0)` among the executors means anyone may execute), firebreak's own `guardian` contract
 * (answers `guardedContracts()`; its guardians come from its role logs), or a `contract` firebreak
 * does not recognise (a governor, a custom multisig).
 */
export async function describeAccount(chain: ChainClients, address: Address, labels?: AuthorityLabels): Promise<AuthorityNode> {
  const account = getAddress(address)
  const label = labels?.get(account.toLowerCase())
  const named = label === undefined ? { address: account } : { address: account, label }

  const code = await chain.public.getCode({ address: account })
  if (!code || code === '0x' || code.toLowerCase().startsWith(delegationPrefix)) return { kind: 'eoa', ...named }

  const [owners, threshold, minDelay, guarded, unpauseQuorum] = await Promise.all([
    tryRead(chain, { address: account, abi: authorityAbi, functionName: 'getOwners' }),
    tryRead(chain, { address: account, abi: authorityAbi, functionName: 'getThreshold' }),
    tryRead(chain, { address: account, abi: authorityAbi, functionName: 'getMinDelay' }),
    tryRead(chain, { address: account, abi: authorityAbi, functionName: 'guardedContracts' }),
    tryRead(chain, { address: account, abi: authorityAbi, functionName: 'unpauseQuorum' }),
  ])
  if (Array.isArray(owners) && typeof threshold === 'bigint') {
    return { kind: 'safe', ...named, owners: (owners as Address[]).map((owner) => getAddress(owner)), threshold: Number(threshold) }
  }
  if (typeof minDelay === 'bigint') {
    const roles = await roleMembers(chain, account, { roles: [PROPOSER_ROLE, EXECUTOR_ROLE] })
    const membersOf = (role: string) => roles.find((membership) => membership.role.toLowerCase() === role)?.members ?? []
    return { kind: 'timelock', ...named, minDelay, proposers: membersOf(PROPOSER_ROLE), executors: membersOf(EXECUTOR_ROLE) }
  }
  if (Array.isArray(guarded) && typeof unpauseQuorum === 'number') {
    const roles = await roleMembers(chain, account, { roles: [GUARDIAN_ROLE] })
    const guardians = roles.find((membership) => membership.role.toLowerCase() === GUARDIAN_ROLE)?.members ?? []
    return { kind: 'guardian', ...named, guardians, guardedContracts: (guarded as Address[]).map((target) => getAddress(target)), unpauseQuorum }
  }
  return { kind: 'contract', ...named }
}
