import { type Abi, type Address, parseAbi } from 'viem'
import { throughTimelock, timelockControllerAbi } from '../engine/executors/timelock.js'
import { type Action, type Authority, type Check, type ContractRef, type Plan, type Step, contractCall } from '../engine/plan.js'
import { delayName } from '../inspect/authorities/timeToExecute.js'
import type { AuthorityPath } from '../inspect/types.js'
import type { ManifestAuthority } from '../manifest/types.js'
import { ContainError } from './errors.js'
import { type Route, routeLever } from './routeLever.js'

/** One call a playbook makes on one contract, with the paths `inspect` found to the lever. */
export type ContainCall = {
  contract: ContractRef
  functionName: string
  args: readonly unknown[]
  /** `pause vault`, `lower vault's deposit cap to 0` */
  title: string
  paths: readonly AuthorityPath[]
  postconditions: Check[]
  /** A pause may go through a guardian contract, which pauses everything it guards in one call. */
  isPause: boolean
}

export type BuildContainPlanParameters = {
  /** The playbook's name: the plan's id is `contain-<playbook>`, stable across runs so that a re-run resumes. */
  playbook: string
  calls: readonly ContainCall[]
  /** The team's authorities from the manifest: their keys and Safe settings. */
  team: readonly ManifestAuthority[]
  /** Goes into a timelock operation's salt: the same playbook in a later incident schedules anew. */
  incidentId?: string
  /** Whether this machine holds the key of an account now: of two equal routes, the one it can sign. */
  keyAtHand?: (address: Address) => boolean
  /** The plan's id when another phase builds on these routes (a restore stage); `contain-<playbook>` by default. */
  planId?: string
}

export type ContainPlan = {
  plan: Plan
  /** What a war room must know before signing: a timelock's delay, the route each lever takes. */
  notes: string[]
  /** The contracts each step acts on (a guardian's or a timelock's step acts on others than it calls). */
  targets: Record<string, Address[]>
}

/** The plan id a playbook's containment runs under, in every run of it: a re-run resumes it from the journal. */
export const containPlanId = (playbook: string) => `contain-${playbook}`

const guardianAbi = parseAbi(['function pause(address[] targets)'])

/**
 * Turns a playbook's calls into the fewest transactions their authorities allow: a key sends one
 * call per transaction; a Safe signs all of its calls once (MultiSend); a guardian pauses all of
 * its contracts in one call; a timelock schedules all of its calls in one batch, executed after
 * its delay. Fastest routes come first, so the quickest levers are pulled while Safe signers are
 * still being reached.
 */
export function buildContainPlan({ playbook, calls, team, incidentId, keyAtHand, planId = containPlanId(playbook) }: BuildContainPlanParameters): ContainPlan {
  const groups = new Map<string, Group>()
  for (const [index, call] of calls.entries()) {
    const route = routeLever(call.isPause ? call.paths : call.paths.filter((path) => !path.nodes.some((node) => node.kind === 'guardian')), team, keyAtHand)
    if (!route) throw new ContainError(`nobody firebreak can act through can ${call.title}: ${describePaths(call.paths)}`)
    const key = groupKey(route, index)
    const group = groups.get(key) ?? { route, calls: [] }
    group.calls.push(call)
    groups.set(key, group)
  }
  const ordered = [...groups.values()].sort((a, b) => a.route.time.seconds - b.route.time.seconds)
  const targets: Record<string, Address[]> = {}
  const steps = ordered.flatMap((group) => {
    const built = stepsOf(planId, group, incidentId)
    for (const step of built) targets[step.id] = group.calls.map((call) => call.contract.address)
    return built
  })
  const notes = ordered.map(noteOf)
  const abis = [...new Map(calls.map((call) => [call.contract.address, call.contract.abi])).values(), guardianAbi, timelockControllerAbi] as Abi[]
  return { plan: { id: planId, phase: 'contain', title: `contain: ${playbook}`, steps, abis }, notes, targets }
}

type Group = { route: Route; calls: ContainCall[] }

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

function stepsOf(planId: string, { route, calls }: Group, incidentId: string | undefined): Step[] {
  const postconditions = calls.flatMap((call) => call.postconditions)
  const actions = calls.map(actionOf)
  switch (route.kind) {
    case 'direct': {
      const [first] = calls as [ContainCall]
      const title = calls.map((call) => call.title).join(', ')
      const id = route.authority.kind === 'safe' ? `safe-${route.authority.label}` : `${first.functionName}-${first.contract.name}`
      return [{ id, title: `${title} as ${route.authority.label}`, authority: route.authority, actions, postconditions }]
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

function actionOf(call: ContainCall): Action {
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


