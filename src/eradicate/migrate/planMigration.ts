import { type Abi, type Address, erc20Abi, getAddress, isAddressEqual } from 'viem'
import type { ChainClients } from '../../chain/clients.js'
import type { Authority } from '../../engine/plan.js'
import { errorMessage } from '../../errors.js'
import type { Distribution } from '../../distribution/buildDistribution.js'
import { type VerifySnapshotReturnType, verifySnapshot } from '../../snapshot/snapshotFile.js'
import { readUpgradeRoute } from '../upgradeRoute.js'
import { type AssetMove, type AssetToMove, type MigrationMode, type MigrationPlan, buildMigrationPlan, migrationPlanId } from './buildMigrationPlan.js'
import { buildMigrationDistribution } from './claimDistribution.js'
import { MigrationInputError } from './errors.js'
import { type MigrationArtifacts, migrationArtifacts } from './migrationArtifacts.js'
import { type SnapshotBatch, readSnapshotBatches } from './readSnapshotBatches.js'
import { parseRescueLever } from './rescueLever.js'

export const DEFAULT_BATCH_SIZE = 200
/** How long holders can claim in claim mode, from the snapshot block: a year. */
export const DEFAULT_CLAIM_WINDOW_SECONDS = 365n * 24n * 3600n

export type PlanMigrationParameters = {
  chain: ChainClients
  /** A snapshot of the old contract (firebreak snapshot): verified against its footer before use. */
  snapshotFile: string
  oldContract: { name: string; address: Address; abi?: Abi }
  /** Deploys the new contract and mints: its migrator. */
  authority: Authority
  mode?: MigrationMode
  /** Accounts per mint transaction. Default 200. */
  batchSize?: number
  /** The new token's name, symbol and decimals; the old contract's own by default. */
  token?: { name?: string; symbol?: string; decimals?: number }
  /** Assets (ERC-20) the old contract holds: all of each moves out. */
  assets?: readonly Address[]
  /** Where the assets go (the new vault, a treasury Safe): no default, the team says it. */
  assetTo?: Address
  /** The old contract's lever that lets assets out: `rescue(address token, address to, uint256 amount)`. */
  rescue?: string
  /** A deployed migration implementation the old contract (a proxy) is upgraded to first; it has the lever. */
  upgradeTo?: Address
  /** Holds the lever (and the upgrade right); the migrator by default. */
  assetAuthority?: Authority
  /** Claim mode: seconds from the snapshot block until unclaimed balances may go back to the migrator. */
  claimWindowSeconds?: bigint
  artifacts?: MigrationArtifacts
}

export type PlanMigrationReturnType = {
  plan: MigrationPlan
  snapshot: VerifySnapshotReturnType
  mode: MigrationMode
  batchSize: number
  token: { name: string; symbol: string; decimals: number }
  move?: AssetMove
  /** Claim mode: every account's balance as a Merkle claim, to publish. */
  distribution?: Distribution
  /** Facts the team should read before signing. */
  notes: string[]
}

/**
 * Reads everything the migration plan needs and builds it: the snapshot (verified), its accounts
 * in batches (streamed from the file), the old token's name and decimals, what the old contract
 * holds of each asset and how to get it out. Sends nothing.
 */
export async function planMigration(parameters: PlanMigrationParameters): Promise<PlanMigrationReturnType> {
  const { chain, oldContract, authority } = parameters
  const mode = parameters.mode ?? 'mint'
  const batchSize = parameters.batchSize ?? DEFAULT_BATCH_SIZE
  if (mode !== 'mint' && mode !== 'claim') throw new MigrationInputError({ parameter: 'mode', value: String(mode), problem: 'not a migration mode: use mint or claim' })
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new MigrationInputError({ parameter: 'batchSize', value: batchSize, problem: 'not a number of accounts: give a whole number of at least 1' })
  checkAssetOptions(parameters)

  const snapshot = await verifySnapshot(parameters.snapshotFile)
  if (!isAddressEqual(snapshot.header.contract, oldContract.address) || snapshot.header.chainId !== chain.chain.id) {
    throw new MigrationInputError({
      parameter: 'snapshotFile',
      value: parameters.snapshotFile,
      problem: `a snapshot of ${snapshot.header.contract} on chain ${snapshot.header.chainId}, not of ${oldContract.name} (${oldContract.address}) on chain ${chain.chain.id}: snapshot ${oldContract.name} first`,
    })
  }
  if (snapshot.accounts === 0) throw new MigrationInputError({ parameter: 'snapshotFile', value: parameters.snapshotFile, problem: 'holds no account with a balance: there is nothing to migrate' })

  const artifacts = parameters.artifacts ?? (await migrationArtifacts())
  const token = await tokenMetadata(chain, oldContract, parameters.token)
  const notes = await supplyNotes(chain, oldContract, snapshot)
  const move = parameters.assets?.length ? await assetMove(chain, parameters, notes) : undefined
  const id = migrationPlanId(mode, snapshot.sha256)
  const common = { id, oldContract, snapshot: { sha256: snapshot.sha256, accounts: snapshot.accounts, total: snapshot.total }, token: { artifact: artifacts.token, ...token }, authority, ...(move ? { move } : {}) }

  if (mode === 'mint') {
    const batches: SnapshotBatch[] = []
    for await (const batch of readSnapshotBatches(parameters.snapshotFile, batchSize)) batches.push(batch)
    const plan = buildMigrationPlan({ ...common, mode: { kind: 'mint', batches } })
    return { plan, snapshot, mode, batchSize, token, ...(move ? { move } : {}), notes }
  }

  const distribution = await buildMigrationDistribution(parameters.snapshotFile)
  // From the snapshot block, not from now: the deadline is a constructor argument, so a resumed run must find the same CREATE2 address.
  const snapshotBlock = await chain.public.getBlock({ blockNumber: BigInt(snapshot.header.blockNumber) })
  const deadline = snapshotBlock.timestamp + (parameters.claimWindowSeconds ?? DEFAULT_CLAIM_WINDOW_SECONDS)
  const plan = buildMigrationPlan({ ...common, mode: { kind: 'claim', artifact: artifacts.claim, root: distribution.root, deadline } })
  notes.push(`holders claim their balance with a Merkle proof until ${new Date(Number(deadline) * 1000).toISOString()}; what is unclaimed then may go back to ${authority.label}`)
  return { plan, snapshot, mode, batchSize, token, ...(move ? { move } : {}), distribution, notes }
}

function checkAssetOptions(parameters: PlanMigrationParameters): void {
  const assets = parameters.assets ?? []
  if (assets.length === 0) {
    if (parameters.rescue || parameters.upgradeTo || parameters.assetTo) throw new MigrationInputError({ parameter: 'assets', problem: 'a rescue lever, an upgrade or a destination says how assets move: name the assets too', related: ['rescue', 'upgradeTo', 'assetTo'] })
    return
  }
  if (!parameters.rescue) throw new MigrationInputError({ parameter: 'rescue', problem: `moving assets needs the old contract's function that lets them out, e.g. "rescue(address token, address to, uint256 amount)"`, related: ['assets'] })
  if (!parameters.assetTo) throw new MigrationInputError({ parameter: 'assetTo', problem: "moving assets needs where the old contract's assets go (the new vault, a treasury Safe)", related: ['assets'] })
  const seen = new Set<string>()
  for (const asset of assets) {
    if (seen.has(asset.toLowerCase())) throw new MigrationInputError({ parameter: 'assets', value: asset, problem: 'given twice' })
    seen.add(asset.toLowerCase())
  }
}

async function tokenMetadata(chain: ChainClients, oldContract: { name: string; address: Address }, given: PlanMigrationParameters['token'] = {}): Promise<{ name: string; symbol: string; decimals: number }> {
  const readOld = async <T>(functionName: 'name' | 'symbol' | 'decimals'): Promise<T | undefined> =>
    (chain.public.readContract({ address: oldContract.address, abi: erc20Abi, functionName }) as Promise<T>).catch(() => undefined)
  const [name, symbol, decimals] = await Promise.all([given.name ?? readOld<string>('name'), given.symbol ?? readOld<string>('symbol'), given.decimals ?? readOld<number>('decimals')])
  if (name === undefined || symbol === undefined) throw new MigrationInputError({ parameter: 'token', problem: `${oldContract.name} (${oldContract.address}) has no ERC-20 name() and symbol(): give the new token's name and symbol`, related: ['tokenName', 'tokenSymbol'] })
  return { name, symbol, decimals: decimals ?? 18 }
}

async function supplyNotes(chain: ChainClients, oldContract: { name: string; address: Address }, snapshot: VerifySnapshotReturnType): Promise<string[]> {
  const supply = await chain.public.readContract({ address: oldContract.address, abi: erc20Abi, functionName: 'totalSupply' }).catch(() => undefined)
  if (supply === undefined || supply === snapshot.total) return []
  return [`${oldContract.name}'s supply is ${supply} now, ${snapshot.total} at the snapshot block ${snapshot.header.blockNumber}: every account is carried over with its snapshot balance (is the old contract paused?)`]
}

async function assetMove(chain: ChainClients, parameters: PlanMigrationParameters, notes: string[]): Promise<AssetMove> {
  const { oldContract } = parameters
  const lever = parseRescueLever(parameters.rescue as string)
  const to = getAddress(parameters.assetTo as Address)
  if (isAddressEqual(to, oldContract.address)) throw new MigrationInputError({ parameter: 'assetTo', value: to, problem: `is ${oldContract.name} itself: the assets must leave it` })
  const assets: AssetToMove[] = []
  for (const asset of parameters.assets ?? []) {
    const read = (functionName: 'balanceOf', account: Address) => chain.public.readContract({ address: asset, abi: erc20Abi, functionName, args: [account] })
    const [held, destinationHeld, label] = await Promise.all([
      read('balanceOf', oldContract.address),
      read('balanceOf', to),
      chain.public.readContract({ address: asset, abi: erc20Abi, functionName: 'symbol' }).catch(() => `${asset.slice(0, 8)}…`),
    ]).catch((error: unknown) => {
      throw new MigrationInputError({ parameter: 'assets', value: asset, problem: `not an ERC-20 token here: balanceOf failed (${errorMessage(error).split('\n')[0]})` })
    })
    if (held === 0n) notes.push(`${oldContract.name} holds no ${label}: nothing of it to move`)
    assets.push({ asset: getAddress(asset), label, held, destinationHeld })
  }
  const authority = parameters.assetAuthority ?? parameters.authority
  if (!parameters.upgradeTo) return { lever, to, assets, authority }
  const code = await chain.public.getCode({ address: parameters.upgradeTo })
  if (!code || code === '0x') throw new MigrationInputError({ parameter: 'upgradeTo', value: parameters.upgradeTo, problem: 'has no code: deploy the migration implementation first' })
  const route = await readUpgradeRoute(chain, oldContract)
  return { lever, to, assets, authority, upgrade: { route, implementation: getAddress(parameters.upgradeTo) } }
}

