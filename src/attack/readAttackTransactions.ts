import { type Address, type Hash, type Hex, TransactionNotFoundError, getAddress } from 'viem'
import type { ChainClients } from '../chain/clients.js'
import { FirebreakError } from '../errors.js'

/** A transaction of the attack, as it is replayed: who sent it, to what, with what. */
export type AttackTransaction = { from: Address; to?: Address | undefined; data: Hex; value?: bigint }


export class AttackTransactionNotFoundError extends FirebreakError {
  override name = 'AttackTransactionNotFoundError'
}

export type AttackFromChain = {
  /** The block of the first attack transaction: the replay forks the block before it. */
  attackBlock: bigint
  /** The attack, in chain order, as its senders sent it. */
  attack: AttackTransaction[]
  /**
   * The transactions mined before the attack in its own block. A fork can only start at a block
   * boundary; replaying these first puts the attack on the state it met (an oracle update, a
   * victim's deposit a moment before).
   */
  preceding: AttackTransaction[]
}

/**
 * The attack as the chain recorded it, from its transaction hashes: what a war room has from a
 * block explorer minutes after the exploit. A hash the chain does not know is an error that says
 * so before any fork starts.
 */
export async function readAttackTransactions(chain: ChainClients, hashes: readonly Hash[]): Promise<AttackFromChain> {
  if (hashes.length === 0) throw new AttackTransactionNotFoundError('no attack transaction given: pass the hash of at least one')
  const found = await Promise.all(
    hashes.map(async (hash) => {
      // Only "no such transaction" is the user's wrong hash: a failing node must not be reported as one.
      const transaction = await chain.public.getTransaction({ hash }).catch((error: unknown) => {
        if (error instanceof TransactionNotFoundError) return undefined
        throw error
      })
      if (!transaction || transaction.blockNumber === null) {
        throw new AttackTransactionNotFoundError(`attack transaction ${hash} is not on chain ${chain.chain.id} (${transaction ? 'still pending' : 'unknown hash'}): check the hash and the RPC URL's network`)
      }
      return transaction
    }),
  )
  const ordered = [...found].sort((a, b) => (a.blockNumber === b.blockNumber ? a.transactionIndex! - b.transactionIndex! : a.blockNumber! < b.blockNumber! ? -1 : 1))
  const first = ordered[0]!
  const block = await chain.public.getBlock({ blockNumber: first.blockNumber!, includeTransactions: true })
  const attackHashes = new Set(ordered.map((transaction) => transaction.hash))
  const preceding = block.transactions.filter((transaction) => transaction.transactionIndex! < first.transactionIndex! && !attackHashes.has(transaction.hash))
  const asReplay = (transaction: (typeof ordered)[number]): AttackTransaction => ({
    from: getAddress(transaction.from),
    // A contract-creating attack (the exploit deployed and fired in its constructor) has no `to`.
    to: transaction.to ? getAddress(transaction.to) : undefined,
    data: transaction.input,
    value: transaction.value,
  })
  return { attackBlock: first.blockNumber!, attack: ordered.map(asReplay), preceding: preceding.map(asReplay) }
}
