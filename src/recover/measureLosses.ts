import { type Address, type Hex, erc20Abi, getAddress, isAddressEqual } from 'viem'
import type { ChainClients } from '../chain/clients.js'
import { InvalidInputError, UsageError } from '../errors.js'
import { type AccountLoss, type LossTable, computeLosses } from './computeLosses.js'
import { type AttackerAddress, attackerKinds } from './findAttackers.js'
import type { SnapshotPositions } from './readSnapshotPositions.js'
import { type AssetInfo, readAssetInfo } from './readAssetInfo.js'
import { valueShares, vaultAsset } from './valueShares.js'

/**
 * How positions become amounts of the asset: `balance` takes the snapshot's balances as they are
 * (a snapshot of the token itself); `erc4626` values vault shares with the vault's own
 * `convertToAssets`; `auto` picks `erc4626` when the contract answers as a vault.
 */
export type Valuation = 'auto' | 'balance' | 'erc4626'

/**
 * The exchange rate that values the shares held after containment. `pre-attack` (the default)
 * values both positions at the rate of the block before the attack, so a loss counts only shares
 * that left the account. `after` values them at the after block's rate, which also counts a fall of
 * the share price: choose it when the attack took the vault's assets without burning shares.
 */
export type AfterRate = 'pre-attack' | 'after'

/** One asset's loss table, with everything the loss report must say about how it was made. */
export type AssetLosses = LossTable & {
  chainId: number
  asset: AssetInfo
  /** The contract whose snapshots were compared: the vault, or the token itself. */
  source: { contract: Address; name?: string; valuation: 'balance' | 'erc4626' }
  /** The method, in words, as the report states it. */
  method: string
  beforeBlock: bigint
  afterBlock: bigint
  /** Why each excluded address is the attacker's. */
  attackers: AttackerAddress[]
  /** The protocol's own contracts' holdings of the asset, before and after. */
  protocol: { losses: (AccountLoss & { name: string })[]; total: bigint }
  snapshots: { before: { file: string; sha256: Hex }; after: { file: string; sha256: Hex } }
}

export type MeasureLossesParameters = {
  before: SnapshotPositions
  after: SnapshotPositions
  /** What the team calls the snapshot's contract (`vault`), for the method and the file names. */
  name?: string
  valuation?: Valuation
  afterRate?: AfterRate
  attackers?: readonly AttackerAddress[]
  /** The protocol's own contracts: their losses are reported apart from users' and never reimbursed to them. */
  protocol?: readonly { name: string; address: Address }[]
}

/**
 * Each account's loss of one asset between two snapshots of the same contract (the block before
 * the attack and a block after containment), without the attacker's addresses and the protocol's
 * own contracts, which get their own table.
 */
export async function measureLosses(chain: ChainClients, parameters: MeasureLossesParameters): Promise<AssetLosses> {
  const { before, after, attackers = [], protocol = [] } = parameters
  checkSnapshotPair(chain, before, after)
  const contract = before.contract
  const label = parameters.name ?? contract
  const asVault = parameters.valuation === 'balance' ? undefined : await vaultAsset(chain, contract, before.blockNumber)
  if (parameters.valuation === 'erc4626' && !asVault) {
    throw new InvalidInputError({ parameter: 'valuation', value: 'erc4626', problem: `${label} does not answer asset() and convertToAssets() at block ${before.blockNumber}: it is not an ERC-4626 vault, so value its snapshot by balance` })
  }
  const assetAddress = asVault ?? contract
  const asset = await readAssetInfo(chain, assetAddress)
  const afterRate = parameters.afterRate ?? 'pre-attack'
  const afterRateBlock = afterRate === 'pre-attack' ? before.blockNumber : after.blockNumber

  // A vault's holdings of its asset are its depositors' positions, already in the users' table: counted again as the protocol's, the loss would double.
  const protocolAddresses = protocol.filter((entry) => !isAddressEqual(entry.address, assetAddress) && !(asVault && isAddressEqual(entry.address, contract)))
  const isProtocol = (account: Address) => protocolAddresses.some((entry) => isAddressEqual(entry.address, account))
  const held = (snapshot: SnapshotPositions) => snapshot.positions.filter((position) => !isProtocol(position.account))

  const value = async (snapshot: SnapshotPositions, rateBlock: bigint) =>
    asVault
      ? (await valueShares(chain, { vault: contract, positions: held(snapshot), rateBlock })).map(({ account, assets }) => ({ account, assets }))
      : held(snapshot).map(({ account, balance }) => ({ account, assets: balance }))
  const table = computeLosses({
    before: await value(before, before.blockNumber),
    after: await value(after, afterRateBlock),
    exclude: attackers.map((attacker) => attacker.address),
  })

  const protocolLosses = await measureProtocolLosses(chain, assetAddress, protocolAddresses, before.blockNumber, after.blockNumber)
  const symbol = asset.symbol ?? assetAddress
  const method = [
    asVault
      ? `${label} shares from snapshots at block ${before.blockNumber} (before the attack) and block ${after.blockNumber} (after containment), valued in ${symbol} with the vault's own convertToAssets ${
          afterRate === 'pre-attack' ? `at block ${before.blockNumber} for both positions (the pre-attack rate)` : `at block ${before.blockNumber} for the position before and at block ${after.blockNumber} for the position after`
        }`
      : `${symbol} balances from snapshots of ${label} at block ${before.blockNumber} (before the attack) and block ${after.blockNumber} (after containment)`,
    "each account's loss is its value before minus its value after",
    attackers.length ? `${attackers.length} attacker addresses excluded (${summariseReasons(attackers)})` : 'no attacker address excluded',
    protocolAddresses.length ? `the protocol's own contracts (${protocolAddresses.map((entry) => entry.name).join(', ')}) are reported apart from users, by their ${symbol} balances` : undefined,
  ]
    .filter(Boolean)
    .join('; ')

  return {
    ...table,
    chainId: chain.chain.id,
    asset,
    source: { contract, ...(parameters.name ? { name: parameters.name } : {}), valuation: asVault ? 'erc4626' : 'balance' },
    method,
    beforeBlock: before.blockNumber,
    afterBlock: after.blockNumber,
    attackers: [...attackers],
    protocol: protocolLosses,
    snapshots: { before: { file: before.file, sha256: before.sha256 }, after: { file: after.file, sha256: after.sha256 } },
  }
}

function checkSnapshotPair(chain: ChainClients, before: SnapshotPositions, after: SnapshotPositions): void {
  if (!isAddressEqual(before.contract, after.contract)) {
    throw new UsageError(`${before.file} is a snapshot of ${before.contract} but ${after.file} is of ${after.contract}: compare two snapshots of the same contract`)
  }
  if (before.blockNumber >= after.blockNumber) {
    throw new InvalidInputError({ parameter: 'before', problem: `${before.file} (block ${before.blockNumber}) is not before ${after.file} (block ${after.blockNumber}): give the pre-attack snapshot as the one before, and the post-containment one as the one after`, related: ['after'] })
  }
  for (const snapshot of [before, after]) {
    if (snapshot.header.chainId !== chain.chain.id) {
      throw new UsageError(`${snapshot.file} was taken on chain ${snapshot.header.chainId}, but the node is chain ${chain.chain.id}: use the RPC URL of the chain the snapshots came from`)
    }
  }
}

/** The protocol's contracts' balances of the asset at both blocks; only those that fell are losses. */
async function measureProtocolLosses(chain: ChainClients, asset: Address, contracts: readonly { name: string; address: Address }[], beforeBlock: bigint, afterBlock: bigint): Promise<AssetLosses['protocol']> {
  const balance = (account: Address, blockNumber: bigint) => chain.public.readContract({ address: asset, abi: erc20Abi, functionName: 'balanceOf', args: [account], blockNumber })
  const rows = await Promise.all(
    contracts.map(async ({ name, address }) => {
      const [held, kept] = await Promise.all([balance(address, beforeBlock), balance(address, afterBlock)])
      return { name, account: getAddress(address), before: held, after: kept, loss: held - kept }
    }),
  )
  const losses = rows.filter((row) => row.loss > 0n)
  return { losses, total: losses.reduce((sum, row) => sum + row.loss, 0n) }
}

function summariseReasons(attackers: readonly AttackerAddress[]): string {
  return [...new Set(attackers.map((attacker) => attackerKinds[attacker.kind]))].join(', ')
}
