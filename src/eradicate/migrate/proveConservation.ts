import { type Address, type Hash, type Hex, erc20Abi, getAddress, isAddressEqual, parseAbi, parseAbiItem, parseEventLogs } from 'viem'
import type { ChainClients } from '../../chain/clients.js'
import { readBalances } from '../../snapshot/readBalances.js'
import { readLogsAdaptive } from '../../chain/readLogsAdaptive.js'
import { resolveMulticall3 } from '../../snapshot/resolveMulticall3.js'
import { buildMigrationDistribution, checkDistributionFile } from './claimDistribution.js'
import { ConservationError } from './errors.js'
import { readSnapshotBatches } from './readSnapshotBatches.js'

export type ProveConservationParameters = {
  snapshotFile: string
  snapshot: { accounts: number; total: bigint; blockNumber: bigint }
  /** The new contract (MigrationToken). */
  token: Address
  /** Claim mode: the claim contract and the published distribution file. */
  claim?: { address: Address; distributionFile: string }
  /** The assets moved, each with the transaction that moved it (none when the old contract was already empty). */
  assets?: readonly { asset: Address; label: string; from: Address; to: Address; moveTx?: Hash }[]
  /** Accounts per balance read. Default 1000. */
  batchSize?: number
}

export type AccountMismatch = { account: Address; snapshot: bigint; migrated: bigint }

export type AssetConservation = {
  asset: Address
  label: string
  from: Address
  to: Address
  moveTx?: Hash
  /** What the old contract held in the block before the move. */
  heldBeforeMove: bigint
  /** What the move's own Transfer logs carried from the old contract to the destination. */
  moved: bigint
  /** What the old contract holds now. */
  remaining: bigint
}

export type ConservationProof = {
  ok: boolean
  /** One line per broken rule; empty when ok. */
  problems: string[]
  /** Balances are read here: the block before the migration was finished, when transfers were still locked. */
  block: bigint
  snapshot: { accounts: number; total: bigint }
  token: {
    address: Address
    totalSupply: bigint
    /** Mint mode: the sum of every snapshot account's new balance. */
    sumOfBalances?: bigint
    accountsChecked: number
    mismatches: number
    firstMismatches: AccountMismatch[]
  }
  claim?: { address: Address; balance: bigint; rootOnChain: Hex; rootFromSnapshot: Hex; rootFromFile: Hex; fileMismatch?: string }
  assets: AssetConservation[]
}

const migrationFinished = parseAbiItem('event MigrationFinished(uint256 accounts, uint256 totalSupply)')
const claimViews = parseAbi(['function merkleRoot() view returns (bytes32)', 'function token() view returns (address)'])

/**
 * Proves from the chain that the migration created nothing and lost nothing:
 * - mint mode: every snapshot account's new balance equals its snapshot balance (read in batches,
 *   the snapshot streamed alongside), and their sum and the new total supply equal the snapshot total;
 * - claim mode: the claim contract holds exactly the snapshot total, which is the whole supply, and
 *   its root equals the one rebuilt from the snapshot and the one rebuilt from the published file;
 * - every asset: the move carried exactly what the old contract held just before, to the destination,
 *   and the old contract holds none of it now.
 * Reads at the block before `MigrationFinished`: transfers were locked until then, so nothing but the
 * migration can explain a balance there.
 */
export async function proveConservation(chain: ChainClients, parameters: ProveConservationParameters): Promise<ConservationProof> {
  const problems: string[] = []
  const { snapshot, token } = parameters
  const block = await blockBeforeFinish(chain, token, snapshot.blockNumber)
  const totalSupply = await chain.public.readContract({ address: token, abi: erc20Abi, functionName: 'totalSupply', blockNumber: block })
  if (totalSupply !== snapshot.total) problems.push(`the new supply is ${totalSupply}, the snapshot total ${snapshot.total}`)
  const latestSupply = await chain.public.readContract({ address: token, abi: erc20Abi, functionName: 'totalSupply' })
  if (latestSupply !== totalSupply) problems.push(`the new supply changed after the migration finished: ${totalSupply} then, ${latestSupply} now`)

  const proof: ConservationProof = {
    ok: false,
    problems,
    block,
    snapshot: { accounts: snapshot.accounts, total: snapshot.total },
    token: { address: token, totalSupply, accountsChecked: 0, mismatches: 0, firstMismatches: [] },
    assets: [],
  }

  if (parameters.claim) proof.claim = await proveClaim(chain, parameters, parameters.claim, block, problems)
  else await proveBalances(chain, parameters, block, proof.token, problems)

  for (const asset of parameters.assets ?? []) proof.assets.push(await proveAssetMove(chain, asset, problems))
  proof.ok = problems.length === 0
  return proof
}

async function blockBeforeFinish(chain: ChainClients, token: Address, snapshotBlock: bigint): Promise<bigint> {
  const latest = await chain.public.getBlockNumber({ cacheTime: 0 })
  // The new contract exists only after the snapshot: its history starts there.
  for await (const chunk of readLogsAdaptive(chain, { address: token, event: migrationFinished, fromBlock: snapshotBlock, toBlock: latest })) {
    const finished = chunk.logs[0]
    if (finished?.blockNumber != null) return finished.blockNumber - 1n
  }
  throw new ConservationError(`${token} has not finished its migration (no MigrationFinished event): balances could still change`)
}

async function proveBalances(chain: ChainClients, parameters: ProveConservationParameters, block: bigint, result: ConservationProof['token'], problems: string[]): Promise<void> {
  const batchSize = parameters.batchSize ?? 1000
  const multicall3 = await resolveMulticall3(chain, block)
  let sum = 0n
  for await (const batch of readSnapshotBatches(parameters.snapshotFile, batchSize)) {
    const migrated = await readBalances(chain, { token: parameters.token, accounts: batch.accounts, blockNumber: block, via: multicall3 ? 'multicall3' : 'rpc-batch', multicall3, batchSize })
    batch.accounts.forEach((account, index) => {
      const expected = batch.amounts[index] as bigint
      const actual = migrated[index] as bigint
      sum += actual
      if (actual === expected) return
      result.mismatches++
      if (result.firstMismatches.length < 10) result.firstMismatches.push({ account, snapshot: expected, migrated: actual })
    })
    result.accountsChecked += batch.accounts.length
  }
  result.sumOfBalances = sum
  const { snapshot } = parameters
  if (result.accountsChecked !== snapshot.accounts) problems.push(`${result.accountsChecked} accounts read from the snapshot file, its footer says ${snapshot.accounts}`)
  if (result.mismatches > 0) {
    const first = result.firstMismatches[0] as AccountMismatch
    problems.push(`${result.mismatches} accounts hold another balance than their snapshot one, e.g. ${first.account}: ${first.migrated} instead of ${first.snapshot}`)
  }
  if (sum !== snapshot.total) problems.push(`the snapshot accounts hold ${sum} of the new token, the snapshot total is ${snapshot.total}`)
}

async function proveClaim(chain: ChainClients, parameters: ProveConservationParameters, claim: { address: Address; distributionFile: string }, block: bigint, problems: string[]): Promise<NonNullable<ConservationProof['claim']>> {
  const [balance, rootOnChain, claimToken, fromFile, rebuilt] = await Promise.all([
    chain.public.readContract({ address: parameters.token, abi: erc20Abi, functionName: 'balanceOf', args: [claim.address], blockNumber: block }),
    chain.public.readContract({ address: claim.address, abi: claimViews, functionName: 'merkleRoot' }),
    chain.public.readContract({ address: claim.address, abi: claimViews, functionName: 'token' }),
    checkDistributionFile(claim.distributionFile, parameters.snapshotFile),
    buildMigrationDistribution(parameters.snapshotFile),
  ])
  const { total } = parameters.snapshot
  if (balance !== total) problems.push(`the claim contract holds ${balance} of the new token, the snapshot total is ${total}`)
  if (!isAddressEqual(claimToken, parameters.token)) problems.push(`the claim contract pays in ${claimToken}, not in the new token ${parameters.token}`)
  if (rebuilt.root !== rootOnChain) problems.push(`the claim contract's root ${rootOnChain} is not the one rebuilt from the snapshot, ${rebuilt.root}`)
  if (fromFile.root !== rootOnChain) problems.push(`the published file ${claim.distributionFile} rebuilds to root ${fromFile.root}, the claim contract holds ${rootOnChain}`)
  if (fromFile.mismatch) problems.push(`the published file does not match the snapshot: ${fromFile.mismatch}`)
  if (rebuilt.total !== total) problems.push(`the claims total ${rebuilt.total}, the snapshot ${total}`)
  return { address: claim.address, balance, rootOnChain, rootFromSnapshot: rebuilt.root, rootFromFile: fromFile.root, ...(fromFile.mismatch ? { fileMismatch: fromFile.mismatch } : {}) }
}

async function proveAssetMove(chain: ChainClients, move: NonNullable<ProveConservationParameters['assets']>[number], problems: string[]): Promise<AssetConservation> {
  const balanceOf = (blockNumber?: bigint) => chain.public.readContract({ address: move.asset, abi: erc20Abi, functionName: 'balanceOf', args: [move.from], ...(blockNumber === undefined ? {} : { blockNumber }) })
  const remaining = await balanceOf()
  let moved = 0n
  let heldBeforeMove = 0n
  if (move.moveTx) {
    const receipt = await chain.public.getTransactionReceipt({ hash: move.moveTx })
    heldBeforeMove = await balanceOf(receipt.blockNumber - 1n)
    const transfers = parseEventLogs({ abi: erc20Abi, eventName: 'Transfer', logs: receipt.logs }).filter(
      (log) => isAddressEqual(log.address, move.asset) && isAddressEqual(log.args.from, move.from),
    )
    for (const transfer of transfers) {
      if (isAddressEqual(transfer.args.to, move.to)) moved += transfer.args.value
      else problems.push(`the move sent ${transfer.args.value} ${move.label} to ${getAddress(transfer.args.to)}, not to the destination ${move.to}`)
    }
    if (moved !== heldBeforeMove) problems.push(`the move carried ${moved} ${move.label} to ${move.to}; the old contract held ${heldBeforeMove} just before`)
  }
  if (remaining !== 0n) problems.push(`the old contract ${move.from} still holds ${remaining} ${move.label}`)
  return { asset: move.asset, label: move.label, from: move.from, to: move.to, ...(move.moveTx ? { moveTx: move.moveTx } : {}), heldBeforeMove, moved, remaining }
}
