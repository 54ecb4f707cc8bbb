import { type Address, isAddressEqual } from 'viem'
import type { Authority, KeyAuthority, SafeAuthority } from '../plan.js'
import type { AuthorityNode } from '../../inspect/types.js'
import type { ManifestAuthority } from '../../manifest/types.js'
import { RoutingError } from './errors.js'

/**
 * The engine's authority for a signer of the authority graph: an EOA signs with the key the
 * manifest names for it (an environment variable or a keystore), a Safe through its owners. The
 * key itself is found only when the plan is executed; here it is only named.
 */
export function authorityFor(node: AuthorityNode, team: readonly ManifestAuthority[]): Authority {
  switch (node.kind) {
    case 'eoa':
      return keyAuthority(node.address, team, node.label)
    case 'safe': {
      const declared = findDeclared(team, node.address)
      const safe: SafeAuthority = { kind: 'safe', address: node.address, label: declared?.name ?? node.label ?? short(node.address), owners: node.owners, threshold: node.threshold }
      if (declared?.type === 'safe') {
        if (declared.multiSend) safe.multiSend = declared.multiSend
        const submitter = declared.submitter ? team.find((authority) => authority.name === declared.submitter) : undefined
        if (submitter) safe.submitter = keyAuthority(submitter.address, team)
      }
      return safe
    }
    default:
      throw new RoutingError(`${node.label ?? node.address} is a ${node.kind}, which cannot sign: firebreak acts through an EOA key or a Safe`)
  }
}

export function keyAuthority(address: Address, team: readonly ManifestAuthority[], label?: string): KeyAuthority {
  const declared = findDeclared(team, address)
  const key: KeyAuthority = { kind: 'key', address, label: declared?.name ?? label ?? short(address) }
  if (declared?.type === 'eoa') {
    if (declared.keyEnv) key.keyEnv = declared.keyEnv
    if (declared.keystore) key.keystore = declared.keystore
  }
  return key
}

function findDeclared(team: readonly ManifestAuthority[], address: Address): ManifestAuthority | undefined {
  return team.find((authority) => isAddressEqual(authority.address, address))
}

function short(address: string): string {
  return `${address.slice(0, 6)}…${address.slice(-4)}`
}
