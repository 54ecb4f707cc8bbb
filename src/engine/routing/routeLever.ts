import { type Address, isAddressEqual, zeroAddress } from 'viem'
import type { Authority } from '../plan.js'
import type { AuthorityNode, AuthorityPath, TimeToExecute } from '../../inspect/types.js'
import type { ManifestAuthority } from '../../manifest/types.js'
import { authorityFor, keyAuthority } from './authorityFor.js'

type NodeOf<kind extends AuthorityNode['kind']> = Extract<AuthorityNode, { kind: kind }>

/** How a lever is pulled: by its holder, through a guardian contract, or scheduled on a timelock. */
export type Route =
  | { kind: 'direct'; authority: Authority; time: TimeToExecute }
  | { kind: 'guardian'; guardian: NodeOf<'guardian'>; authority: Authority; time: TimeToExecute }
  | { kind: 'timelock'; timelock: NodeOf<'timelock'>; proposer: Authority; executor: Authority; time: TimeToExecute }

/**
 * The route for a lever, from the paths `inspect` found to it. Among the paths firebreak can act
 * through (a key or a Safe, directly or through one guardian or one timelock), it prefers the
 * team's own signers (named in the manifest), then those whose key this machine holds right now,
 * then the fastest, then a guardian (one transaction pauses everything it guards). Undefined when
 * no path is usable.
 */
export function routeLever(paths: readonly AuthorityPath[], team: readonly ManifestAuthority[], keyAtHand: (address: Address) => boolean = () => false): Route | undefined {
  const routes = paths.flatMap((path) => {
    const route = routeOf(path, team)
    const signer = path.nodes[0]
    if (!route || !signer) return []
    return [{ route, declared: isDeclared(signer.address, team), atHand: signer.kind === 'eoa' && keyAtHand(signer.address) }]
  })
  routes.sort(
    (a, b) =>
      Number(b.declared) - Number(a.declared) ||
      Number(b.atHand) - Number(a.atHand) ||
      a.route.time.seconds - b.route.time.seconds ||
      Number(b.route.kind === 'guardian') - Number(a.route.kind === 'guardian'),
  )
  return routes[0]?.route
}

function routeOf({ nodes, timeToExecute: time }: AuthorityPath, team: readonly ManifestAuthority[]): Route | undefined {
  const [signer, holder, ...rest] = nodes
  if (!signer || rest.length > 0 || !canSign(signer)) return undefined
  if (!holder) return { kind: 'direct', authority: authorityFor(signer, team), time }
  if (holder.kind === 'guardian') return { kind: 'guardian', guardian: holder, authority: authorityFor(signer, team), time }
  if (holder.kind === 'timelock') {
    const proposer = authorityFor(signer, team)
    return { kind: 'timelock', timelock: holder, proposer, executor: timelockExecutor(holder, proposer, team), time }
  }
  return undefined
}

/**
 * Who executes once the delay has passed. Where anyone may (`address(0)` holds the executor role),
 * a team key saves the Safe a second signature round; otherwise the proposer, or a listed executor.
 */
function timelockExecutor(timelock: NodeOf<'timelock'>, proposer: Authority, team: readonly ManifestAuthority[]): Authority {
  const open = timelock.executors.some((executor) => isAddressEqual(executor, zeroAddress))
  if (open) {
    if (proposer.kind === 'key') return proposer
    const teamKey = team.find((authority) => authority.type === 'eoa' && (authority.keyEnv || authority.keystore))
    return teamKey ? keyAuthority(teamKey.address, team) : proposer
  }
  if (timelock.executors.some((executor) => isAddressEqual(executor, proposer.address))) return proposer
  const listed = timelock.executors[0]
  return listed ? keyAuthority(listed, team) : proposer
}

function canSign(node: AuthorityNode): boolean {
  return node.kind === 'eoa' || node.kind === 'safe'
}

function isDeclared(address: Address | undefined, team: readonly ManifestAuthority[]): boolean {
  return address !== undefined && team.some((authority) => isAddressEqual(authority.address, address))
}
