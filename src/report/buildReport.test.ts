import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Address, Hash, Hex } from 'viem'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { recordAttack } from '../attack/recordAttack.js'
import type { JournalEntries } from '../journal/entries.js'
import { Journal } from '../journal/journal.js'
import { renderReport } from './renderReport.js'

const unit = 10n ** 18n
const governance: Address = '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266'
const attacker: Address = '0x90F79bf6EB2c4f870365E785982E1f101E93b906'
const exploit: Address = '0x2b961E3959b79326A8e7F64Ef0d2d825707669b5'
const vault: Address = '0xCf7Ed3AccA5a467e9e704C703E8D87F634fB0Fc9'
const token: Address = '0x5FbDB2315678afecb367f032d93F642f64180aa3'
const v2: Address = '0x8A791620dd6260079BF849Dc5567aDC3F2FdC318'
const legacy: Address = '0xa513E6E4b8f2a923D98304ec87F64353C4D5C853'
const legacyAsset: Address = '0x2279B7A0a67DB372996a5FaB50D91eAA73d2eBe6'
const migrated: Address = '0x610178dA211FEF7D417bC0e6FeD39F05609AD788'
const treasury: Address = '0x14dC79964da2C08b23698B3D3cc7Ca32193d9955'
const attackTx: Hash = `0x${'ab'.repeat(32)}`
const hash = (byte: string): Hash => `0x${byte.repeat(32)}`
const key = { kind: 'key', address: governance, label: 'governance' } as const

let scratch: string
let markdown: string

/**
 * The journal `firebreak upgrade` leaves after three candidate fixes, the first refused by the
 * storage gate, the second by the replay gate (the attack it replayed journaled as it does), the
 * third shipped; then `firebreak migrate` carrying 12 holders of a legacy vault over in batches of
 * 5 and proving conservation. Each entry is the runners' own shape: the entry map types them.
 */
function writeUpgradesAndMigration(dir: string): Journal {
  let second = 0
  const journal = Journal.open(dir, { now: () => new Date(Date.UTC(2025, 2, 14, 10, 0, second++)) })
  journal.append('incident.opened', { id: 'vault-drain', title: 'vault drain' })

  const compatible: JournalEntries['gate.storage'] = { from: 'DrillVaultV1', to: 'DrillVaultCosmetic', compatible: true, conflicts: [], appended: [] }
  journal.append('upgrade.started', { contract: 'vault', from: 'DrillVaultV1', to: 'DrillVaultClobbered', dryRun: false })
  journal.append('gate.storage', {
    from: 'DrillVaultV1',
    to: 'DrillVaultClobbered',
    compatible: false,
    conflicts: [{ kind: 'moved', label: 'depositCap', slot: '0', offset: 0, oldType: 't_uint256', newType: 't_uint256', message: 'depositCap (slot 0, offset 0) moved to slot 1' }],
    appended: [],
  })
  journal.append('upgrade.refused', { contract: 'vault', reason: 'upgrade from DrillVaultV1 to DrillVaultClobbered refused by the storage gate: depositCap (slot 0, offset 0) moved to slot 1' })

  journal.append('upgrade.started', { contract: 'vault', from: 'DrillVaultV1', to: 'DrillVaultCosmetic', dryRun: false })
  journal.append('gate.storage', compatible)
  recordAttack(journal, { txHash: attackTx, blockNumber: 12n, attacker, exploitContract: exploit, victims: [vault], stolen: 95_000n * unit, asset: { address: token, symbol: 'dUSD', decimals: 18 }, measuredBy: 'replay' })
  const run = (extracted: bigint, reverted = false) => ({ reverted, extracted, victimLoss: extracted, attackerGain: 0n, ...(reverted ? { revert: 'EnforcedPause()' } : {}) })
  const operations = [{ description: 'alice withdraws 1 dUSD from their own position', ok: true }]
  journal.append('gate.replay', {
    passed: false,
    forkBlock: 11n,
    unpatched: run(95_000n * unit),
    patched: run(95_000n * unit),
    normalOperations: operations,
    verdict: `the attack still extracts ${95_000n * unit} after the fix`,
    attackBlock: 12n,
    attack: [attackTx],
  })
  journal.append('upgrade.refused', { contract: 'vault', reason: `upgrade to DrillVaultCosmetic refused by the replay gate: the attack still extracts ${95_000n * unit} after the fix` })

  journal.append('upgrade.started', { contract: 'vault', from: 'DrillVaultV1', to: 'DrillVaultV2', dryRun: false })
  journal.append('gate.storage', { ...compatible, to: 'DrillVaultV2', appended: ['fixVersion'] })
  // Run again in the same incident, the attack is not journaled a second time.
  recordAttack(journal, { txHash: attackTx, blockNumber: 12n, attacker, exploitContract: exploit, victims: [vault], stolen: 95_000n * unit, asset: { address: token, symbol: 'dUSD', decimals: 18 }, measuredBy: 'replay' })
  journal.append('gate.replay', { passed: true, forkBlock: 11n, unpatched: run(95_000n * unit), patched: run(0n, true), normalOperations: operations, verdict: 'the attack now reverts', attackBlock: 12n, attack: [attackTx] })
  journal.append('upgrade.planned', { planId: 'eradicate-upgrade-vault', implementation: v2, proxyKind: 'uups', holder: governance, route: 'one block' })
  const step = (stepId: string, decoded: string) => ({ stepId, title: decoded, authority: key, calls: [{ to: vault, data: '0x' as Hex, value: 0n }], decoded, postconditions: [] })
  journal.append('plan.built', { planId: 'eradicate-upgrade-vault', phase: 'eradicate', title: 'upgrade vault to DrillVaultV2', steps: [step('deploy-DrillVaultV2', 'deploy DrillVaultV2'), step('upgrade-vault', `vault.upgradeToAndCall(${v2}, 0x)`)] })
  journal.append('step.done', { planId: 'eradicate-upgrade-vault', stepId: 'deploy-DrillVaultV2', alreadyOnChain: `code at ${v2}` })
  journal.append('step.done', { planId: 'eradicate-upgrade-vault', stepId: 'upgrade-vault', txHash: hash('c1'), blockNumber: 20n })
  journal.append('upgrade.finished', { planId: 'eradicate-upgrade-vault', status: 'upgraded', implementation: v2, blockNumber: 20n })

  const planId = 'eradicate-migrate-mint-1a2b3c4d5e6f'
  journal.append('migrate.started', { contract: 'LegacyVault', address: legacy, snapshot: '/incidents/vault-drain/snapshot-LegacyVault-30.ndjson', mode: 'mint', batchSize: 5, dryRun: false })
  journal.append('migrate.planned', {
    planId,
    contract: 'LegacyVault',
    mode: 'mint',
    batchSize: 5,
    snapshot: { file: '/incidents/vault-drain/snapshot-LegacyVault-30.ndjson', sha256: hash('1a'), blockNumber: '30', accounts: 12, total: 780n * unit },
    token: { address: migrated, name: 'Legacy Vault Shares', symbol: 'lvS', decimals: 18 },
    assets: [{ asset: legacyAsset, label: 'SEED', held: 780n * unit, to: treasury }],
    steps: 6,
    notes: [],
  })
  const batches = ['mint-000000', 'mint-000001', 'mint-000002']
  journal.append('plan.built', { planId, phase: 'eradicate', title: 'migrate LegacyVault to a new lvS', steps: ['deploy-token', ...batches, 'move-2279b7a0', 'finish'].map((id) => step(id, id)) })
  for (const [index, stepId] of ['deploy-token', ...batches, 'move-2279b7a0', 'finish'].entries()) journal.append('step.done', { planId, stepId, txHash: hash(`d${index}`), blockNumber: 31n + BigInt(index) })
  journal.append('migration.verified', {
    ok: true,
    problems: [],
    block: 35n,
    snapshot: { accounts: 12, total: 780n * unit },
    token: { address: migrated, totalSupply: 780n * unit, sumOfBalances: 780n * unit, accountsChecked: 12, mismatches: 0, firstMismatches: [] },
    assets: [{ asset: legacyAsset, label: 'SEED', from: legacy, to: treasury, moveTx: hash('d4'), heldBeforeMove: 780n * unit, moved: 780n * unit, remaining: 0n }],
  })
  journal.append('migrate.finished', { planId, status: 'migrated', token: migrated })
  return journal
}

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'firebreak-build-report-'))
  markdown = renderReport(writeUpgradesAndMigration(join(scratch, 'incident')).entries())
})

afterAll(() => {
  rmSync(scratch, { recursive: true, force: true })
})

function section(text: string, heading: string): string {
  const start = text.indexOf(`## ${heading}\n`)
  if (start < 0) throw new Error(`no section ${heading}`)
  const end = text.indexOf('\n## ', start + 1)
  return text.slice(start, end < 0 ? undefined : end)
}

describe('the report of refused upgrades', () => {
  it('lists each refused fix with the gate that refused it and why', () => {
    const refused = section(markdown, 'Refused upgrades')

    expect(refused).toContain('- 2025-03-14T10:00:03.000Z: **vault** DrillVaultV1 → DrillVaultClobbered: upgrade from DrillVaultV1 to DrillVaultClobbered refused by the storage gate: depositCap (slot 0, offset 0) moved to slot 1\n  - depositCap (slot 0, offset 0) moved to slot 1')
    expect(refused).toContain(`- 2025-03-14T10:00:08.000Z: **vault** DrillVaultV1 → DrillVaultCosmetic: upgrade to DrillVaultCosmetic refused by the replay gate: the attack still extracts ${95_000n * unit} after the fix`)
    expect(refused).toContain('  - replayed on a fork at block 11')
    expect(refused).toContain('  - after the fix: 95,000 dUSD extracted')
    expect(refused).not.toContain('DrillVaultV2')
  })

  it('shows as fix gates those of the upgrade that shipped, not of the refused ones', () => {
    const gates = section(markdown, 'Fix gates')

    expect(gates).toContain('- **Storage layout** DrillVaultV1 → DrillVaultV2: compatible.')
    expect(gates).toContain('- **Attack replay** on a fork at block 11: passed — the attack now reverts.')
    expect(gates).toContain('  - after the fix: reverted with EnforcedPause()')
  })

  it('summarises the refusals and the fix, and marks refusals on the timeline', () => {
    const summary = section(markdown, 'Summary')
    const timeline = section(markdown, 'Timeline')

    expect(summary).toContain('- **Refused:** 2 upgrades stopped by the storage gate and the replay gate.')
    expect(summary).toContain('- **Fixed:** proxy upgraded in block 20 after the storage and replay gates passed.')
    expect(timeline).toContain('| 2025-03-14T10:00:03.000Z | | upgrade of vault REFUSED: upgrade from DrillVaultV1 to DrillVaultClobbered refused by the storage gate: depositCap (slot 0, offset 0) moved to slot 1 |')
    expect(timeline).toContain('| 2025-03-14T10:00:16.000Z | 20 | proxy upgraded to `0x8A791620…C318` |')
  })
})

describe('the report of an attack recorded by firebreak upgrade', () => {
  it('states what the replay measured, once however often the upgrade ran', () => {
    const attack = section(markdown, 'Attack')

    expect(attack.match(/^- transaction /gm)).toHaveLength(1)
    expect(attack).toContain(`- transaction \`${attackTx}\` in block 12`)
    expect(attack).toContain(`- attacker \`${attacker}\`, through contract \`${exploit}\``)
    expect(attack).toContain('- taken: 95,000 dUSD (measured by replaying the attack on a fork of block 11)')
    expect(attack).toContain(`- victims: \`${vault}\``)
    expect(section(markdown, 'Summary')).toContain(`- **Attack:** 95,000 dUSD taken from 1 account in block 12 (tx \`${attackTx}\`).`)
  })
})

describe('the report of a migration', () => {
  it('shows the snapshot carried, the batches done and the assets moved', () => {
    const migrations = section(markdown, 'Migrations')

    expect(migrations).toContain('### LegacyVault → lvS (mint mode)')
    expect(migrations).toContain(`- snapshot \`/incidents/vault-drain/snapshot-LegacyVault-30.ndjson\` at block 30: 12 accounts holding 780 lvS (sha256 \`0x1a1a1a1a…1a1a\`)`)
    expect(migrations).toContain(`- new token Legacy Vault Shares (lvS) \`${migrated}\``)
    expect(migrations).toContain('- mint batches: 3 of 3 done, 5 accounts each')
    expect(migrations).toContain(`- asset SEED \`${legacyAsset}\`: 780,000,000,000,000,000,000 SEED base units to move to \`${treasury}\``)
    expect(migrations).toContain('- migrated')
  })

  it('states the conservation proof with its figures', () => {
    const migrations = section(markdown, 'Migrations')

    expect(migrations).toContain('- **Conservation:** verified at block 35: nothing created, nothing lost.')
    expect(migrations).toContain('  - new supply 780 lvS, snapshot total 780 lvS over 12 accounts')
    expect(migrations).toContain('  - sum of migrated balances 780 lvS; 12 accounts checked, 0 mismatched')
    expect(migrations).toContain(`  - SEED: 780,000,000,000,000,000,000 SEED base units held before the move, 780,000,000,000,000,000,000 SEED base units moved to \`${treasury}\`, 0 SEED base units left`)
    expect(section(markdown, 'Summary')).toContain(`- **Migrated:** LegacyVault to lvS \`${migrated}\` (12 accounts, 3 of 3 mint batches done); conservation verified.`)
  })

  it('names what does not add up when the proof fails, and the batch a run stopped at', () => {
    const journal = Journal.open(join(scratch, 'unbalanced'))
    const planId = 'eradicate-migrate-mint-0f0f0f0f0f0f'
    journal.append('incident.opened', { id: 'unbalanced', title: 'unbalanced migration' })
    journal.append('migrate.planned', {
      planId,
      contract: 'LegacyVault',
      mode: 'mint',
      batchSize: 5,
      snapshot: { file: 'snapshot.ndjson', sha256: hash('0f'), blockNumber: '30', accounts: 12, total: 780n * unit },
      token: { address: migrated, name: 'Legacy Vault Shares', symbol: 'lvS', decimals: 18 },
      assets: [],
      steps: 5,
      notes: [],
    })
    const steps = ['deploy-token', 'mint-000000', 'mint-000001', 'mint-000002', 'finish'].map((stepId) => ({ stepId, title: stepId, authority: key, calls: [], decoded: stepId, postconditions: [] }))
    journal.append('plan.built', { planId, phase: 'eradicate', title: 'migrate LegacyVault', steps })
    journal.append('step.done', { planId, stepId: 'mint-000000', txHash: hash('e0'), blockNumber: 31n })
    journal.append('step.failed', { planId, stepId: 'mint-000001', stage: 'execution', txHash: hash('e1'), reason: 'AlreadyMigrated(0x15d3…6A65)' })
    journal.append('migration.unbalanced', {
      ok: false,
      problems: [`the new supply is ${300n * unit}, the snapshot total ${780n * unit}`],
      block: 32n,
      snapshot: { accounts: 12, total: 780n * unit },
      token: { address: migrated, totalSupply: 300n * unit, sumOfBalances: 300n * unit, accountsChecked: 12, mismatches: 7, firstMismatches: [{ account: attacker, snapshot: 60n * unit, migrated: 0n }] },
      assets: [],
    })

    const migrations = section(renderReport(journal.entries()), 'Migrations')

    expect(migrations).toContain('- mint batches: 1 of 3 done, 5 accounts each')
    expect(migrations).toMatch(/^- \S+: step mint-000001 FAILED at execution: AlreadyMigrated\(0x15d3…6A65\)$/m)
    expect(migrations).toContain(`- **Conservation:** FAILED at block 32: the new supply is ${300n * unit}, the snapshot total ${780n * unit}.`)
    expect(migrations).toContain(`  - \`${attacker}\`: snapshot 60 lvS, migrated 0 lvS`)
    expect(migrations).toContain(`  - ✘ the new supply is ${300n * unit}, the snapshot total ${780n * unit}`)
  })
})

describe('the report of a containment that left a target exposed', () => {
  it('says in the summary which contract is still exposed and why', () => {
    const journal = Journal.open(join(scratch, 'exposed'))
    journal.append('incident.opened', { id: 'exposed', title: 'bridge drain' })
    journal.append('contain.finished', { planId: 'contain-pause-all', status: 'exposed', exposed: [{ contract: 'bridge', reason: 'no lever pauses it and nobody here holds its upgrade' }] })

    const markdown = renderReport(journal.entries())

    expect(section(markdown, 'Summary')).toContain('- **Still exposed:** bridge (no lever pauses it and nobody here holds its upgrade).')
    expect(section(markdown, 'Timeline')).toMatch(/\| containment contain-pause-all: exposed, bridge still exposed \|$/m)
  })
})
