import { type Address, type Hex, type LocalAccount, isAddressEqual, parseTransaction } from 'viem'
import type { ChainClients } from '../../chain/clients.js'
import { isTransportError } from '../../chain/transportError.js'
import { type JournalLike, wasSent } from '../journalLike.js'
import type { Plan } from '../plan.js'
import { type KeyTransaction, type SignedTransaction, signKeyTransaction } from './feeBump.js'

/** What a step asks of its key's lane: a transaction to sign with the next free nonce. */
export type LaneSend = {
  account: LocalAccount
  transaction: Omit<KeyTransaction, 'nonce'>
  /** The step's place in the plan: a batch takes its nonces in plan order. */
  position: number
  /** Journals the signed transaction; called before anything is broadcast. */
  beforeBroadcast?: ((signed: SignedTransaction) => void) | undefined
}

/**
 * The nonces of one key for one run of a plan. Steps of the key that are ready together (their
 * gas estimated in one round trip) are signed with consecutive nonces, journaled one by one, then
 * broadcast back to back, so that a chain includes them in the same block instead of one per block.
 *
 * A nonce is the node's pending count or the next one after it that is free: not held by a
 * transaction this plan journaled as sent (a killed run's batch, broadcast again by its steps as
 * they resume) nor by one this lane sent. A nonce the node refused is free again.
 */
export class KeyLane {
  private readonly queue: { send: LaneSend; resolve(signed: SignedTransaction): void; reject(error: unknown): void }[] = []
  private readonly taken: Set<number>
  private flushing: Promise<void> = Promise.resolve()
  private scheduled = false

  constructor(
    private readonly chain: ChainClients,
    readonly address: Address,
    journaledNonces: Iterable<number> = [],
  ) {
    this.taken = new Set(journaledNonces)
  }

  /** Signs, journals and broadcasts the transaction with the lane's next nonce; resolves once the node took it. */
  send(send: LaneSend): Promise<SignedTransaction> {
    return new Promise((resolve, reject) => {
      this.queue.push({ send, resolve, reject })
      if (this.scheduled) return
      this.scheduled = true
      // A macrotask later: every step whose estimate came back in the same answer joins this batch.
      setTimeout(() => {
        this.scheduled = false
        this.flushing = this.flushing.then(() => this.flush())
      }, 0)
    })
  }

  private async flush(): Promise<void> {
    const batch = this.queue.splice(0).sort((a, b) => a.send.position - b.send.position)
    if (batch.length === 0) return
    let pending: number
    try {
      pending = await this.chain.public.getTransactionCount({ address: this.address, blockTag: 'pending' })
    } catch (error) {
      for (const each of batch) each.reject(error)
      return
    }
    const signed: { entry: (typeof batch)[number]; transaction: SignedTransaction }[] = []
    let nonce = pending
    for (const entry of batch) {
      while (this.taken.has(nonce)) nonce++
      try {
        const transaction = await signKeyTransaction(entry.send.account, { ...entry.send.transaction, nonce })
        // Journaled before any node holds it: a run killed now resumes by broadcasting it again, never by signing another.
        entry.send.beforeBroadcast?.(transaction)
        this.taken.add(nonce)
        signed.push({ entry, transaction })
        nonce++
      } catch (error) {
        entry.reject(error)
      }
    }
    // Issued in one tick, in nonce order: one JSON-RPC batch, so the node meets them as they follow each other.
    await Promise.all(
      signed.map(({ entry, transaction }) =>
        this.chain.public.sendRawTransaction({ serializedTransaction: transaction.serialized }).then(
          () => entry.resolve(transaction),
          (error: unknown) => {
            // Refused: it never left, so its nonce is free for the next send. Lost on the way: the node may hold it.
            if (!isTransportError(error)) this.taken.delete(transaction.transaction.nonce)
            entry.reject(error)
          },
        ),
      ),
    )
  }
}

/** One lane per key for one run of a plan (runPhase makes it): steps of one key share their nonces through it. */
export class KeyLanes {
  private readonly lanes = new Map<string, KeyLane>()

  constructor(
    private readonly plan: Plan,
    private readonly journal: JournalLike,
  ) {}

  of(chain: ChainClients, address: Address): KeyLane {
    const id = address.toLowerCase()
    let lane = this.lanes.get(id)
    if (!lane) this.lanes.set(id, (lane = new KeyLane(chain, address, journaledNonces(this.plan, this.journal, address))))
    return lane
  }
}

/**
 * The nonces of the plan's transactions from `address` that the journal holds as sent: still on
 * their way after a restart (or mined, and then below the pending count anyway).
 */
function journaledNonces(plan: Plan, journal: JournalLike, address: Address): number[] {
  const ours = new Set(plan.steps.filter((step) => step.authority.kind === 'key' && isAddressEqual(step.authority.address, address)).map((step) => step.id))
  const nonces: number[] = []
  for (const entry of journal.entries()) {
    if (entry.type !== 'step.sent') continue
    const data = entry.data as { planId?: string; stepId?: string; nonce?: number; serialized?: Hex }
    if (data.planId !== plan.id || !data.stepId || !ours.has(data.stepId) || !wasSent(journal, plan, { id: data.stepId })) continue
    const nonce = data.nonce ?? (data.serialized ? parseTransaction(data.serialized).nonce : undefined)
    if (nonce !== undefined) nonces.push(nonce)
  }
  return nonces
}
