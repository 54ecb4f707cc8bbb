import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { type Address, type Hash, type Hex, TransactionNotFoundError, TransactionReceiptNotFoundError, getAddress, isAddressEqual, parseAbi } from 'viem'
import type { ChainClients } from '../chain/clients.js'
import { readLogsAdaptive } from '../chain/readLogsAdaptive.js'
import { tryRead } from '../chain/tryRead.js'
import { readDistributionFile } from '../distribution/distributionFile.js'
import { readJournal } from '../journal/journal.js'
import { type JournaledPayout, journaledPayouts } from './journaledPayouts.js'

/** An account already paid for a losses file, and the evidence: the transaction, and the incident that sent it when this workspace knows it. */
export type PaidAccount = {
  account: Address
  amount: bigint
  how: JournaledPayout['kind']
  txHash: Hash
  /** `pending`: sent and known to the node, not mined yet: it will pay the account when it is. */
  state: 'mined' | 'pending'
  /** The incident of this workspace that paid it; absent when only the chain shows it (a workspace elsewhere). */
  incident?: string
}

/** A claim contract the funder sent the token to since the losses: whichever root it holds is paid for. */
export type FundedClaim = { address: Address; root: Hex; txHash: Hash; amount: bigint }

export type FindPaidAccountsParameters = {
  chain: ChainClients
  /** The incidents folder of the workspace: every incident in it is searched, not only the current one. */
  incidentsRoot: string
  /** The losses file's sha256: a copy under another name is the same losses. */
  lossesSha256: Hex
  /** `tokens` also counts recovery tokens already issued; a payment in money never counts an IOU. */
  mode: 'merkle' | 'transfers' | 'tokens'
  funder: Address
  /** The token paid. */
  token: Address
  /** The first block a payment for these losses can be in (the losses file's after-block). */
  sinceBlock: bigint
  /** A plan being resumed: its own steps are not earlier payments. */
  ownPlan?: { incident: string; planId: string }
}

export type FindPaidAccountsReturnType = {
  paid: Map<Address, PaidAccount>
  fundedClaims: FundedClaim[]
}

const claimAbi = parseAbi(['function merkleRoot() view returns (bytes32)'])

/**
 * Who was already paid for a losses file, so that no account is paid twice whatever incident
 * pays it. The journals of every incident of the workspace say which transactions paid whom
 * (sent or done); the chain says which of them happened (a journal copied from a test chain, or
 * a snapshot reverted, paid nobody here), and its Transfer logs from the funder since the losses
 * show payments made from a workspace elsewhere, which no journal here records.
 */
export async function findPaidAccounts(parameters: FindPaidAccountsParameters): Promise<FindPaidAccountsReturnType> {
  const { chain, mode, funder, token, ownPlan } = parameters
  const paid = new Map<Address, PaidAccount>()
  const ownTransactions = new Set<string>()
  const journaled = new Map<string, string>()
  for (const payout of workspacePayouts(parameters)) {
    if (ownPlan && payout.incident === ownPlan.incident && payout.planId === ownPlan.planId) {
      for (const hash of payout.txHashes) ownTransactions.add(hash.toLowerCase())
      continue
    }
    if (payout.kind === 'recovery-token' && mode !== 'tokens') continue
    for (const hash of payout.txHashes) journaled.set(hash.toLowerCase(), payout.incident)
    const settled = await settle(chain, payout.txHashes)
    if (!settled) continue
    for (const { account, amount } of payout.accounts) {
      if (!paid.has(account)) paid.set(account, { account, amount, how: payout.kind, ...settled, incident: payout.incident })
    }
  }
  if (mode === 'tokens') return { paid, fundedClaims: [] }

  const fundedClaims: FundedClaim[] = []
  const toBlock = await chain.public.getBlockNumber({ cacheTime: 0 })
  const others = new Map<Address, { txHash: Hash; amount: bigint }>()
  for await (const chunk of readLogsAdaptive(chain, { address: token, fromBlock: parameters.sinceBlock, toBlock })) {
    for (const log of chunk.logs) {
      const { from, to, value } = log.args as { from?: Address; to?: Address; value?: bigint }
      if (!from || !to || value === undefined || !log.transactionHash || !isAddressEqual(from, funder)) continue
      if (ownTransactions.has(log.transactionHash.toLowerCase())) continue
      const account = getAddress(to)
      others.set(account, { txHash: log.transactionHash, amount: value })
      if (!paid.has(account)) {
        const incident = journaled.get(log.transactionHash.toLowerCase())
        paid.set(account, { account, amount: value, how: 'transfer', txHash: log.transactionHash, state: 'mined', ...(incident ? { incident } : {}) })
      }
    }
  }
  // A claim contract holds its root immutably: one funded for the same root has paid every account in it.
  for (const [address, { txHash, amount }] of others) {
    const root = await tryRead(chain, { address, abi: claimAbi, functionName: 'merkleRoot' })
    if (typeof root === 'string') fundedClaims.push({ address, root: root as Hex, txHash, amount })
  }
  return { paid, fundedClaims }
}

/** Every payout journaled for the losses file, in every incident folder of the workspace. */
function workspacePayouts({ incidentsRoot, lossesSha256 }: Pick<FindPaidAccountsParameters, 'incidentsRoot' | 'lossesSha256'>): JournaledPayout[] {
  if (!existsSync(incidentsRoot)) return []
  const payouts: JournaledPayout[] = []
  for (const entry of readdirSync(incidentsRoot, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const dir = join(incidentsRoot, entry.name)
    if (!entry.isDirectory() || !existsSync(join(dir, 'journal.jsonl'))) continue
    // A torn or edited journal still names the transactions in its readable lines; the chain decides what they did.
    const { entries } = readJournal(dir)
    payouts.push(
      ...journaledPayouts(entries, {
        incident: entry.name,
        lossesSha256,
        distributionEntries: (file) => readDistributionFile(join(dir, file)).distribution.entries.map(({ account, amount }) => ({ account, amount })),
      }),
    )
  }
  return payouts
}

/**
 * What became of a journaled step's transactions: mined and successful, or still pending at the
 * node. Unknown to the node, a transaction journaled before its broadcast (the process killed in
 * between) paid nobody: a new payment from the same funder takes its nonce, so it can never be
 * mined after all.
 */
async function settle(chain: ChainClients, txHashes: readonly Hash[]): Promise<{ txHash: Hash; state: 'mined' | 'pending' } | undefined> {
  for (const hash of txHashes) {
    const receipt = await chain.public.getTransactionReceipt({ hash }).catch(notFound(TransactionReceiptNotFoundError))
    if (receipt?.status === 'success') return { txHash: hash, state: 'mined' }
  }
  for (const hash of txHashes) {
    const transaction = await chain.public.getTransaction({ hash }).catch(notFound(TransactionNotFoundError))
    if (!transaction) continue
    if (transaction.blockNumber === null) return { txHash: hash, state: 'pending' }
    // Mined between the two questions: its receipt, not the earlier "not found", says whether it paid.
    const receipt = await chain.public.getTransactionReceipt({ hash })
    if (receipt.status === 'success') return { txHash: hash, state: 'mined' }
  }
  return undefined
}

/** Only "no such transaction" means not found: a node that fails must stop the payout, not let it pay twice. */
function notFound(kind: new (...args: never[]) => Error) {
  return (error: unknown): undefined => {
    if (error instanceof kind) return undefined
    throw error
  }
}
