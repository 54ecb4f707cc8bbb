import type { Address } from 'viem'
import { approximately, delayName } from './authorities/timeToExecute.js'
import type { AuthorityNode, ContractInspection, Inspection, LeverAccess, LeverEffect, LeverKind, PauseEvidence, Severity } from './types.js'

/** One chain's inspection, as drift compares it with the others. */
export type Deployment = {
  chain: string
  inspection: Inspection
  /** Pause windows read on that chain, by contract name (see readPauseWindow); a contract absent has none. */
  pauseWindows: Readonly<Record<string, { endsAt: bigint }>>
}

export type DeploymentDriftOptions = {
  /** A pause window closing within this many seconds of the chain's time counts as closing. Default: 7 days, as the watcher warns. */
  closingWithinSeconds?: bigint
}

/** A lever as two deployments are matched on: the same function doing the same kind of thing. */
export type LeverKey = { signature: string; kind: LeverKind }

/** What one chain shows for the thing compared. */
export type ChainValue<value> = { chain: string; value: value }

/** Whether a lever can be pulled on a chain: in the code and held, in the code and held by nobody known, or not in the code. */
export type LeverPresence = 'pullable' | 'held-by-nobody' | 'absent'

/** One account on a path to a lever, as deployments are compared by. */
export type HolderNode = { kind: AuthorityNode['kind']; address: Address; label?: string }

/** Who may pull a lever on one chain. */
export type LeverHolders =
  /** Paths from the outermost signer to the direct holder; `holders` are the direct holders (paths may be empty when none was traced). */
  | { status: 'held'; paths: HolderNode[][]; holders: Address[] }
  | { status: 'unguarded' }
  | { status: 'self-service' }

export type TimelockOnPath = { address: Address; label?: string; minDelay: bigint }
export type SafeOnPath = { address: Address; label?: string; threshold: number; owners: Address[] }

export type PauseWindowState =
  | { state: 'expired' | 'closing' | 'open'; endsAt: bigint; chainTime: bigint }
  /** The contract answers no known pause-window view: its pause does not expire, as far as firebreak reads. */
  | { state: 'none' }

export type PauseEffectValue = { status: LeverEffect['status']; detail: string }

type DriftBase = { contract: string; severity: Severity; message: string }

/**
 * One way a contract's deployments differ from each other. Each names the contract, the levers it
 * concerns (when it concerns levers), and per chain what that chain shows: the same contract on
 * several chains should be contained the same way on each, and an incident is the wrong time to
 * learn that one of them was left behind.
 */
export type DeploymentDrift = DriftBase &
  (
    | { kind: 'lever-missing'; levers: LeverKey[]; values: ChainValue<LeverPresence>[] }
    /** The same shape of authority (an EOA, a Safe → timelock) but other accounts. */
    | { kind: 'holders'; levers: LeverKey[]; values: ChainValue<LeverHolders>[] }
    /** Another shape of authority: a Safe or a timelock on one chain, an EOA (or anyone) on another. */
    | { kind: 'holder-kind'; levers: LeverKey[]; values: ChainValue<LeverHolders>[] }
    | { kind: 'timelock-delay'; levers: LeverKey[]; values: ChainValue<TimelockOnPath[]>[] }
    | { kind: 'safe-signers'; levers: LeverKey[]; values: ChainValue<SafeOnPath[]>[] }
    | { kind: 'pause-window'; values: ChainValue<PauseWindowState>[] }
    /** Pulling the pause pauses on one chain and does not (no effect, or reverts) on another. */
    | { kind: 'pause-effect'; levers: LeverKey[]; values: ChainValue<PauseEffectValue>[] }
    /** The contract is paused already on some chains and runs on others. */
    | { kind: 'paused-state'; levers: LeverKey[]; values: ChainValue<PauseEffectValue>[] }
    /** The contract could not be read on some chains: they are left out of every comparison of it. */
    | { kind: 'unreadable'; values: ChainValue<{ read: true } | { read: false; error: string }>[] }
  )

export type DeploymentDriftKind = DeploymentDrift['kind']

export type DeploymentDriftReturnType = DeploymentDrift[]

const SEVEN_DAYS = 7n * 24n * 60n * 60n
const severityOrder: Record<Severity, number> = { critical: 0, high: 1, medium: 2, low: 3, info: 4 }

/**
 * How the deployments of each contract named on two chains or more differ: levers present on one
 * and missing on another, other holders or another kind of holder, other timelock delays or Safe
 * signers on the paths, a pause window closed (or closing) on one chain only, a pause that pauses
 * on one chain and not on another. Worst first; items that differ in the same way on several
 * levers of a contract are given once, naming every lever.
 *
 * Accounts are matched by the manifest's name for them when they have one (a Safe limited to a
 * chain sits at another address there, and is the same authority), by address otherwise.
 */
export function deploymentDrift(deployments: readonly Deployment[], options: DeploymentDriftOptions = {}): DeploymentDriftReturnType {
  const closingWithin = options.closingWithinSeconds ?? SEVEN_DAYS
  const names = [...new Set(deployments.flatMap((deployment) => deployment.inspection.contracts.map((contract) => contract.name)))]
  const drift = names.flatMap((name) => {
    const onChains = deployments.flatMap((deployment) => {
      const contract = deployment.inspection.contracts.find((candidate) => candidate.name === name)
      return contract ? [{ ...deployment, contract }] : []
    })
    return onChains.length < 2 ? [] : contractDrift(name, onChains, closingWithin)
  })
  return drift.sort((a, b) => severityOrder[a.severity] - severityOrder[b.severity] || a.contract.localeCompare(b.contract))
}

type ContractOnChain = Deployment & { contract: ContractInspection }

/** A raw difference on one lever, before differences alike on several levers are merged. */
type LeverDrift = Extract<DeploymentDrift, { levers: LeverKey[] }>

function contractDrift(name: string, onChains: readonly ContractOnChain[], closingWithin: bigint): DeploymentDrift[] {
  const drift: DeploymentDrift[] = []
  const unreadable = onChains.filter((entry) => entry.contract.error !== undefined)
  const readable = onChains.filter((entry) => entry.contract.error === undefined)
  if (unreadable.length > 0) {
    const values = onChains.map((entry) => ({ chain: entry.chain, value: entry.contract.error === undefined ? ({ read: true } as const) : ({ read: false, error: entry.contract.error } as const) }))
    const compared = readable.length < 2 ? 'its deployments are not compared' : `compared on ${chainList(readable)} only`
    drift.push({ kind: 'unreadable', contract: name, severity: 'info', values, message: `${name} could not be read on ${chainList(unreadable)}: ${compared}` })
  }
  if (readable.length < 2) return drift

  const leverDrift = leverKeys(readable).flatMap((key) => leverDriftOf(name, key, readable))
  drift.push(...mergeAlike(leverDrift))
  const window = pauseWindowDrift(name, readable, closingWithin)
  if (window) drift.push(window)
  return drift
}

/** Every lever found on any chain, in the order first found. */
function leverKeys(onChains: readonly ContractOnChain[]): LeverKey[] {
  const keys = new Map<string, LeverKey>()
  for (const entry of onChains) for (const access of entry.contract.levers) keys.set(keyOf(access.lever), { signature: access.lever.signature, kind: access.lever.kind })
  return [...keys.values()]
}

const keyOf = (lever: LeverKey) => `${lever.signature}|${lever.kind}`

function accessOn(entry: ContractOnChain, key: LeverKey): LeverAccess | undefined {
  const found = entry.contract.levers.filter((access) => keyOf(access.lever) === keyOf(key))
  // One signature found twice (on the proxy and on its admin): the one someone can pull speaks for it.
  return found.find((access) => presenceOf(access) === 'pullable') ?? found[0]
}

function presenceOf(access: LeverAccess | undefined): LeverPresence {
  if (!access) return 'absent'
  return access.lever.confirmation.status === 'unconfirmed' ? 'held-by-nobody' : 'pullable'
}

function leverDriftOf(name: string, key: LeverKey, onChains: readonly ContractOnChain[]): LeverDrift[] {
  const accesses = onChains.map((entry) => ({ chain: entry.chain, access: accessOn(entry, key) }))
  const presence = accesses.map(({ chain, access }) => ({ chain, value: presenceOf(access) }))
  const drift: LeverDrift[] = []
  if (new Set(presence.map((entry) => entry.value)).size > 1) {
    const pullable = presence.filter((entry) => entry.value === 'pullable')
    // A lever nobody can pull anywhere is the same on every chain: each chain's findings say it.
    if (pullable.length > 0) {
      drift.push({
        kind: 'lever-missing',
        contract: name,
        levers: [key],
        severity: key.kind === 'pause' ? 'high' : 'medium',
        values: presence,
        message: `${name}: {levers} can be pulled on ${chainList(pullable)}; ${byValue(presence.filter((entry) => entry.value !== 'pullable'), describePresence)}`,
      })
    }
  }
  const held = accesses.flatMap(({ chain, access }) => (access && presenceOf(access) === 'pullable' ? [{ chain, access }] : []))
  if (held.length < 2) return drift
  drift.push(...holderDrift(name, key, held))
  const effects = held.flatMap(({ chain, access }) => (access.effect ? [{ chain, effect: access.effect }] : []))
  if (key.kind === 'pause' && effects.length >= 2) drift.push(...effectDrift(name, key, effects))
  return drift
}

function holdersOf(access: LeverAccess): LeverHolders {
  const { confirmation } = access.lever
  if (confirmation.status === 'unguarded') return { status: 'unguarded' }
  if (confirmation.status === 'self-service') return { status: 'self-service' }
  const holders = confirmation.status === 'confirmed' ? confirmation.holders : []
  const paths = access.paths.map((path) => path.nodes.map((node): HolderNode => ({ kind: node.kind, address: node.address, ...(node.label ? { label: node.label } : {}) })))
  return { status: 'held', paths, holders }
}

const identityOf = (node: { address: Address; label?: string }) => (node.label ? `name:${node.label}` : node.address.toLowerCase())

/** The shapes of authority a lever is held through: `safe→timelock`, `eoa`, `unguarded`. */
function shapesOf(holders: LeverHolders): string[] {
  if (holders.status !== 'held') return [holders.status]
  return sortedUnique(holders.paths.map((path) => path.map((node) => node.kind).join('→')))
}

/** The accounts a lever is held through, path by path; the direct holders when no path was traced. */
function accountsOf(holders: LeverHolders): string[] {
  if (holders.status !== 'held') return [holders.status]
  if (holders.paths.length === 0) return sortedUnique(holders.holders.map((address) => address.toLowerCase()))
  return sortedUnique(holders.paths.map((path) => path.map(identityOf).join('→')))
}

function holderDrift(name: string, key: LeverKey, held: readonly { chain: string; access: LeverAccess }[]): LeverDrift[] {
  const values = held.map(({ chain, access }) => ({ chain, value: holdersOf(access) }))
  const drift: LeverDrift[] = []
  // Another holder is not weaker in itself; the chain's own findings say when one is (a lone key, no delay).
  const severity: Severity = 'medium'
  if (differ(values.map((entry) => shapesOf(entry.value)))) {
    drift.push({ kind: 'holder-kind', contract: name, levers: [key], severity, values, message: `${name}: {levers} held through another kind of authority on each chain: ${byValue(values, describeHolders)}` })
  } else if (differ(values.map((entry) => accountsOf(entry.value)))) {
    drift.push({ kind: 'holders', contract: name, levers: [key], severity, values, message: `${name}: {levers} held by other accounts on each chain: ${byValue(values, describeHolders)}` })
  }

  const nodesOn = (access: LeverAccess) => access.paths.flatMap((path) => path.nodes)
  const timelocks = held.map(({ chain, access }) => ({
    chain,
    value: uniqueBy(
      nodesOn(access).flatMap((node): TimelockOnPath[] => (node.kind === 'timelock' ? [{ address: node.address, ...(node.label ? { label: node.label } : {}), minDelay: node.minDelay }] : [])),
      (timelock) => identityOf(timelock),
    ),
  }))
  // Compared where every chain has a timelock on the path: one without is another kind of holder, said above.
  if (timelocks.every((entry) => entry.value.length > 0) && differ(timelocks.map((entry) => sortedUnique(entry.value.map((timelock) => String(timelock.minDelay)))))) {
    drift.push({ kind: 'timelock-delay', contract: name, levers: [key], severity: key.kind === 'pause' ? 'high' : 'medium', values: timelocks, message: `${name}: {levers} wait another timelock delay on each chain: ${byValue(timelocks, describeTimelocks)}` })
  }

  const safes = held.map(({ chain, access }) => ({
    chain,
    value: uniqueBy(
      nodesOn(access).flatMap((node): SafeOnPath[] => (node.kind === 'safe' ? [{ address: node.address, ...(node.label ? { label: node.label } : {}), threshold: node.threshold, owners: node.owners }] : [])),
      (safe) => identityOf(safe),
    ),
  }))
  if (safes.every((entry) => entry.value.length > 0)) {
    const quorum = (safe: SafeOnPath) => `${safe.threshold}/${safe.owners.length}`
    const signers = (safe: SafeOnPath) => `${quorum(safe)}:${[...safe.owners].map((owner) => owner.toLowerCase()).sort().join(',')}`
    if (differ(safes.map((entry) => sortedUnique(entry.value.map(quorum))))) {
      drift.push({ kind: 'safe-signers', contract: name, levers: [key], severity, values: safes, message: `${name}: {levers} need another Safe quorum on each chain: ${byValue(safes, describeSafes)}` })
    } else if (differ(safes.map((entry) => sortedUnique(entry.value.map(signers))))) {
      drift.push({ kind: 'safe-signers', contract: name, levers: [key], severity, values: safes, message: `${name}: {levers} are signed for by other Safe owners on each chain: ${byValue(safes, describeSafeOwners)}` })
    }
  }
  return drift
}

/**
 * The pause judged by what pulling it did on each chain: pausing on one chain and not on another
 * (a pause window closed, an implementation whose pause guards nothing) leaves that chain open.
 */
function effectDrift(name: string, key: LeverKey, effects: readonly { chain: string; effect: LeverEffect }[]): LeverDrift[] {
  const values = effects.map(({ chain, effect }) => ({ chain, value: { status: effect.status, detail: effectDetail(effect) } }))
  const statuses = new Set(values.map((entry) => entry.value.status))
  const works = statuses.has('pauses') || statuses.has('already-paused')
  if (works && (statuses.has('no-effect') || statuses.has('reverted'))) {
    return [{ kind: 'pause-effect', contract: name, levers: [key], severity: 'high', values, message: `${name}: {levers} pauses on some chains and not on others: ${byValue(values, describeEffect)}` }]
  }
  if (statuses.has('pauses') && statuses.has('already-paused')) {
    return [{ kind: 'paused-state', contract: name, levers: [key], severity: 'info', values, message: `${name} is paused on ${chainList(values.filter((entry) => entry.value.status === 'already-paused'))} and runs on ${chainList(values.filter((entry) => entry.value.status === 'pauses'))}` }]
  }
  return []
}

function pauseWindowDrift(name: string, onChains: readonly ContractOnChain[], closingWithin: bigint): DeploymentDrift | undefined {
  const values = onChains.map((entry): ChainValue<PauseWindowState> => {
    const window = entry.pauseWindows[name]
    const chainTime = entry.inspection.chainTime
    if (!window) return { chain: entry.chain, value: { state: 'none' } }
    const state = window.endsAt <= chainTime ? 'expired' : window.endsAt - chainTime <= closingWithin ? 'closing' : 'open'
    return { chain: entry.chain, value: { state, endsAt: window.endsAt, chainTime } }
  })
  const states = new Set(values.map((entry) => entry.value.state))
  if (states.size < 2 || !(states.has('expired') || states.has('closing'))) return undefined
  return {
    kind: 'pause-window',
    contract: name,
    severity: states.has('expired') ? 'high' : 'medium',
    values,
    message: `${name}'s pause window: ${byValue(values, describeWindow)}`,
  }
}

/** Differences alike (same kind, same values chain by chain) on several levers of a contract, given once. */
function mergeAlike(drift: readonly LeverDrift[]): LeverDrift[] {
  const merged = new Map<string, LeverDrift>()
  for (const item of drift) {
    const key = `${item.kind}|${item.message}|${stableJson(item.values)}`
    const found = merged.get(key)
    if (found) {
      found.levers.push(...item.levers)
      if (severityOrder[item.severity] < severityOrder[found.severity]) found.severity = item.severity
    } else merged.set(key, { ...item, levers: [...item.levers] })
  }
  return [...merged.values()].map((item) => ({ ...item, message: item.message.replace('{levers}', item.levers.map((lever) => lever.signature).join(', ')) }))
}

function describePresence(presence: LeverPresence): string {
  switch (presence) {
    case 'pullable':
      return 'can be pulled'
    case 'held-by-nobody':
      return 'in the code but no known account can pull it'
    case 'absent':
      return 'not in the code'
  }
}

function describeNode(node: HolderNode): string {
  const name = node.label ? ` ${node.label}` : ''
  const kind = { eoa: 'EOA', safe: 'Safe', timelock: 'timelock', guardian: 'guardian contract', contract: 'contract' }[node.kind]
  return `${kind}${name} ${node.address}`
}

function describeHolders(holders: LeverHolders): string {
  if (holders.status === 'unguarded') return 'anyone (unguarded)'
  if (holders.status === 'self-service') return 'each holder, for its own role'
  if (holders.paths.length === 0) return holders.holders.length > 0 ? holders.holders.join(', ') : 'nobody traced'
  return holders.paths.map((path) => path.map(describeNode).join(' → ')).join(' and ')
}

function describeTimelocks(timelocks: readonly TimelockOnPath[]): string {
  return timelocks.map((timelock) => `${delayName(Number(timelock.minDelay))} timelock${timelock.label ? ` ${timelock.label}` : ''} ${timelock.address}`).join(', ')
}

function describeSafes(safes: readonly SafeOnPath[]): string {
  return safes.map((safe) => `${safe.threshold}-of-${safe.owners.length} Safe${safe.label ? ` ${safe.label}` : ''} ${safe.address}`).join(', ')
}

function describeSafeOwners(safes: readonly SafeOnPath[]): string {
  return safes.map((safe) => `Safe${safe.label ? ` ${safe.label}` : ''} ${safe.address} owned by ${safe.owners.join(', ')}`).join('; ')
}

function effectDetail(effect: LeverEffect): string {
  const evidence = (items: readonly PauseEvidence[]) => items.map((item) => (item.kind === 'getter' ? `${item.getter.signature} turns true` : `${item.operation.description} reverts`)).join('; ')
  switch (effect.status) {
    case 'pauses':
      return evidence(effect.evidence)
    case 'already-paused':
      return 'paused already'
    default:
      return effect.detail
  }
}

function describeEffect(effect: PauseEffectValue): string {
  switch (effect.status) {
    case 'pauses':
      return `pauses (${effect.detail})`
    case 'already-paused':
      return 'paused already'
    case 'no-effect':
      return `DOES NOT PAUSE (${effect.detail})`
    case 'reverted':
      return `CANNOT BE PULLED (${effect.detail})`
    case 'untested':
      return `not pulled (${effect.detail})`
  }
}

function describeWindow(window: PauseWindowState): string {
  if (window.state === 'none') return 'no pause window'
  const at = new Date(Number(window.endsAt) * 1000).toISOString()
  if (window.state === 'expired') return `EXPIRED at ${at} (can no longer be paused)`
  const left = approximately(Number(window.endsAt - window.chainTime))
  return window.state === 'closing' ? `CLOSING in ~${left}, at ${at}` : `open until ${at} (~${left} left)`
}

/** `X on mainnet, base; Y on arbitrum`: chains grouped by what they show, in the order given. */
function byValue<value>(values: readonly ChainValue<value>[], describe: (value: value) => string): string {
  const groups = new Map<string, string[]>()
  for (const { chain, value } of values) {
    const text = describe(value)
    groups.set(text, [...(groups.get(text) ?? []), chain])
  }
  return [...groups].map(([text, chains]) => `${text} on ${chains.join(', ')}`).join('; ')
}

function chainList(entries: readonly { chain: string }[]): string {
  return entries.map((entry) => entry.chain).join(', ')
}

function differ(lists: readonly string[][]): boolean {
  return new Set(lists.map((list) => list.join('|'))).size > 1
}

function sortedUnique(values: readonly string[]): string[] {
  return [...new Set(values)].sort()
}

function uniqueBy<item>(items: readonly item[], key: (item: item) => string): item[] {
  return [...new Map(items.map((item) => [key(item), item])).values()]
}

function stableJson(value: unknown): string {
  return JSON.stringify(value, (_, inner) => (typeof inner === 'bigint' ? inner.toString() : inner))
}
