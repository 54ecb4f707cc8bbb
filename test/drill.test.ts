import { existsSync, mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { drillActors } from '../src/drill/actors.js'
import { runDrill } from '../src/drill/runDrill.js'
import type { DrillSummary } from '../src/drill/summary.js'
import { Journal, verifyJournal } from '../src/journal/index.js'
import { rootOfDump } from '../src/distribution/buildDistribution.js'
import { anvilsOnPort } from './fixtures/processes.js'

const unit = 10n ** 18n

describe('firebreak drill, end to end on the embedded chain', () => {
  let summary: DrillSummary

  beforeAll(async () => {
    summary = await runDrill({ incidentsRoot: mkdtempSync(join(tmpdir(), 'firebreak-drill-')), progress: 'silent' })
  })

  it('the attack drains the three largest depositors: 95,000 dUSD', () => {
    expect(summary.attack.stolen).toBe(95_000n * unit)
    const victims = drillActors().users.slice(0, 3).map((user) => user.account.address)
    expect(summary.attack.victims).toEqual(victims)
  })

  it('contains the attack in the block after it, and the attacker\'s second attempt reverts with EnforcedPause', () => {
    expect(summary.containment.blocksFromAttack).toBe(1n)
    expect(summary.containment.secondAttemptReverted).toBe(true)
    expect(summary.containment.secondAttemptReason).toBe('EnforcedPause()')
  })

  it('upgrades only after the storage gate and the replay gate: the replayed exploit fails against V2', () => {
    expect(summary.eradication.storageCompatible).toBe(true)
    expect(summary.eradication.replayVerdict).toMatch(/^the attack took 95000000000000000000000 before the fix and now reverts with ERC20InsufficientAllowance/)
  })

  it('losses sum to the drained amount, and every user whose funds were taken is made whole', () => {
    const byName = Object.fromEntries(summary.recovery.users.map((user) => [user.name, user]))
    expect(byName.alice?.loss).toBe(50_000n * unit)
    expect(byName.bob?.loss).toBe(30_000n * unit)
    expect(byName.carol?.loss).toBe(15_000n * unit)
    expect(byName.dave?.loss).toBe(0n)
    expect(summary.recovery.totalLoss).toBe(summary.attack.stolen)
    expect(summary.recovery.reimbursed).toBe(summary.attack.stolen)
    for (const user of summary.recovery.users) {
      expect(user.reimbursed, user.name).toBe(user.loss)
      expect(user.whole, user.name).toBe(true)
    }
  })

  it('computes losses as firebreak losses does: from two vault snapshots, the attacker and its exploit left out', () => {
    const written = JSON.parse(readFileSync(join(summary.incident.dir, 'losses-vault.json'), 'utf8'))
    expect(written.total).toBe((95_000n * unit).toString())
    expect(written.snapshots.before.file).toBe(join(summary.incident.dir, `snapshot-vault-${summary.attack.blockNumber - 1n}.ndjson`))
    expect(written.excluded.map((attacker: { kind: string }) => attacker.kind)).toEqual(['sender', 'deployed-by-sender'])
    const computed = Journal.open(summary.incident.dir).entries().filter((entry) => entry.type === 'losses.computed')
    expect(computed.map((entry) => (entry.data as { files: { json: string } }).files.json)).toEqual(['losses-vault.json'])
  })

  it('reopens the vault through the gated restore stage, approved by governance\'s signature', () => {
    const entries = Journal.open(summary.incident.dir).entries()
    const approved = entries.find((entry) => entry.type === 'restore.approved')?.data as { stage: string; authority: string }
    expect(approved).toMatchObject({ stage: 'withdrawals', authority: 'governance' })
    const gates = entries.find((entry) => entry.type === 'restore.gates')?.data as { passed: boolean; gates: { gate: string; passed: boolean }[] }
    expect(gates.gates.map((gate) => `${gate.gate} ${gate.passed}`)).toEqual(['order true', 'fix true', 'approvals true', 'invariants true'])
    const finished = entries.find((entry) => entry.type === 'restore.finished')?.data as { status: string; blockNumber: string }
    expect(finished).toMatchObject({ status: 'restored', blockNumber: summary.recovery.restoreBlock.toString() })
  })

  it('journals every transition in an intact hash chain, ending with the restore', () => {
    const result = verifyJournal(summary.incident.dir)
    expect(result.problems).toEqual([])
    const types = Journal.open(summary.incident.dir).entries().map((entry) => entry.type)
    expect(types[0]).toBe('incident.opened')
    expect(types.filter((type) => type === 'plan.done')).toHaveLength(4)
    expect(types).not.toContain('step.failed')
    expect(types.at(-1)).toBe('drill.completed')
  })

  it('publishes a distribution anyone can rebuild to the root the claim contract holds', () => {
    const published = JSON.parse(readFileSync(summary.incident.distribution, 'utf8'))
    expect(rootOfDump(published.tree)).toBe(summary.recovery.merkleRoot)
    expect(published.total).toBe((95_000n * unit).toString())
  })

  it('writes a post-mortem from the journal with the losses, both gates, the restore stage and the assets chart', () => {
    const report = readFileSync(summary.incident.report, 'utf8')
    expect(existsSync(join(summary.incident.dir, 'report.html'))).toBe(true)
    expect(report).toContain('95,000 dUSD taken from 3 accounts')
    expect(report).toContain('| **total** | | | **95,000 dUSD** |')
    expect(report).toContain('**Storage layout** DrillVaultV1 → DrillVaultV2: compatible.')
    expect(report).toMatch(/\*\*Attack replay\*\* on a fork at block \d+: passed/)
    expect(report).toContain('### stage withdrawals')
    expect(report).toContain(`| ${summary.attack.blockNumber - 1n} | before the attack | 100,000 dUSD | 0 dUSD |`)
  })

  it('stops the embedded chain when it is done', () => {
    const port = Number(new URL(summary.chain.rpcUrl).port)
    expect(anvilsOnPort(port)).toEqual([])
  })
})
