import { type Address, type Hash, getAddress, getContractAddress } from 'viem'
import type { ChainClients } from '../chain/clients.js'
import { readAttackTransactions } from '../attack/readAttackTransactions.js'

/** An address whose losses are nobody's to reimburse, and how firebreak knows it is the attacker's. */
export type AttackerAddress = { address: Address; kind: AttackerKind; reason: string }

export type AttackerKind = 'given' | 'sender' | 'deployed-by-sender' | 'created-in-attack'

/** Each kind in words, as the loss method lists them. */
export const attackerKinds: Record<AttackerKind, string> = {
  given: 'named by the team',
  sender: 'senders of the attack transactions',
  'deployed-by-sender': 'contracts the senders deployed',
  'created-in-attack': 'contracts created during the attack',
}

export type FindAttackersParameters = {
  /** Addresses the team already attributes to the attacker. */
  given?: readonly Address[]
  /** The attack's transaction hashes: their senders, and the contracts those created, are the attacker's. */
  transactions?: readonly Hash[]
  /** Nonces and code are read at this block (after containment). Default: the latest. */
  atBlock?: bigint
  /**
   * A sender's contracts are found by deriving the CREATE address of each nonce it used. Attack
   * accounts are fresh (a handful of transactions); a sender past this many nonces is a reused
   * account and only its first `maxNonce` are searched, which the notes say. Default 1024.
   */
  maxNonce?: number
}

export type FindAttackersReturnType = {
  attackers: AttackerAddress[]
  /** What could not be searched, in words for the loss report. */
  notes: string[]
}

type CallFrame = { type?: string; to?: string; error?: string; calls?: CallFrame[] }

/**
 * The attacker's addresses: those given, the senders of the attack transactions, every contract a
 * sender deployed (the CREATE address of each nonce it used that holds code, which finds an exploit
 * contract deployed ahead of the attack, as real attackers do to keep the attack to one
 * transaction), and every contract created during the attack transactions themselves (from
 * `debug_traceTransaction`'s callTracer, which anvil and most archive nodes answer; without it only
 * the receipts' `contractAddress` is used, and the notes say so).
 */
export async function findAttackers(chain: ChainClients, parameters: FindAttackersParameters): Promise<FindAttackersReturnType> {
  const found = new Map<Address, AttackerAddress>()
  const notes: string[] = []
  const add = (address: string, kind: AttackerKind, reason: string) => {
    const account = getAddress(address)
    if (!found.has(account)) found.set(account, { address: account, kind, reason })
  }
  for (const address of parameters.given ?? []) add(address, 'given', 'named by the team')

  const hashes = parameters.transactions ?? []
  if (hashes.length === 0) return { attackers: [...found.values()], notes }

  // Checks every hash is on chain first, with the error that says which one is not.
  const { attack } = await readAttackTransactions(chain, hashes)
  const atBlock = parameters.atBlock ?? (await chain.public.getBlockNumber({ cacheTime: 0 }))
  const senders = [...new Set(attack.map((transaction) => transaction.from))]
  for (const [index, hash] of hashes.entries()) {
    const transaction = await chain.public.getTransaction({ hash })
    add(transaction.from, 'sender', `sent attack transaction ${hash}`)
    const receipt = await chain.public.getTransactionReceipt({ hash })
    if (receipt.contractAddress) add(receipt.contractAddress, 'created-in-attack', `deployed by attack transaction ${hash}`)
    const created = await contractsCreatedIn(chain, hash)
    if (created === undefined) {
      if (index === 0) notes.push('the node does not answer debug_traceTransaction: contracts created inside the attack transactions (not by their senders directly) were not searched')
    } else {
      for (const address of created) add(address, 'created-in-attack', `created during attack transaction ${hash}`)
    }
  }

  const maxNonce = parameters.maxNonce ?? 1024
  for (const sender of senders) {
    const used = await chain.public.getTransactionCount({ address: sender, blockNumber: atBlock })
    if (used > maxNonce) notes.push(`${sender} has sent ${used} transactions: only the contracts of its first ${maxNonce} nonces were searched`)
    const candidates = Array.from({ length: Math.min(used, maxNonce) }, (_, nonce) => ({ nonce, address: getContractAddress({ from: sender, nonce: BigInt(nonce) }) }))
    const codes = await Promise.all(candidates.map(({ address }) => chain.public.getCode({ address, blockNumber: atBlock })))
    candidates.forEach(({ nonce, address }, index) => {
      const code = codes[index]
      if (code && code !== '0x') add(address, 'deployed-by-sender', `deployed by ${sender} (nonce ${nonce})`)
    })
  }
  return { attackers: [...found.values()], notes }
}

/** Every contract a transaction created, at any depth; undefined when the node cannot trace. */
async function contractsCreatedIn(chain: ChainClients, hash: Hash): Promise<Address[] | undefined> {
  let root: CallFrame
  try {
    root = (await chain.public.request({ method: 'debug_traceTransaction', params: [hash, { tracer: 'callTracer' }] } as never)) as CallFrame
  } catch {
    return undefined
  }
  const created: Address[] = []
  const visit = (frame: CallFrame) => {
    // A reverted frame created nothing, even though the tracer names the address it would have had.
    if (frame.error) return
    if ((frame.type === 'CREATE' || frame.type === 'CREATE2') && frame.to) created.push(getAddress(frame.to))
    for (const child of frame.calls ?? []) visit(child)
  }
  visit(root)
  return created
}
