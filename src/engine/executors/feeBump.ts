import {
  type Address,
  type Hash,
  type Hex,
  type LocalAccount,
  type TransactionReceipt,
  TransactionNotFoundError,
  formatGwei,
  isAddressEqual,
  keccak256,
} from 'viem'
import type { ChainClients } from '../../chain/clients.js'
import { FirebreakError } from '../../errors.js'
import { assertProgress, blockWatcher, receiptOf } from './blockWatcher.js'

export { waitForAnyReceipt } from './blockWatcher.js'

/** What one gas unit of a transaction may cost: EIP-1559 fee caps, or a legacy gas price. */
export type TransactionFees =
  | { type: 'eip1559'; maxFeePerGas: bigint; maxPriorityFeePerGas: bigint }
  | { type: 'legacy'; gasPrice: bigint }

/** Everything a key signs. Kept whole, so that a replacement is the same call with the same nonce. */
export type KeyTransaction = {
  chainId: number
  nonce: number
  to: Address
  data: Hex
  value: bigint
  gas: bigint
  fees: TransactionFees
}

export type SignedTransaction = { hash: Hash; serialized: Hex; transaction: KeyTransaction }

/** A transaction on its way: its hash and what was signed. */
export type SentTransaction = Pick<SignedTransaction, 'hash' | 'transaction'>

export type FeeBumpPolicy = {
  /** New blocks a transaction may stay unmined before it is replaced. */
  replaceAfterBlocks: number
  /** Replacements at most; then the wait ends with {@link TransactionNotMinedError}. */
  maxReplacements: number
  /**
   * No replacement offers more per gas than this, in wei. Default: ten times the first
   * transaction's fee cap — room for a base fee that keeps rising for about 25 full blocks,
   * without letting a runaway market spend the key's whole balance on one pause.
   */
  maxFeePerGas?: bigint
}

export const defaultFeeBumpPolicy: FeeBumpPolicy = { replaceAfterBlocks: 3, maxReplacements: 5 }

/** The default cap is this many times the first transaction's fee cap. */
export const defaultFeeCapMultiple = 10n

type Client = ChainClients['public']

/** +12.5 %, rounded up: clears the +10 % that geth, Erigon, Nethermind and anvil require of a replacement. */
const raise = (fee: bigint) => fee + (fee + 7n) / 8n
/** +10 %, rounded up: the least a node accepts as a replacement. */
const leastReplacement = (fee: bigint) => fee + (fee + 9n) / 10n
const max = (a: bigint, b: bigint) => (a > b ? a : b)
const min = (a: bigint, b: bigint) => (a < b ? a : b)

/**
 * The fees to offer now. The fee cap is twice the next block's base fee plus the tip: a
 * transaction stays includable through six full blocks of base-fee rises, and only the base fee
 * actually met is charged, so the headroom costs nothing.
 */
export async function currentFees(client: Client): Promise<TransactionFees> {
  const [latest, pending, maxPriorityFeePerGas] = await Promise.all([
    client.getBlock({ blockTag: 'latest' }),
    // The pending block carries the base fee the next block will charge; not every provider serves it.
    client.getBlock({ blockTag: 'pending' }).catch(() => undefined),
    client.estimateMaxPriorityFeePerGas().catch(() => undefined),
  ])
  if (latest.baseFeePerGas === null || latest.baseFeePerGas === undefined || maxPriorityFeePerGas === undefined) {
    return { type: 'legacy', gasPrice: await client.getGasPrice() }
  }
  const baseFee = max(latest.baseFeePerGas, pending?.baseFeePerGas ?? 0n)
  return { type: 'eip1559', maxFeePerGas: 2n * baseFee + maxPriorityFeePerGas, maxPriorityFeePerGas }
}

/** The most one gas unit may cost under these fees: what a node checks against the balance. */
export function feeCap(fees: TransactionFees): bigint {
  return fees.type === 'eip1559' ? fees.maxFeePerGas : fees.gasPrice
}

/**
 * The fees of a replacement: 12.5 % above the previous ones on both caps, and at least what the
 * network asks now; never above `cap`. Undefined when the cap leaves no room for the +10 % a node
 * requires (the transaction cannot be replaced any more).
 */
export function bumpFees(previous: TransactionFees, current: TransactionFees, cap: bigint): TransactionFees | undefined {
  if (previous.type === 'legacy') {
    const gasPrice = min(max(raise(previous.gasPrice), feeCap(current)), cap)
    return gasPrice >= leastReplacement(previous.gasPrice) ? { type: 'legacy', gasPrice } : undefined
  }
  const currentTip = current.type === 'eip1559' ? current.maxPriorityFeePerGas : 0n
  const maxFeePerGas = min(max(raise(previous.maxFeePerGas), feeCap(current)), cap)
  const maxPriorityFeePerGas = min(max(raise(previous.maxPriorityFeePerGas), currentTip), maxFeePerGas)
  if (maxFeePerGas < leastReplacement(previous.maxFeePerGas)) return undefined
  if (maxPriorityFeePerGas < leastReplacement(previous.maxPriorityFeePerGas)) return undefined
  return { type: 'eip1559', maxFeePerGas, maxPriorityFeePerGas }
}

/** Signs locally: the hash is known before anything reaches the network, so it can be journaled first. */
export async function signKeyTransaction(account: LocalAccount, transaction: KeyTransaction): Promise<SignedTransaction> {
  const { chainId, nonce, to, data, value, gas, fees } = transaction
  const serialized =
    fees.type === 'eip1559'
      ? await account.signTransaction({ type: 'eip1559', chainId, nonce, to, data, value, gas, maxFeePerGas: fees.maxFeePerGas, maxPriorityFeePerGas: fees.maxPriorityFeePerGas })
      : await account.signTransaction({ type: 'legacy', chainId, nonce, to, data, value, gas, gasPrice: fees.gasPrice })
  return { hash: keccak256(serialized), serialized, transaction }
}

/**
 * A transaction of `from` as the node knows it, to be replaced after a restart; undefined when
 * the node has never seen it (dropped, or never broadcast) or another account sent it.
 */
export async function sentTransaction(client: Client, hash: Hash, from: Address): Promise<SentTransaction | undefined> {
  const found = await client.getTransaction({ hash }).catch((error: unknown) => {
    if (error instanceof TransactionNotFoundError) return undefined
    throw error
  })
  if (!found || !isAddressEqual(found.from, from) || !found.to) return undefined
  const fees: TransactionFees =
    found.maxFeePerGas !== undefined && found.maxPriorityFeePerGas !== undefined
      ? { type: 'eip1559', maxFeePerGas: found.maxFeePerGas, maxPriorityFeePerGas: found.maxPriorityFeePerGas }
      : { type: 'legacy', gasPrice: found.gasPrice ?? 0n }
  const chainId = found.chainId ?? (await client.getChainId())
  return { hash, transaction: { chainId, nonce: found.nonce, to: found.to, data: found.input, value: found.value, gas: found.gas, fees } }
}

export type ConfirmWithReplacementsParameters = {
  client: Client
  /** Signs the replacements; must be the account that signed `sent`. */
  account: LocalAccount
  sent: SentTransaction
  /** Called with each replacement's hash after it is signed and before it is broadcast. */
  onReplaced: (replacement: Hash) => void
  policy?: Partial<FeeBumpPolicy>
  /** Who sends, as messages name it: `guardian`. */
  label?: string
  /** Hands a signed replacement to the network; the node's `eth_sendRawTransaction` by default. */
  broadcast?: (serialized: Hex) => Promise<unknown>
  /**
   * Earlier versions with the same nonce (from the journal, after a restart): any of them may be
   * the one mined.
   */
  earlierVersions?: readonly Hash[]
}

/**
 * Waits until a transaction with the nonce of `sent` is mined, replacing it with higher fees
 * whenever `replaceAfterBlocks` new blocks pass without it. Whichever signed version is mined —
 * the first one may still beat its replacements — is the receipt returned.
 *
 * Every version is reported through `onReplaced` before it is broadcast, so the journal never
 * lacks a transaction that could land on chain; a version the node then refuses is simply
 * never mined.
 */
/** How long a spent nonce's receipt may lag behind the nonce count before the transaction is taken for someone else's. */
const nonceSpentGraceMs = 5_000

async function receiptWithin(client: Parameters<typeof receiptOf>[0], hashes: readonly Hash[], ms: number): Promise<TransactionReceipt | undefined> {
  const deadline = Date.now() + ms
  for (;;) {
    const receipt = (await Promise.all(hashes.map((hash) => receiptOf(client, hash)))).find((found) => found !== undefined)
    if (receipt || Date.now() >= deadline) return receipt
    await sleep(100)
  }
}

export async function confirmWithReplacements(parameters: ConfirmWithReplacementsParameters): Promise<TransactionReceipt> {
  const { client, account, sent, onReplaced, label = 'key' } = parameters
  const policy = { ...defaultFeeBumpPolicy, ...parameters.policy }
  const broadcast = parameters.broadcast ?? ((serialized: Hex) => client.sendRawTransaction({ serializedTransaction: serialized }))
  const { transaction } = sent
  const cap = policy.maxFeePerGas ?? defaultFeeCapMultiple * feeCap(transaction.fees)
  const hashes: Hash[] = [...new Set([...(parameters.earlierVersions ?? []), sent.hash])]
  let fees = transaction.fees
  let replacements = 0
  /** Why no further replacement can be sent; once set, the next wait is the last. */
  let exhausted: string | undefined
  const blocks = blockWatcher(client)
  const since = Date.now()
  let waitFrom = await blocks.current()
  let block = waitFrom

  for (;;) {
    const [receipts, minedNonces] = await Promise.all([
      Promise.all(hashes.map((hash) => receiptOf(client, hash))),
      client.getTransactionCount({ address: account.address, blockTag: 'latest' }),
    ])
    const receipt = receipts.find((found) => found !== undefined)
    if (receipt) return receipt
    if (minedNonces > transaction.nonce) {
      // The nonce is spent. A node under load counts a mined nonce before it serves the receipt
      // (anvil does, often): give ours a grace period before calling it someone else's.
      const late = await receiptWithin(client, hashes, nonceSpentGraceMs)
      if (late) return late
      throw new NonceTakenError(label, account.address, transaction.nonce, hashes)
    }
    if (block >= waitFrom + BigInt(policy.replaceAfterBlocks)) {
      if (exhausted) throw new TransactionNotMinedError(label, account.address, transaction.nonce, hashes, replacements, exhausted)
      waitFrom = block
      const next = replacements < policy.maxReplacements ? bumpFees(fees, await currentFees(client), cap) : undefined
      if (!next) {
        exhausted =
          replacements < policy.maxReplacements
            ? `the fee cap of ${formatGwei(cap)} gwei leaves no room for another replacement`
            : `${policy.maxReplacements} replacements sent, the most allowed`
        continue
      }
      const replacement = await signKeyTransaction(account, { ...transaction, fees: next })
      onReplaced(replacement.hash)
      hashes.push(replacement.hash)
      replacements += 1
      // A refused replacement still raises the floor: the next one then beats whichever version the pool holds.
      fees = next
      const refusal = await broadcast(replacement.serialized).then(
        () => undefined,
        (error: unknown) => refusalOf(error),
      )
      if (refusal === 'unfunded') exhausted = `${label} ${account.address} cannot pay a fee cap of ${formatGwei(feeCap(next))} gwei: fund it`
      // 'mined': an earlier version is in a block, found on the next round. 'underpriced', 'known': the pool keeps the earlier one.
    }
    assertProgress(blocks, hashes, since)
    // Looked at again with the next block, when every step of the plan waiting on this node looks too.
    block = await blocks.next(block, blocks.recheckMs())
  }
}

type Refusal = 'mined' | 'known' | 'underpriced' | 'unfunded'

/** What a node's refusal of a replacement means. Anything not listed is not a fee matter and is rethrown. */
function refusalOf(error: unknown): Refusal {
  const text = messagesOf(error).join(' | ').toLowerCase()
  if (/nonce too low|nonce.*already.*used|oldnonce|nonce is too low/.test(text)) return 'mined'
  if (/already known|known transaction|already imported|alreadyknown/.test(text)) return 'known'
  if (/underpriced|fee too low|gas price too low|replacement.*(fee|gas)/.test(text)) return 'underpriced'
  if (/insufficient funds/.test(text)) return 'unfunded'
  throw error
}

function messagesOf(error: unknown): string[] {
  const messages: string[] = []
  for (let current = error, depth = 0; current instanceof Error && depth < 10; current = current.cause, depth += 1) {
    messages.push(current.message, (current as { details?: string }).details ?? '')
  }
  return messages
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

/** Each version of the transaction is still unmined and no further replacement is allowed. */
export class TransactionNotMinedError extends FirebreakError {
  override name = 'TransactionNotMinedError'
  readonly nonce: number
  readonly hashes: readonly Hash[]
  constructor(label: string, address: Address, nonce: number, hashes: readonly Hash[], replacements: number, reason: string) {
    super(`the transaction of ${label} ${address} with nonce ${nonce} is not mined after ${replacements} replacements: ${reason}`, {
      metaMessages: [
        `Signed versions (any of them may still be mined): ${hashes.join(', ')}`,
        'Run the same command again to keep waiting, or raise the fee cap and replace it.',
      ],
    })
    this.nonce = nonce
    this.hashes = hashes
  }
}

/**
 * The nonce was spent by a transaction firebreak did not sign here. During an incident that can
 * mean someone else holds the key.
 */
export class NonceTakenError extends FirebreakError {
  override name = 'NonceTakenError'
  readonly nonce: number
  constructor(label: string, address: Address, nonce: number, hashes: readonly Hash[]) {
    super(`nonce ${nonce} of ${label} ${address} was used by a transaction firebreak did not send: this step's transaction can never be mined`, {
      metaMessages: [
        `Versions signed for this step: ${hashes.join(', ')}`,
        'Find the transaction with this nonce on an explorer. If your team did not send it, treat the key as compromised.',
      ],
    })
    this.nonce = nonce
  }
}
