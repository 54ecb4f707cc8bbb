import { type Abi, type AbiFunction, type Address, parseAbi, parseAbiItem } from 'viem'
import type { ChainClients } from '../../chain/clients.js'
import { type RoutedCall, buildRoutedPlan } from '../../engine/routing/buildRoutedPlan.js'
import { resolveManifestCall } from '../../engine/routing/resolveManifestCall.js'
import type { Check, Plan } from '../../engine/plan.js'
import { connectAndInspect } from '../../inspect/inspectManifest.js'
import { tryRead } from '../../chain/tryRead.js'
import type { ContractInspection, Inspection, LeverKind } from '../../inspect/types.js'
import { ManifestError } from '../../manifest/ManifestError.js'
import type { Manifest, ManifestRestoreStage } from '../../manifest/types.js'
import { scopedPlanId } from '../../manifest/manifestOnChain.js'
import { invariantChecks } from './invariantChecks.js'
import { readMultiSendDeployments } from '../../engine/executors/safe/multiSendDeployments.js'

export type PlanRestoreStageParameters = {
  manifest: Manifest
  stage: ManifestRestoreStage
  chain?: string
  rpcUrl?: string
  /** Goes into a timelock operation's salt, as in containment. */
  incidentId?: string
  /** Whether this machine holds an account's key now: of two equal routes, the one it can sign. */
  keyAtHand?: (address: Address) => boolean
}

export type PlanRestoreStageReturnType = {
  plan: Plan
  /** Each lever's route (a timelock's delay, a Safe's threshold), for the war room before signing. */
  notes: string[]
  /** The contracts each step acts on. */
  targets: Record<string, Address[]>
  chain: ChainClients
  inspection: Inspection
}

/** Stable across runs, so that a re-run of the stage resumes its plan from the journal. */
export const restorePlanId = (stage: string, manifest: Pick<Manifest, 'scope'>) => scopedPlanId(manifest, `restore-${stage}`)

/** Nullary unpause levers, the common spelling first. */
const UNPAUSE_SIGNATURES = ['unpause()', 'unpauseAll()', 'resume()'] as const
const pausedAbi = parseAbi(['function paused() view returns (bool)'])

/**
 * inspect → calls → plan, as containment does it: who holds each unpause lever right now decides
 * how it is pulled (a key, a Safe, a timelock's schedule and execute), through the same route
 * choice and plan builder. The stage's invariants become the postconditions of its last step, so
 * the engine checks them on a fork after every unpause and before anything is sent, and again on
 * chain after. Reads the chain; sends nothing.
 */
export async function planRestoreStage({ manifest, stage, chain: chainName, rpcUrl, incidentId, keyAtHand }: PlanRestoreStageParameters): Promise<PlanRestoreStageReturnType> {
  const stageIndex = manifest.restore.indexOf(stage)
  const fail = (path: (string | number)[], problem: string): never => {
    throw new ManifestError({ file: manifest.file, path: ['restore', 'stages', stageIndex, ...path], problem })
  }
  const invariants = invariantChecks(manifest, stage)
  const kinds: LeverKind[] = stage.calls.length > 0 ? ['unpause', 'limit', 'switch'] : ['unpause']
  const { chain, inspection } = await connectAndInspect({ manifest, chain: chainName, rpcUrl, kinds })
  const inspected = (name: string, path: (string | number)[]) =>
    inspection.contracts.find((contract) => contract.name === name) ?? fail(path, `expected a contract on the chain this restore runs on (chain id ${inspection.chainId}), got ${name}, which is on chain "${chainOf(manifest, name)}": run the restore on that chain`)

  const unpauses = await Promise.all(stage.unpause.map((name, position) => unpauseCall(chain, manifest, inspected(name, ['unpause', position]), (problem) => fail(['unpause', position], problem))))
  const calls: RoutedCall[] = [...unpauses]
  for (const [position, call] of stage.calls.entries()) calls.push(...(await featureCalls(chain, manifest, inspection, stage, position, call)))

  const multiSendDeployed = await readMultiSendDeployments(chain, manifest.authorities.map((authority) => (authority.type === 'safe' ? authority.multiSend : undefined)))
  const built = buildRoutedPlan({ planId: restorePlanId(stage.name, manifest), phase: 'recover', title: `restore: ${stage.name}`, calls, team: manifest.authorities, incidentId, keyAtHand, multiSendDeployed })
  const steps = built.plan.steps.map((step, index, all) => (index === all.length - 1 ? { ...step, postconditions: [...step.postconditions, ...invariants] } : step))
  const abis = [...built.plan.abis, ...manifest.contracts.flatMap((contract) => (contract.abi ? [contract.abi] : []))]
  const plan: Plan = { id: built.plan.id, phase: 'recover', title: `restore ${stage.name}: ${calls.map((call) => call.title).join(', ')}`, steps, abis }
  return { plan, notes: built.notes, targets: built.targets, chain, inspection }
}

/** The contract's unpause lever with the paths inspect found to it, verified by `paused() == false` where the contract answers. */
async function unpauseCall(chain: ChainClients, manifest: Manifest, contract: ContractInspection, fail: (problem: string) => never): Promise<RoutedCall> {
  if (contract.error) fail(`expected a contract firebreak can inspect, but ${contract.name} could not be: ${contract.error}`)
  const access = UNPAUSE_SIGNATURES.map((signature) => contract.levers.find((candidate) => candidate.lever.signature === signature)).find(Boolean)
  if (!access) fail(`expected ${contract.name} to have an unpause lever firebreak can pull (${UNPAUSE_SIGNATURES.join(', ')}), found none: reopen it with calls instead`)
  const fn = parseAbiItem(`function ${access!.lever.signature}`) as AbiFunction
  const ref = { name: contract.name, address: contract.address, abi: [fn, ...pausedAbi, ...((manifest.contracts.find((candidate) => candidate.name === contract.name)?.abi ?? []) as Abi)] }
  const paused = await tryRead(chain, { address: contract.address, abi: pausedAbi, functionName: 'paused' })
  const postconditions: Check[] = typeof paused === 'boolean' ? [{ kind: 'read', description: `${contract.name}.paused() is false`, address: contract.address, abi: pausedAbi[0], args: [], expect: false }] : []
  return { contract: ref, functionName: fn.name, args: [], title: `unpause ${contract.name}`, paths: access!.paths, postconditions, isPause: false }
}

/**
 * A stage's call (re-enable a function, raise a cap back) resolved as a playbook's `limit` is: the
 * function found in the ABI or by signature, its arguments typed, the paths to whoever can make the
 * call, and a getter check for a setter. Its errors name the restore stage's call.
 */
async function featureCalls(chain: ChainClients, manifest: Manifest, inspection: Inspection, stage: ManifestRestoreStage, position: number, call: ManifestRestoreStage['calls'][number]): Promise<RoutedCall[]> {
  const path = ['restore', 'stages', manifest.restore.indexOf(stage), 'calls', position]
  const fail = (inner: (string | number)[], problem: string): never => {
    throw new ManifestError({ file: manifest.file, path: [...path, ...inner], problem })
  }
  const contract = inspection.contracts.find((candidate) => candidate.name === call.contract) ?? fail(['contract'], `expected a contract on the chain this restore runs on (chain id ${inspection.chainId}), got ${call.contract}, which is on chain "${chainOf(manifest, call.contract)}": run the restore on that chain`)
  const labels = new Map(manifest.authorities.map((authority) => [authority.address.toLowerCase(), authority.name]))
  return [await resolveManifestCall(chain, { manifest, contract, function: call.function, args: call.args, labels, fail })]
}

/** The manifest's chain for a contract name. */
function chainOf(manifest: Manifest, name: string): string {
  return manifest.contracts.find((contract) => contract.name === name)?.chain ?? 'another'
}
