import type { Hash, TransactionReceipt } from 'viem'
import type { ChainClients } from '../chain/clients.js'
import { receiptOf } from '../engine/executors/blockWatcher.js'
import type { SignedTransaction } from '../engine/executors/feeBump.js'
import { evaluateChecks } from '../engine/checks.js'
import { errorMessage } from '../errors.js'
import { type Incident, openIncident } from '../journal/incident.js'
import type { ArmedPlan, ArmedTransaction } from './armPlan.js'
import type { Fired } from './triggers.js'

export type SignedArmed = SignedTransaction & { armed: ArmedTransaction }

export type ResponseOutcome = {
  incident: Incident
  status: 'contained' | 'exposed' | 'declined'
  hashes: Hash[]
  decisionToBroadcastMs: number
  /** For a pending attack: whether every pause was mined ahead of it. */
  ahead?: boolean
}

export type BroadcastRoute = {
  public: ChainClients
  /** A builder's or relay's endpoint (connected once, ahead of time): the broadcast goes there first, and to the public node after `fallbackMs`. */
  private?: ChainClients
  fallbackMs: number
}

export type RespondParameters = {
  armed: ArmedPlan
  signed: readonly SignedArmed[]
  fired: Fired
  /** performance.now() when the trigger fired: decision-to-broadcast is measured from it. */
  decidedAt: number
  route: BroadcastRoute
  incidentsRoot?: string
  /** The watcher's own journal folder, named in the response's incident. */
  watcherDir: string
  /** A person's approval (`--confirm`); absent, the watcher acts at once. */
  confirm?: (fired: Fired) => Promise<boolean>
  /** Told as soon as the transactions are broadcast, before they are mined. */
  onBroadcast?: (hashes: Hash[], decisionToBroadcastMs: number) => void
}

/**
 * The automatic response: a new incident records what fired (and the pending attack), the armed
 * transactions are journaled and broadcast, then the watcher waits for them, reads every check
 * of the plan on chain, and records where the pause landed relative to the attack. "contained"
 * only when the checks say so.
 */
export async function respond(parameters: RespondParameters): Promise<ResponseOutcome> {
  const { armed, signed, fired, route } = parameters
  const incident = openIncident({ root: parameters.incidentsRoot, title: `watch ${fired.trigger.name}` })
  const { journal } = incident
  const pending = fired.pending
  journal.append('watch.triggered', {
    trigger: fired.trigger.name,
    kind: fired.trigger.kind,
    blockNumber: fired.blockNumber,
    detail: fired.detail,
    watcher: parameters.watcherDir,
    ...(pending ? { pending: { hash: pending.hash, from: pending.from, to: pending.to, ...(pending.maxPriorityFeePerGas !== undefined ? { maxPriorityFeePerGas: pending.maxPriorityFeePerGas } : {}), ...(pending.gasPrice !== undefined ? { gasPrice: pending.gasPrice } : {}) } } : {}),
  })
  if (parameters.confirm && !(await parameters.confirm(fired))) {
    journal.append('watch.declined', { trigger: fired.trigger.name })
    return { incident, status: 'declined', hashes: [], decisionToBroadcastMs: performance.now() - parameters.decidedAt }
  }
  const via: 'private' | 'public' = route.private ? 'private' : 'public'
  journal.append('watch.broadcast', {
    planId: armed.plan.id,
    decisionToSendMs: roundMs(performance.now() - parameters.decidedAt),
    transactions: signed.map((each) => ({
      stepId: each.armed.stepId,
      title: each.armed.title,
      hash: each.hash,
      from: each.armed.from,
      nonce: each.transaction.nonce,
      maxFeePerGas: each.transaction.fees.type === 'eip1559' ? each.transaction.fees.maxFeePerGas : each.transaction.fees.gasPrice,
      maxPriorityFeePerGas: each.transaction.fees.type === 'eip1559' ? each.transaction.fees.maxPriorityFeePerGas : each.transaction.fees.gasPrice,
      via,
    })),
  })
  await broadcast(signed, route)
  // Measured once the node has answered: what the war room waited for, journal writes included.
  const decisionToBroadcastMs = performance.now() - parameters.decidedAt
  const hashes = signed.map((each) => each.hash)
  parameters.onBroadcast?.(hashes, decisionToBroadcastMs)
  return land({ ...parameters, incident, hashes, decisionToBroadcastMs })
}

/**
 * Sends every signed transaction at once. A node that already has one (a second watcher sent the
 * same transaction first), or holds another transaction of the key at that nonce (a second watcher
 * that priced it differently), is no failure: a pause is on its way, once, and the checks read after
 * it decide whether it contained.
 */
export async function broadcast(signed: readonly SignedArmed[], route: BroadcastRoute): Promise<void> {
  const send = (client: ChainClients, serialized: `0x${string}`) =>
    client.public.sendRawTransaction({ serializedTransaction: serialized }).catch((error: unknown) => {
      if (!isSentAlready(error)) throw error
    })
  const privately = route.private
  if (!privately) {
    await Promise.all(signed.map((each) => send(route.public, each.serialized)))
    return
  }
  const sentPrivately = await Promise.allSettled(signed.map((each) => send(privately, each.serialized)))
  const failed = sentPrivately.some((result) => result.status === 'rejected')
  // A private endpoint keeps the pause out of the public mempool until it is mined; if it does not
  // get it mined soon (or refused it), the public node gets it too.
  const publicly = async () => {
    if (!failed) await sleep(route.fallbackMs)
    const unmined = (await Promise.all(signed.map(async (each) => ((await receiptOf(route.public.public, each.hash)) ? undefined : each)))).filter((each) => each !== undefined)
    await Promise.all(unmined.map((each) => send(route.public, each!.serialized)))
  }
  if (failed) await publicly()
  else void publicly().catch(() => undefined)
}

/** The node's words for "this transaction, or another at its nonce, is already on its way": geth, anvil, reth, Erigon. */
function isSentAlready(error: unknown): boolean {
  const said = [errorMessage(error), (error as { details?: string })?.details ?? '', String((error as { cause?: { message?: string } })?.cause?.message ?? '')].join(' ')
  return /already known|already imported|known transaction|transaction already exists|already in (the )?(mem)?pool|replacement transaction underpriced|nonce too low/i.test(said)
}

/** How many blocks the watcher waits for its transactions (and the attack's) before saying they were not mined. */
const LAND_WITHIN_BLOCKS = 20n

async function land(parameters: RespondParameters & { incident: Incident; hashes: Hash[]; decisionToBroadcastMs: number }): Promise<ResponseOutcome> {
  const { armed, fired, incident, hashes, decisionToBroadcastMs } = parameters
  const client = armed.chain.public
  const attackHash = fired.pending?.hash
  const startBlock = await client.getBlockNumber()
  const receipts = new Map<Hash, TransactionReceipt>()
  const waitingFor = [...hashes, ...(attackHash ? [attackHash] : [])]
  for (;;) {
    for (const hash of waitingFor) {
      if (receipts.has(hash)) continue
      const receipt = await receiptOf(client, hash)
      if (receipt) receipts.set(hash, receipt)
    }
    if (receipts.size === waitingFor.length) break
    // The pause may also be in by another watcher's transaction (same nonce): the checks decide.
    if ((await client.getBlockNumber()) > startBlock + LAND_WITHIN_BLOCKS) break
    await sleep(100)
  }
  const checks = await evaluateChecks(client, armed.plan.steps.flatMap((step) => step.postconditions), armed.plan.abis)
  const contained = checks.length > 0 && checks.every((check) => check.passed)
  const placed = (hash: Hash) => {
    const receipt = receipts.get(hash)
    return receipt ? { hash, blockNumber: receipt.blockNumber, index: receipt.transactionIndex, status: receipt.status } : { hash, status: 'not-mined' as const }
  }
  const attack = attackHash ? placed(attackHash) : undefined
  const transactions = parameters.signed.map((each) => ({ stepId: each.armed.stepId, ...placed(each.hash) }))
  const ahead = attack && attack.status !== 'not-mined' ? transactions.every((each) => each.status !== 'not-mined' && isBefore(each, attack)) : undefined
  incident.journal.append('watch.landed', { planId: armed.plan.id, decisionToBroadcastMs: roundMs(decisionToBroadcastMs), contained, transactions, ...(attack ? { attack } : {}), ...(ahead !== undefined ? { ahead } : {}), checks })
  // Contained only when every check reads so and no target was left to others: the journal and the caller say the same.
  const status = contained && armed.planned.exposed.length === 0 ? 'contained' : 'exposed'
  incident.journal.append('contain.finished', { planId: armed.plan.id, status, ...(armed.planned.exposed.length > 0 ? { exposed: armed.planned.exposed } : {}) })
  return { incident, status, hashes, decisionToBroadcastMs, ...(ahead !== undefined ? { ahead } : {}) }
}

const roundMs = (ms: number) => Math.round(ms * 100) / 100

function isBefore(pause: { blockNumber?: bigint; index?: number }, attack: { blockNumber?: bigint; index?: number }): boolean {
  if (pause.blockNumber === undefined || attack.blockNumber === undefined) return false
  return pause.blockNumber < attack.blockNumber || (pause.blockNumber === attack.blockNumber && (pause.index ?? 0) < (attack.index ?? 0))
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

