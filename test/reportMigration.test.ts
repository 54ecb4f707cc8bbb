import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { devAccount } from '../src/chain/devAccounts.js'
import type { KeyAuthority } from '../src/engine/plan.js'
import { type MigrationOutcome, migrationArtifacts, runMigration } from '../src/eradicate/migrate/index.js'
import { type Incident, entriesOf, openIncident } from '../src/journal/index.js'
import { renderReport } from '../src/report/renderReport.js'
import { takeSnapshot } from '../src/snapshot/index.js'
import { useLocalChain } from './fixtures/localChain.js'
import { type LegacyVaultFixture, deployLegacyVault, legacyArtifacts } from './fixtures/migration.js'

/**
 * The post-mortem of a migration as `firebreak migrate` journals it: 12 holders of a legacy vault
 * carried over in batches of 5, its asset moved to the treasury, conservation proven on chain.
 */
const local = useLocalChain({ compile: false })
const migrator = devAccount(1)
const treasury = devAccount(7).address
const authority: KeyAuthority = { kind: 'key', address: migrator.address, label: 'migrator' }
const unit = 10n ** 18n

let dir: string
let legacy: LegacyVaultFixture
let incident: Incident
let outcome: MigrationOutcome
let migrations: string

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'firebreak-report-migration-'))
  const [artifacts, old] = await Promise.all([migrationArtifacts(), legacyArtifacts()])
  legacy = await deployLegacyVault(local.chain, old, { owner: migrator.address, holders: 12, base: unit })
  const blockNumber = await local.chain.public.getBlockNumber({ cacheTime: 0 })
  const snapshot = await takeSnapshot(local.chain, { contract: legacy.vault.address, blockNumber, outFile: join(dir, 'snapshot.ndjson') })
  incident = openIncident({ root: join(dir, 'incidents'), id: 'legacy-migration', title: 'legacy vault migration' })
  outcome = await runMigration({
    chain: local.chain,
    incident,
    snapshotFile: snapshot.file,
    oldContract: { name: 'LegacyVault', address: legacy.vault.address },
    authority,
    accounts: [migrator],
    assets: [legacy.asset.address],
    assetTo: treasury,
    rescue: 'rescue(address token, address to, uint256 amount)',
    artifacts,
    batchSize: 5,
  })
  const markdown = renderReport(incident.journal.entries())
  const start = markdown.indexOf('## Migrations\n')
  migrations = start < 0 ? '' : markdown.slice(start, markdown.indexOf('\n## ', start + 1))
})

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true })
})

describe('the post-mortem of a migration', () => {
  it('shows the snapshot carried over and the three batches of five that minted it', () => {
    const token = outcome.plan.tokenAddress

    expect(outcome.status).toBe('migrated')
    // Holders 0…11 hold 1…7 × 10^18 shares by index: 1+2+…+7 + 1+2+3+4+5 = 43.
    expect(legacy.totalShares).toBe(43n * unit)
    expect(migrations).toMatch(/^- snapshot `\S+snapshot\.ndjson` at block \d+: 12 accounts holding 43 \S+ \(sha256 `0x[0-9a-f]{8}…[0-9a-f]{4}`\)$/m)
    expect(migrations).toContain(`\`${token}\``)
    expect(migrations).toContain('- mint batches: 3 of 3 done, 5 accounts each')
    expect(migrations).toContain('- migrated')
  })

  it('states the conservation proof read from the chain, with the asset moved to the treasury', () => {
    const proof = entriesOf(incident.journal, 'migration.verified').at(-1)?.data

    expect(proof?.ok).toBe(true)
    expect(migrations).toContain(`- **Conservation:** verified at block ${proof?.block}: nothing created, nothing lost.`)
    expect(migrations).toMatch(/^ {2}- new supply 43 \S+, snapshot total 43 \S+ over 12 accounts$/m)
    expect(migrations).toMatch(/^ {2}- sum of migrated balances 43 \S+; 12 accounts checked, 0 mismatched$/m)
    expect(migrations).toContain(`43,000,000,000,000,000,000 SEED base units moved to \`${treasury}\`, 0 SEED base units left`)
  })
})
