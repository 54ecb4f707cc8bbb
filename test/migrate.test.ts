import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type Address, erc20Abi, getAddress } from 'viem'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { deployContract } from '../src/chain/deploy.js'
import { devAccount } from '../src/chain/devAccounts.js'
import { AuthorityMissingError, SimulationFailedError } from '../src/engine/errors.js'
import type { KeyAuthority } from '../src/engine/plan.js'
import { MigrationInputError, MigrationResumeError, type MigrationArtifacts, type RunMigrationParameters, migrationArtifacts, proveConservation, readSnapshotBatches, runMigration } from '../src/eradicate/migrate/index.js'
import type { MigrationDistributionFile } from '../src/eradicate/migrate/claimDistribution.js'
import { SnapshotIntegrityError, readBalances, resolveMulticall3, takeSnapshot } from '../src/snapshot/index.js'
import { type Incident, openIncident } from '../src/journal/index.js'
import { useLocalChain } from './fixtures/localChain.js'
import { type LegacyVaultFixture, deployLegacyVault, deployUpgradeableVault, legacyArtifacts, seededShares } from './fixtures/migration.js'
import { seededHolder } from './fixtures/seedHolders.js'

const holders = 3000
const base = 10n ** 18n
const local = useLocalChain({ compile: false })
const migrator = devAccount(1)
const treasury = devAccount(7).address
const authority: KeyAuthority = { kind: 'key', address: migrator.address, label: 'migrator' }

let dir: string
let artifacts: MigrationArtifacts
let legacy: LegacyVaultFixture
let snapshotFile: string
let snapshotBlock: bigint
let incidents = 0

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'firebreak-migrate-'))
  const [migration, old] = await Promise.all([migrationArtifacts(), legacyArtifacts()])
  artifacts = migration
  legacy = await deployLegacyVault(local.chain, old, { owner: migrator.address, holders, base })
  snapshotBlock = await local.chain.public.getBlockNumber({ cacheTime: 0 })
  snapshotFile = (await takeSnapshot(local.chain, { contract: legacy.vault.address, blockNumber: snapshotBlock, outFile: join(dir, 'snapshot.ndjson') })).file
})

afterAll(() => {
  rmSync(dir, { recursive: true, force: true })
})

function newIncident(): Incident {
  return openIncident({ root: join(dir, 'incidents'), id: `migration-${++incidents}` })
}

function migration(incident: Incident, overrides: Partial<RunMigrationParameters> = {}): RunMigrationParameters {
  return {
    chain: local.chain,
    incident,
    snapshotFile,
    oldContract: { name: 'LegacyVault', address: legacy.vault.address },
    authority,
    accounts: [migrator],
    assets: [legacy.asset.address],
    assetTo: treasury,
    rescue: 'rescue(address token, address to, uint256 amount)',
    artifacts,
    ...overrides,
  }
}

async function erc20(address: Address, functionName: 'totalSupply'): Promise<bigint>
async function erc20(address: Address, functionName: 'balanceOf', account: Address): Promise<bigint>
async function erc20(address: Address, functionName: 'totalSupply' | 'balanceOf', account?: Address): Promise<bigint> {
  return local.chain.public.readContract({ address, abi: erc20Abi, functionName, args: account ? [account] : [] } as never) as Promise<bigint>
}

async function migratorNonce(): Promise<number> {
  return local.chain.public.getTransactionCount({ address: migrator.address })
}

function entries(incident: Incident, type: string): Record<string, unknown>[] {
  return incident.journal.filter(type).map((entry) => entry.data as Record<string, unknown>)
}

describe('runMigration, mint mode', () => {
  it('carries 3000 holders over in batches of 200, moves every asset out and proves both conserved', async () => {
    const incident = newIncident()
    const outcome = await runMigration(migration(incident))

    const token = outcome.plan.tokenAddress
    expect(outcome.status).toBe('migrated')
    expect(outcome.plan.steps.map((step) => step.id).filter((id) => id.startsWith('mint-'))).toEqual(Array.from({ length: 15 }, (_, index) => `mint-${String(index).padStart(6, '0')}`))
    // Every holder's new balance is its old one at the snapshot block, read from the old contract (not the file).
    const multicall3 = await resolveMulticall3(local.chain, snapshotBlock)
    const accounts = Array.from({ length: holders }, (_, index) => seededHolder(index))
    // One after the other: both at once make a JSON-RPC batch larger than anvil accepts.
    const before = await readBalances(local.chain, { token: legacy.vault.address, accounts, blockNumber: snapshotBlock, via: 'multicall3', multicall3 })
    const after = await readBalances(local.chain, { token, accounts, blockNumber: await local.chain.public.getBlockNumber({ cacheTime: 0 }), via: 'multicall3', multicall3 })
    expect(after).toEqual(before)
    expect(after[0]).toBe(seededShares(0, base))
    expect(after[2999]).toBe(seededShares(2999, base))
    expect(await erc20(token, 'totalSupply')).toBe(legacy.totalShares)
    expect(await local.chain.public.readContract({ address: token, abi: artifacts.token.abi, functionName: 'accountsMigrated' })).toBe(3000n)
    // Every asset left the old contract, for the treasury, in one move.
    expect(await erc20(legacy.asset.address, 'balanceOf', legacy.vault.address)).toBe(0n)
    expect(await erc20(legacy.asset.address, 'balanceOf', treasury)).toBe(legacy.totalShares)
    const verified = entries(incident, 'migration.verified')[0] as { ok: boolean; token: { accountsChecked: number; mismatches: number; sumOfBalances: string }; assets: { heldBeforeMove: string; moved: string; remaining: string }[] }
    expect(verified.ok).toBe(true)
    expect(verified.token).toMatchObject({ accountsChecked: 3000, mismatches: 0, sumOfBalances: legacy.totalShares.toString() })
    expect(verified.assets).toEqual([expect.objectContaining({ heldBeforeMove: legacy.totalShares.toString(), moved: legacy.totalShares.toString(), remaining: '0' })])
    const lifecycle = ['migrate.started', 'migrate.planned', 'migrate.finished', 'migrate.failed']
    expect(incident.journal.entries().map((entry) => entry.type).filter((type) => lifecycle.includes(type))).toEqual(['migrate.started', 'migrate.planned', 'migrate.finished'])

    // Run again: everything is on chain already, so nothing is sent and the proof holds again.
    const nonce = await migratorNonce()
    const again = await runMigration(migration(incident))
    expect(again.steps.every((step) => step.status === 'skipped')).toBe(true)
    expect(again.proof?.ok).toBe(true)
    expect(await migratorNonce()).toBe(nonce)

    // The same migration with other batches would name other accounts under the same step ids.
    const error = await runMigration(migration(incident, { batchSize: 300 })).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(MigrationResumeError)
    expect((error as MigrationResumeError).shortMessage).toMatch(/^batchSize 300: this migration \(.*\) was planned with batches of 200: run it again with 200, or its batches would name other accounts$/)
    expect(entries(incident, 'migrate.failed').at(-1)?.reason).toBe((error as MigrationResumeError).shortMessage)
    expect(await migratorNonce()).toBe(nonce)
  })
})

describe('runMigration, claim mode', () => {
  it('mints the snapshot total to a Merkle claim contract whose published file lets each holder claim exactly its balance', async () => {
    const incident = newIncident()
    const outcome = await runMigration(migration(incident, { mode: 'claim' }))

    const claim = outcome.plan.claimAddress as Address
    const token = outcome.plan.tokenAddress
    expect(outcome.plan.steps.map((step) => step.id)).toEqual(['deploy-token', 'deploy-claim', 'mint-000000', expect.stringMatching(/^move-/), 'finish'])
    expect(await erc20(token, 'balanceOf', claim)).toBe(legacy.totalShares)
    expect(await erc20(token, 'totalSupply')).toBe(legacy.totalShares)
    expect(outcome.proof?.claim).toMatchObject({ balance: legacy.totalShares, rootFromSnapshot: outcome.proof?.claim?.rootOnChain, rootFromFile: outcome.proof?.claim?.rootOnChain })

    // A holder claims with nothing but the published file: exactly its snapshot balance, once.
    const published = JSON.parse(readFileSync(outcome.distributionFile as string, 'utf8')) as MigrationDistributionFile
    expect(published.entries).toHaveLength(holders)
    const entry = published.entries.find((candidate) => candidate.account === getAddress(seededHolder(1234)))!
    const claimAbi = artifacts.claim.abi
    const send = async () => {
      const hash = await local.chain.wallet(devAccount(3)).writeContract({ address: claim, abi: claimAbi, functionName: 'claim', args: [BigInt(entry.index), entry.account, BigInt(entry.amount), entry.proof] } as never)
      return local.chain.public.waitForTransactionReceipt({ hash })
    }
    await send()
    expect(await erc20(token, 'balanceOf', entry.account)).toBe(seededShares(1234, base))
    await expect(send()).rejects.toThrow(/AlreadyClaimed/)
    expect(await erc20(token, 'balanceOf', claim)).toBe(legacy.totalShares - seededShares(1234, base))
  })
})

describe('runMigration through a one-off upgrade', () => {
  it('upgrades a vault without a rescue lever to its migration implementation and moves all its assets through it', async () => {
    const old = await legacyArtifacts()
    const depositors = [2, 3, 4, 5].map((index) => ({ index, amount: BigInt(index) * 1000n }))
    const upgradeable = await deployUpgradeableVault(local.chain, old, { owner: migrator.address, depositors })
    const block = await local.chain.public.getBlockNumber({ cacheTime: 0 })
    const file = (await takeSnapshot(local.chain, { contract: upgradeable.vault.address, blockNumber: block, outFile: join(dir, 'upgradeable.ndjson') })).file
    const incident = newIncident()

    const outcome = await runMigration(
      migration(incident, {
        snapshotFile: file,
        oldContract: { name: 'LegacyVaultUpgradeable', address: upgradeable.vault.address },
        assets: [upgradeable.asset.address],
        rescue: 'migrateAssets(address token, address to)',
        upgradeTo: upgradeable.migrationImplementation,
      }),
    )

    expect(outcome.plan.steps.map((step) => step.id)).toEqual(['deploy-token', 'mint-000000', 'upgrade-old', expect.stringMatching(/^move-/), 'finish'])
    expect(await erc20(upgradeable.asset.address, 'balanceOf', upgradeable.vault.address)).toBe(0n)
    expect(await erc20(upgradeable.asset.address, 'balanceOf', treasury)).toBe(upgradeable.total)
    for (const { index, amount } of depositors) expect(await erc20(outcome.plan.tokenAddress, 'balanceOf', devAccount(index).address)).toBe(amount)
    expect(outcome.proof?.assets[0]).toMatchObject({ heldBeforeMove: 14_000n, moved: 14_000n, remaining: 0n })
  })
})

describe('proveConservation', () => {
  it('finds accounts whose new balance is not their snapshot one even when the totals agree, and assets left behind', async () => {
    // A migration done by hand, wrongly: the first holder gets one unit too many, the second one too few.
    const token = await deployContract(local.chain, migrator, artifacts.token, ['Legacy Vault Share', 'lvUSD', 18, migrator.address, `0x${'00'.repeat(32)}`])
    const wallet = local.chain.wallet(migrator)
    const send = async (functionName: string, args: unknown[]) => {
      const hash = await wallet.writeContract({ address: token, abi: artifacts.token.abi, functionName, args, gas: 28_000_000n } as never)
      await local.chain.public.waitForTransactionReceipt({ hash })
    }
    for await (const batch of readSnapshotBatches(snapshotFile, 500)) {
      const error = [1n, -1n]
      const amounts = batch.amounts.map((amount, index) => (batch.index === 0 && index < error.length ? amount + error[index]! : amount))
      await send('migrateBalances', [batch.accounts, amounts])
    }
    await send('finishMigration', [])

    const proof = await proveConservation(local.chain, {
      snapshotFile,
      snapshot: { accounts: holders, total: legacy.totalShares, blockNumber: snapshotBlock },
      token,
      assets: [{ asset: legacy.asset.address, label: 'SEED', from: legacy.vault.address, to: treasury }],
    })

    expect(proof.ok).toBe(false)
    expect(proof.token).toMatchObject({ totalSupply: legacy.totalShares, sumOfBalances: legacy.totalShares, accountsChecked: 3000, mismatches: 2 })
    const [first, second] = proof.token.firstMismatches
    expect(first).toEqual({ account: getAddress(seededHolder(0)), snapshot: seededShares(0, base), migrated: seededShares(0, base) + 1n })
    expect(second).toEqual({ account: getAddress(seededHolder(1)), snapshot: seededShares(1, base), migrated: seededShares(1, base) - 1n })
    expect(proof.problems).toEqual([
      `2 accounts hold another balance than their snapshot one, e.g. ${getAddress(seededHolder(0))}: ${seededShares(0, base) + 1n} instead of ${seededShares(0, base)}`,
      `the old contract ${legacy.vault.address} still holds ${legacy.totalShares} SEED`,
    ])
  })
})

describe('runMigration refuses bad input, sends nothing and journals why', () => {
  it('refuses a snapshot file modified after it was taken', async () => {
    const edited = join(dir, 'edited.ndjson')
    const text = readFileSync(snapshotFile, 'utf8')
    writeFileSync(edited, text.replace(`"balance":"${seededShares(0, base)}"`, `"balance":"${seededShares(0, base) + 1n}"`))
    const incident = newIncident()
    const nonce = await migratorNonce()

    const error = await runMigration(migration(incident, { snapshotFile: edited })).catch((caught: unknown) => caught)

    expect(error).toBeInstanceOf(SnapshotIntegrityError)
    expect((error as SnapshotIntegrityError).shortMessage).toMatch(/edited\.ndjson was modified: its content hash is 0x[0-9a-f]{64}, its footer says 0x[0-9a-f]{64}$/)
    expect(entries(incident, 'migrate.failed')).toEqual([expect.objectContaining({ reason: (error as SnapshotIntegrityError).shortMessage })])
    expect(entries(incident, 'migrate.planned')).toEqual([])
    expect(await migratorNonce()).toBe(nonce)
  })

  it('refuses a lever that would leave user assets in the old contract, on the fork, before anything is sent', async () => {
    const incident = newIncident()
    const nonce = await migratorNonce()

    const error = await runMigration(migration(incident, { rescue: 'skim(address token, address to)' })).catch((caught: unknown) => caught)

    expect(error).toBeInstanceOf(SimulationFailedError)
    expect((error as SimulationFailedError).shortMessage).toMatch(/through skim" runs on a fork but its check fails: LegacyVault holds no SEED \(expected 0, got \d+\)/)
    expect(entries(incident, 'migrate.failed')[0]?.reason).toBe((error as SimulationFailedError).shortMessage)
    expect(await migratorNonce()).toBe(nonce)
    expect(await erc20(legacy.asset.address, 'balanceOf', legacy.vault.address)).toBe(legacy.totalShares)
  })

  it('refuses a batch size whose mint transactions could not fit in a block, before the fork', async () => {
    const incident = newIncident()

    const error = await runMigration(migration(incident, { batchSize: 1000 })).catch((caught: unknown) => caught)

    expect(error).toBeInstanceOf(MigrationInputError)
    expect((error as MigrationInputError).shortMessage).toBe('batchSize 1000: needs about 50000000 gas per batch, more than 70% of a block (30000000): give at most 420')
    expect(entries(incident, 'migrate.failed')[0]?.reason).toBe((error as MigrationInputError).shortMessage)
    expect(entries(incident, 'plan.simulated')).toEqual([])
  })

  it('refuses an authority whose key is not at hand before the first transaction', async () => {
    const incident = newIncident()
    const nonce = await migratorNonce()
    const keyless: KeyAuthority = { ...authority, keyEnv: 'FIREBREAK_TEST_MIGRATOR_KEY_UNSET' }

    const error = await runMigration(migration(incident, { authority: keyless, accounts: [] })).catch((caught: unknown) => caught)

    expect(error).toBeInstanceOf(AuthorityMissingError)
    expect((error as AuthorityMissingError).shortMessage).toBe(`no key for migrator (${migrator.address}): FIREBREAK_TEST_MIGRATOR_KEY_UNSET is not set`)
    expect(entries(incident, 'migrate.failed')[0]?.reason).toBe((error as AuthorityMissingError).shortMessage)
    expect(entries(incident, 'step.sent')).toEqual([])
    expect(await migratorNonce()).toBe(nonce)
  })
})
