import { type Address, isAddressEqual } from 'viem'
import { describePaths } from '../engine/routing/buildRoutedPlan.js'
import { type Route, routeLever } from '../engine/routing/routeLever.js'
import type { Inspection } from '../inspect/types.js'
import type { ManifestAuthority } from '../manifest/types.js'
import { FirebreakError } from '../errors.js'
import type { UpgradeRoute } from './upgradeRoute.js'

export type UpgradeHolder = {
  /** How the upgrade is sent: by its holder's signer, or scheduled on the timelock that holds it. */
  route: Exclude<Route, { kind: 'guardian' }>
  /** The account that calls the upgrade function: impersonated to upgrade the replay fork. */
  holder: Address
}

/**
 * Who makes the upgrade, found as containment finds a lever's holder: from the paths `inspect`
 * traced to the upgrade function where the upgrade is made (the proxy, its ProxyAdmin or its
 * beacon), preferring the team's signers and the keys at hand.
 */
export function routeUpgrade(inspection: Inspection, contract: string, upgrade: UpgradeRoute, team: readonly ManifestAuthority[], keyAtHand?: (address: Address) => boolean): UpgradeHolder {
  const at = upgrade.kind === 'transparent' ? upgrade.proxyAdmin : upgrade.kind === 'beacon' ? upgrade.beacon : upgrade.proxy
  const levers = inspection.contracts.find((candidate) => candidate.name === contract)?.levers ?? []
  const access = levers.find((candidate) => candidate.lever.kind === 'upgrade' && isAddressEqual(candidate.lever.address, at))
  if (!access) throw new FirebreakError(`inspect found no upgrade function on ${contract}'s ${upgrade.kind === 'uups' ? 'proxy' : upgrade.kind === 'transparent' ? 'ProxyAdmin' : 'beacon'} (${at}): check the contract's ABI in the manifest`)
  // A guardian pauses; it cannot upgrade.
  const paths = access.paths.filter((path) => !path.nodes.some((node) => node.kind === 'guardian'))
  const route = routeLever(paths, team, keyAtHand)
  if (!route || route.kind === 'guardian') throw new FirebreakError(`nobody firebreak can act through can upgrade ${contract}: ${describePaths(access.paths)}`)
  return { route, holder: route.kind === 'timelock' ? route.timelock.address : route.authority.address }
}
