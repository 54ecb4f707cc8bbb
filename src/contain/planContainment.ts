import type { Address } from 'viem'
import type { ChainClients } from '../chain/clients.js'
import { readMultiSendDeployments } from '../engine/executors/safe/multiSendDeployments.js'
import type { Plan } from '../engine/plan.js'
import { UsageError } from '../errors.js'
import { didYouMean } from '../describeValue.js'
import type { Manifest, ManifestPlaybook } from '../manifest/types.js'
import { scopedPlanId } from '../manifest/manifestOnChain.js'
import { connectAndInspect } from '../inspect/inspectManifest.js'
import type { AuthorityPath, Inspection, LeverKind } from '../inspect/types.js'
import { type RoutedCall, type RoutedPlan, buildRoutedPlan } from '../engine/routing/buildRoutedPlan.js'
import { PAUSE_ALL, resolvePlaybook } from './resolvePlaybook.js'

export type PlanContainmentParameters = {
  manifest: Manifest
  /** A playbook under `playbooks` in the manifest, or the built-in `pause-all`. */
  playbook: string
  chain?: string
  rpcUrl?: string
  incidentId?: string
  /** Whether this machine holds an account's key now (see buildRoutedPlan). */
  keyAtHand?: (address: Address) => boolean
  /** Contracts with a journaled transaction of this plan still in flight: see resolvePlaybook. */
  inFlight?: ReadonlySet<Address>
  /**
   * The only paths the plan may act through (an armed watcher's automatic authorities): a lever
   * reachable by none of them is exposed, never pulled through another.
   */
  usablePath?: (path: AuthorityPath) => boolean
  /** Why a lever whose every path `usablePath` refused is exposed, in the caller's words. */
  unusableReason?: string
}

export type PlanContainmentReturnType = RoutedPlan & {
  chain: ChainClients
  inspection: Inspection
  playbook: ManifestPlaybook
  skipped: { contract: string; reason: string }[]
  /** Targets the plan cannot contain, and why: the run never ends in success while one is left. */
  exposed: { contract: string; reason: string }[]
  /** The calls the plan makes, before they were grouped into steps. */
  calls: RoutedCall[]
}

/**
 * inspect → playbook → plan: who holds each lever right now decides how it is pulled. Reads the
 * chain, sends nothing; the plan then goes through the engine (simulate, prepare, execute, verify).
 */
export async function planContainment({ manifest, playbook: name, chain: chainName, rpcUrl, incidentId, inFlight, keyAtHand, usablePath, unusableReason }: PlanContainmentParameters): Promise<PlanContainmentReturnType> {
  const playbook = findPlaybook(manifest, name)
  // A pause that takes a reason (`pause(string identifier)`) records the incident it stops.
  const reason = incidentId ? `firebreak: incident ${incidentId}` : undefined
  const { chain, inspection } = await connectAndInspect({ manifest, chain: chainName, rpcUrl, kinds: leverKindsOf(playbook), reason })
  const resolved = await resolvePlaybook(chain, { manifest, playbook, inspection, inFlight })
  const { calls, exposed } = usablePath ? keepUsablePaths(resolved, usablePath, unusableReason ?? 'no usable authority holds it') : resolved
  const { skipped } = resolved
  const multiSendDeployed = await readMultiSendDeployments(chain, manifest.authorities.map((authority) => (authority.type === 'safe' ? authority.multiSend : undefined)))
  const built = buildRoutedPlan({ planId: containPlanId(playbook.name, manifest), phase: 'contain', title: `contain: ${playbook.name}`, calls, team: manifest.authorities, incidentId, keyAtHand, multiSendDeployed })
  return { ...built, chain, inspection, playbook, calls, skipped, exposed: [...exposed, ...uncheckedSteps(built.plan)] }
}

/** Calls left with no usable path are exposed, with the reason: the plan pulls only what the allowed authorities hold. */
function keepUsablePaths({ calls, exposed }: { calls: RoutedCall[]; exposed: { contract: string; reason: string }[] }, usable: (path: AuthorityPath) => boolean, reason: string) {
  const kept: RoutedCall[] = []
  const unusable: { contract: string; reason: string }[] = []
  for (const call of calls) {
    const paths = call.paths.filter(usable)
    if (paths.length > 0) kept.push({ ...call, paths })
    else unusable.push({ contract: call.contract.name, reason: `${call.title}: ${reason}` })
  }
  return { calls: kept, exposed: [...exposed, ...unusable] }
}

/** A step that nothing reads back after it is sent cannot be called contained, whatever it does. */
function uncheckedSteps(plan: Plan): { contract: string; reason: string }[] {
  return plan.steps
    .filter((step) => step.postconditions.length === 0)
    .map((step) => ({ contract: step.actions.map((action) => action.decoded.contract).join(', '), reason: `"${step.title}" has no check that reads the chain after it (no getter shows its effect): it will be sent, but not verified` }))
}

/** The plan id a playbook's containment runs under, in every run of it (and on each chain): a re-run resumes it from the journal. */
export const containPlanId = (playbook: string, manifest: Pick<Manifest, 'scope'>) => scopedPlanId(manifest, `contain-${playbook}`)

function findPlaybook(manifest: Manifest, name: string): ManifestPlaybook {
  const found = manifest.playbooks.find((playbook) => playbook.name === name)
  if (found) return found
  if (name === PAUSE_ALL.name) return PAUSE_ALL
  const names = [...manifest.playbooks.map((playbook) => playbook.name), PAUSE_ALL.name]
  throw new UsageError(`no playbook "${name}" in ${manifest.file}: expected one of ${names.join(', ')}${didYouMean(name, names)}`)
}

/** The kinds of lever a playbook pulls: inspecting only those keeps the first minutes short. */
function leverKindsOf(playbook: ManifestPlaybook): LeverKind[] {
  const kinds = { pause: 'pause', limit: 'limit', disable: 'switch', revoke: 'revoke' } as const
  return [...new Set(playbook.actions.map((action) => kinds[action.kind]))]
}
