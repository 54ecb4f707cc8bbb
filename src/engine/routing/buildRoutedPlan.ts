import { type Abi, type Address, isAddressEqual, parseAbi } from 'viem'
import type { MultiSendDeployed } from '../executors/safe/multiSendDeployments.js'
import { multiSendOf } from '../executors/safe/pendingSafeTransactions.js'
import { throughTimelock, timelockControllerAbi } from '../executors/timelock.js'
import { type Action, type Authority, type Check, type ContractRef, type Phase, type Plan, type SafeAuthority, type Step, contractCall } from '../plan.js'
import { delayName } from '../../inspect/authorities/timeToExecute.js'
import type { AuthorityPath } from '../../inspect/types.js'
import type { ManifestAuthority } from '../../manifest/types.js'
import { RoutingError } from './errors.js'
import { type Route, routeLever } from './routeLever.js'

/** One call a phase makes on one contract (a pause, a cap, an unpause), with the paths `inspect` found to the lever. */
export type RoutedCall = {
  contract: ContractRef
  functionName: string
  args: readonly unknown[]
  /** `pause vault`, `lower vault's deposit cap to 0` */
  title: string
  paths: readonly AuthorityPath[]
  postconditions: Check[]
  /** A pause may go through a guardian contract, which pauses everything it guards in one call. */
  isPause: boolean
  /** Targets this call contains besides its own contract: a Pool whose calls its configurator's pause stops. */
  alsoContains?: string[]
}

export type BuildRoutedPlanParameters = {
  /** Stable across runs of the same command in an incident, so that a re-run resumes: `contain-pause-all`. */
  planId: string
  phase: Phase
  /** `contain: pause-all`, `restore: withdrawals` */
  title: string
  calls: readonly RoutedCall[]
  /** The team's authorities from the manifest: their keys and Safe settings. */
  team: readonly ManifestAuthority[]
  /** Goes into a timelock operation's salt: the same plan in a later incident schedules anew. */
  incidentId?: string
  /** Whether this machine holds the key of an account now: of two equal routes, the one it can sign. */
  keyAtHand?: (address: Address) => boolean
  /**
   * Whether a MultiSendCallOnly is deployed at an address of the chain (readMultiSendDeployments).
   * A Safe whose MultiSend is not there signs one transaction per call, said in the notes.
   * Absent, every MultiSend is taken as deployed.
   */
  multiSendDeployed?: MultiSendDeployed
}

export type RoutedPlan = {
  plan: Plan
  /** What a war room must know before signing: a timelock's delay, the route each lever takes. */
  notes: string[]
  /** The contracts each step acts on (a guardian's or a timelock's step acts on others than it calls). */
  targets: Record<string, Address[]>
}


const guardianAbi = parseAbi(['function pause(address[] targets)'])

/**
 * Turns a phase's calls into the fewest transactions their authorities allow: a key sends one
 * call per transaction; a Safe signs all of its calls once (MultiSend), a timelock's schedule it
 * proposes included; a guardian pauses all of its contracts in one call; a timelock schedules all
 * of its calls in one batch, executed after its delay. Fastest routes come first, and the plan's
 * authorities are independent: the engine pulls a key's levers while Safe signers are still
 * being reached.
 */
export function buildRoutedPlan({ planId, phase, title, calls, team, incidentId, keyAtHand, multiSendDeployed = () => true }: BuildRoutedPlanParameters): RoutedPlan {
  const groups = new Map<string, Group>()
  for (const [index, call] of calls.entries()) {
    const route = routeLever(call.isPause ? call.paths : call.paths.filter((path) => !path.nodes.some((node) => node.kind === 'guardian')), team, keyAtHand)
    if (!route) throw new RoutingError(`nobody firebreak can act through can ${call.title}: ${describePaths(call.paths)}`)
    const key = groupKey(route, index)
    const group = groups.get(key) ?? { route, calls: [] }
    group.calls.push(call)
    groups.set(key, group)
  }
  const ordered = [...groups.values()].sort((a, b) => a.route.time.seconds - b.route.time.seconds)
  const targets: Record<string, Address[]> = {}
  const built = ordered.flatMap((group) => {
    const groupSteps = stepsOf(planId, group, incidentId, multiSendDeployed)
    for (const step of groupSteps) targets[step.id] = group.calls.map((call) => call.contract.address)
    return groupSteps
  })
  const perSafe = oneTransactionPerSafe(built, targets, team, multiSendDeployed)
  const notes = [...ordered.map(noteOf), ...perSafe.notes]
  const abis = [...new Map(calls.map((call) => [call.contract.address, call.contract.abi])).values(), guardianAbi, timelockControllerAbi] as Abi[]
  return { plan: { id: planId, phase, title, steps: perSafe.steps, abis, independentAuthorities: true }, notes, targets: perSafe.targets }
}

type Group = { route: Route; calls: RoutedCall[] }

/** Calls that can share one transaction share a group; a key's calls never do (one call per transaction). */
function groupKey(route: Route, callIndex: number): string {
  switch (route.kind) {
    case 'direct':
      return route.authority.kind === 'safe' ? `safe:${route.authority.address}` : `call:${callIndex}`
    case 'guardian':
      return `guardian:${route.guardian.address}:${route.authority.address}`
    case 'timelock':
      return `timelock:${route.timelock.address}:${route.proposer.address}`
  }
}

function stepsOf(planId: string, { route, calls }: Group, incidentId: string | undefined, multiSendDeployed: MultiSendDeployed): Step[] {
  const postconditions = calls.flatMap((call) => call.postconditions)
  const actions = calls.map(actionOf)
  switch (route.kind) {
    case 'direct': {
      const [first] = calls as [RoutedCall]
      const { authority } = route
      if (authority.kind === 'safe' && calls.length > 1 && !multiSendDeployed(multiSendOf(authority))) {
        // No MultiSend to batch through: one Safe transaction per call (see oneTransactionPerSafe's note).
        return calls.map((call, index) => ({ id: `safe-${authority.label}-${index + 1}`, title: `${call.title} as ${authority.label}`, authority, actions: [actionOf(call)], postconditions: call.postconditions }))
      }
      const title = calls.map((call) => call.title).join(', ')
      const id = authority.kind === 'safe' ? `safe-${authority.label}` : `${first.functionName}-${first.contract.name}`
      return [{ id, title: `${title} as ${authority.label}`, authority, actions, postconditions }]
    }
    case 'guardian': {
      const guardian = { name: route.guardian.label ?? 'guardian', address: route.guardian.address, abi: guardianAbi }
      const targets = calls.map((call) => call.contract.address)
      const names = calls.map((call) => call.contract.name).join(', ')
      return [
        {
          id: `guardian-pause-${guardian.name}`,
          title: `pause ${names} in one transaction through guardian ${guardian.name}, as ${route.authority.label}`,
          authority: route.authority,
          actions: [contractCall(guardian, 'pause', [targets])],
          postconditions,
        },
      ]
    }
    case 'timelock': {
      const label = route.timelock.label ?? route.timelock.address
      const heldByTimelock: Authority = { kind: 'impersonate', address: route.timelock.address, label }
      const step: Step = { id: `timelock-${label}`, title: `${calls.map((call) => call.title).join(', ')} through timelock ${label}`, authority: heldByTimelock, actions, postconditions }
      return throughTimelock(step, {
        planId,
        incidentId,
        timelock: { address: route.timelock.address, label },
        minDelay: route.timelock.minDelay,
        proposer: route.proposer,
        executor: route.executor,
      })
    }
  }
}

/**
 * A Safe signs one transaction for everything it does now: its own calls, a guardian's pause it
 * holds, and the schedule of each timelock it proposes to, batched through MultiSendCallOnly. A
 * timelock's execution, after the delay, stays a step of its own. Where the Safe's MultiSend is
 * not deployed its transactions stay apart, and a note says how many the owners sign and how to
 * make it one.
 */
function oneTransactionPerSafe(
  steps: readonly Step[],
  targets: Record<string, Address[]>,
  team: readonly ManifestAuthority[],
  multiSendDeployed: MultiSendDeployed,
): { steps: Step[]; targets: Record<string, Address[]>; notes: string[] } {
  const bySafe = new Map<string, Step[]>()
  for (const step of steps) {
    if (step.authority.kind !== 'safe' || step.after) continue
    const key = step.authority.address.toLowerCase()
    bySafe.set(key, [...(bySafe.get(key) ?? []), step])
  }
  const merged = new Map<string, Step>()
  const notes: string[] = []
  for (const parts of bySafe.values()) {
    const [first] = parts as [Step]
    const authority = first.authority as SafeAuthority
    const multiSend = multiSendOf(authority)
    if (!multiSendDeployed(multiSend)) {
      if (parts.length > 1) notes.push(multiSendMissingNote(authority, multiSend, parts.length, team))
      continue
    }
    if (parts.length === 1) continue
    const step = mergeSafeSteps(authority, parts)
    merged.set(first.id, step)
    notes.push(`Safe ${authority.label} signs one transaction for all it does now (${step.actions.length} calls through MultiSendCallOnly ${multiSend}): ${parts.map((part) => part.title).join('; ')}`)
  }
  const absorbed = new Set([...bySafe.values()].flatMap((parts) => (merged.has(parts[0]!.id) ? parts.map((part) => part.id) : [])))
  const outSteps: Step[] = []
  const outTargets: Record<string, Address[]> = {}
  for (const step of steps) {
    const replacement = merged.get(step.id)
    if (replacement) {
      outSteps.push(replacement)
      const parts = bySafe.get(step.authority.address.toLowerCase())!
      outTargets[replacement.id] = [...new Set(parts.flatMap((part) => targets[part.id] ?? []))]
    } else if (!absorbed.has(step.id)) {
      outSteps.push(step)
      outTargets[step.id] = targets[step.id] ?? []
    }
  }
  return { steps: outSteps, targets: outTargets, notes }
}

/**
 * The Safe's steps as one. MultiSend makes it all or nothing, so any part's sign of being on
 * chain (a schedule's operation exists: only this batch schedules it, by its salt) says the whole
 * transaction is.
 */
function mergeSafeSteps(authority: SafeAuthority, parts: readonly Step[]): Step {
  const doneWhen = parts.find((part) => part.doneWhen)?.doneWhen
  return {
    id: `safe-${authority.label}`,
    title: parts.map((part) => part.title).join('; '),
    authority,
    actions: parts.flatMap((part) => part.actions),
    postconditions: parts.flatMap((part) => part.postconditions),
    ...(doneWhen ? { doneWhen } : {}),
  }
}

function multiSendMissingNote(authority: SafeAuthority, multiSend: Address, transactions: number, team: readonly ManifestAuthority[]): string {
  const index = team.findIndex((each) => isAddressEqual(each.address, authority.address))
  const where = index >= 0 ? `authorities[${index}].multiSend (${team[index]!.name})` : `a multiSend for Safe ${authority.address}, declared under authorities`
  const what = authority.multiSend ? `the MultiSendCallOnly named for Safe ${authority.label} (${multiSend}) has no code on this chain` : `MultiSendCallOnly is not deployed at ${multiSend} on this chain`
  return `${what}: Safe ${authority.label} signs ${transactions} transactions instead of one; name a deployed MultiSendCallOnly in ${where} to batch them`
}

function actionOf(call: RoutedCall): Action {
  return contractCall(call.contract as ContractRef<Abi>, call.functionName as never, call.args as never)
}

function noteOf({ route, calls }: Group): string {
  const what = calls.map((call) => call.title).join(', ')
  switch (route.kind) {
    case 'direct':
      return `${what}: ${route.time.description}`
    case 'guardian':
      return `${what}: one transaction through guardian ${route.guardian.label ?? route.guardian.address} (${route.time.description})`
    case 'timelock': {
      const delay = Number(route.timelock.minDelay)
      return `SLOW: ${what} must wait for timelock ${route.timelock.label ?? route.timelock.address}: a ${delayName(delay)} delay (${delay} s, read from its getMinDelay()) between scheduling and executing — ${route.time.description}`
    }
  }
}

/** Why no route was usable, naming the paths inspect found. */
export function describePaths(paths: readonly AuthorityPath[]): string {
  if (paths.length === 0) return 'inspect found no account that holds this lever'
  return `its holders are reached only through ${paths.map((path) => path.nodes.map((node) => `${node.kind} ${node.label ?? node.address}`).join(' → ')).join('; ')}`
}


