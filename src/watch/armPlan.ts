import { type Address, type LocalAccount, isAddressEqual } from 'viem'
import type { ChainClients } from '../chain/clients.js'
import { type PlanContainmentReturnType, planContainment } from '../contain/planContainment.js'
import type { JournalLike } from '../engine/journalLike.js'
import type { Call, Plan, Step } from '../engine/plan.js'
import { accountFor } from '../engine/executors/key.js'
import { safeAbi } from '../engine/executors/safe/abi.js'
import { type SafeThresholdNotMet, SafeThresholdNotMetError } from '../engine/executors/safe/errors.js'
import { prepareSafeTransaction } from '../engine/executors/safe/safeExecutor.js'
import { readSignatureFile } from '../engine/executors/safe/signatures.js'
import { singleCall } from '../engine/executors/singleCall.js'
import { keysAtHand } from '../engine/routing/keysAtHand.js'
import { type SimulationResult, describeSimulationFailure, simulatePlan } from '../engine/simulate.js'
import { errorMessage } from '../errors.js'
import type { AuthorityPath } from '../inspect/types.js'
import { entriesOf } from '../journal/entries.js'
import type { Manifest, ManifestWatch } from '../manifest/types.js'
import type { Alert } from './alerts.js'
import { presignedStaleAlert } from './readiness.js'

/**
 * One transaction of the armed plan, ready to be signed in microseconds: who sends it, what it
 * calls, its gas. For a Safe's step it is the submitter's `execTransaction`, the owners'
 * signatures already inside.
 */
export type ArmedTransaction = {
  stepId: string
  title: string
  from: Address
  /** In memory only: never written, logged or journaled. */
  account: LocalAccount
  call: Call
  gas: bigint
  /** Set for a Safe's step: the Safe nonce its owners signed for, and the hash they signed. */
  safe?: { address: Address; label: string; nonce: bigint; safeTxHash: `0x${string}` }
}

/** A plan kept ready to broadcast: planned, simulated on a fork of the latest block, signed for but the fees. */
export type ArmedPlan = {
  chain: ChainClients
  plan: Plan
  planned: PlanContainmentReturnType
  simulation: SimulationResult
  transactions: ArmedTransaction[]
  /** Steps that could not be armed (a key not at hand, a Safe short of signatures), with why. */
  unarmed: Alert[]
  /** Safe transactions whose owners must sign before the watcher can send them: what `firebreak arm` hands out. */
  toSign: SafeThresholdNotMet[]
  /** The block the plan was armed at. */
  blockNumber: bigint
  /** The manifest's authorities by name: alerts name an account the team knows by it, on a path or not. */
  authorityNames: { name: string; address: Address }[]
}

export type ArmPlanParameters = {
  manifest: Manifest
  watch: ManifestWatch
  chain?: string
  rpcUrl?: string
  /** The watcher's own journal: Safe transaction files are proposed through it. */
  journal: JournalLike
  /** Where Safe transaction files are written for owners to sign (`firebreak arm`). */
  outputDir: string
  signatureFiles?: readonly string[]
  accounts?: readonly LocalAccount[]
}

/**
 * Arms the watch playbook: inspect, keep only the paths through authorities marked automatic
 * (least privilege: a lever no automatic authority holds is reported, never pulled through
 * another), build the plan, simulate it on a fork of the latest block, then make each step's
 * transaction ready: the key unlocked, the Safe's signatures collected, the gas estimated.
 */
export async function armPlan(parameters: ArmPlanParameters): Promise<ArmedPlan> {
  const { manifest, watch, journal, outputDir, signatureFiles, accounts } = parameters
  const automatic = automaticAddresses(manifest, watch)
  const planned = await planContainment({
    manifest,
    playbook: watch.playbook,
    chain: parameters.chain,
    rpcUrl: parameters.rpcUrl,
    keyAtHand: keysAtHand(manifest.authorities, accounts),
    usablePath: (path) => isAutomaticPath(path, automatic),
    unusableReason: `no authority under watch.automatic (${watch.automatic.join(', ')}) holds it, and the watcher acts through no other`,
  })
  const { chain, plan } = planned
  const [simulation, blockNumber] = await Promise.all([simulatePlan(chain, plan), chain.public.getBlockNumber()])
  const transactions: ArmedTransaction[] = []
  const unarmed: Alert[] = []
  const toSign: SafeThresholdNotMet[] = []
  for (const step of plan.steps) {
    try {
      transactions.push(await armStep(chain, plan, step, { journal, outputDir, signatureFiles, accounts }))
    } catch (error) {
      unarmed.push((await stalePresignature(chain, plan, step, { journal, signatureFiles }).catch(() => undefined)) ?? unarmedAlert(step, error))
      if (error instanceof SafeThresholdNotMetError) toSign.push(error.details)
    }
  }
  if (!simulation.ok) unarmed.push({ code: 'plan-fails', severity: 'critical', subject: plan.id, message: `the armed plan fails on a fork of block ${simulation.forkBlock}: ${describeSimulationFailure(simulation)}` })
  const authorityNames = manifest.authorities.map(({ name, address }) => ({ name, address }))
  return { chain, plan, planned, simulation, transactions, unarmed, toSign, blockNumber, authorityNames }
}

/** The addresses of the authorities marked automatic, a Safe's submitter included. */
export function automaticAddresses(manifest: Manifest, watch: ManifestWatch): Address[] {
  return manifest.authorities.filter((authority) => watch.automatic.includes(authority.name)).map((authority) => authority.address)
}

/**
 * A path the watcher may act through on its own: its first signer is automatic, and nothing on it
 * makes the pause wait (a timelock's delay is a person's decision to make, not a watcher's).
 */
function isAutomaticPath(path: AuthorityPath, automatic: readonly Address[]): boolean {
  const [signer] = path.nodes
  return signer !== undefined && automatic.some((address) => isAddressEqual(address, signer.address)) && !path.nodes.some((node) => node.kind === 'timelock')
}

type ArmStepContext = Pick<ArmPlanParameters, 'journal' | 'outputDir' | 'signatureFiles' | 'accounts'>

async function armStep(chain: ChainClients, plan: Plan, step: Step, context: ArmStepContext): Promise<ArmedTransaction> {
  const { authority } = step
  if (authority.kind === 'impersonate') throw new Error(`step "${step.title}" impersonates its authority, which only a fork allows`)
  if (authority.kind === 'key') {
    const account = await accountFor(authority, context)
    const call = singleCall(step)
    return { stepId: step.id, title: step.title, from: account.address, account, call, gas: await armedGas(chain, account.address, call) }
  }
  const prepared = await prepareSafeTransaction(authority, { chain, plan, step, journal: context.journal, outputDir: context.outputDir, ...(context.signatureFiles ? { signatureFiles: context.signatureFiles } : {}), ...(context.accounts ? { accounts: context.accounts } : {}) })
  if (!authority.submitter) throw new Error(`Safe ${authority.label} has no submitter under authorities: the watcher needs an automatic key to send its execTransaction`)
  const account = await accountFor(authority.submitter, context)
  return {
    stepId: step.id,
    title: step.title,
    from: account.address,
    account,
    call: prepared.execCall,
    gas: await armedGas(chain, account.address, prepared.execCall),
    safe: { address: authority.address, label: authority.label, nonce: prepared.transaction.nonce, safeTxHash: prepared.hashes.safeTxHash },
  }
}

/**
 * The estimate with a fifth on top, rounded up to 10,000: two watchers estimating at the same
 * block sign the same gas, so their armed transactions are one and the same (same hash).
 */
async function armedGas(chain: ChainClients, from: Address, call: Call): Promise<bigint> {
  const estimate = await chain.public.estimateGas({ account: from, to: call.to, data: call.data, value: call.value })
  const padded = estimate + estimate / 5n
  return ((padded + 9_999n) / 10_000n) * 10_000n
}

function unarmedAlert(step: Step, error: unknown): Alert {
  const message = errorMessage(error).split('\n')[0]!
  const safe = step.authority.kind === 'safe'
  if (safe && /signature/i.test(message)) return { code: 'signatures-missing', severity: 'critical', subject: step.authority.label, message: `"${step.title}" cannot go automatically: ${message}` }
  return { code: 'key-missing', severity: 'critical', subject: step.authority.label, message: `"${step.title}" cannot go automatically: ${message}` }
}

/**
 * Why a Safe step the owners did sign cannot be armed, when the reason is that the Safe has since
 * executed another transaction: the signatures handed over are for this step's Safe transaction
 * at a nonce now used, which can never execute. Said as such, not as "signatures missing" or "the
 * plan changed": what the owners must do is the same, but what happened (someone else spent the
 * nonce) is what the war room needs to hear. The nonce each was signed for comes from the Safe
 * transactions this watcher proposed (its journal).
 */
async function stalePresignature(chain: ChainClients, plan: Plan, step: Step, context: Pick<ArmStepContext, 'journal' | 'signatureFiles'>): Promise<Alert | undefined> {
  const { authority } = step
  if (authority.kind !== 'safe' || !context.signatureFiles?.length) return undefined
  const signed = new Set<string>()
  for (const path of context.signatureFiles) {
    try {
      const file = readSignatureFile(path)
      if (file.chainId === chain.chain.id && isAddressEqual(file.safe, authority.address)) signed.add(file.safeTxHash.toLowerCase())
    } catch {
      // An unreadable file is named by the executor's own error.
    }
  }
  const proposed = entriesOf(context.journal, 'safe.proposed')
    .map((entry) => entry.data)
    .filter((data) => data.planId === plan.id && data.stepId === step.id && isAddressEqual(data.safe, authority.address) && signed.has(data.safeTxHash.toLowerCase()))
  if (proposed.length === 0) return undefined
  const nonce = await chain.public.readContract({ address: authority.address, abi: safeAbi, functionName: 'nonce' })
  const stale = proposed.filter((data) => BigInt(data.nonce) < nonce).at(-1)
  return stale ? presignedStaleAlert({ address: authority.address, label: authority.label, nonce: BigInt(stale.nonce), safeTxHash: stale.safeTxHash }, nonce) : undefined
}
