import { type ChildProcess, spawn } from 'node:child_process'
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { bytesToHex } from 'viem'
import { mnemonicToAccount } from 'viem/accounts'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ANVIL_MNEMONIC } from '../src/chain/index.js'
import { runAttack } from '../src/drill/scenario.js'
import { exportJournal } from '../src/journal/exportJournal.js'
import { openIncident } from '../src/journal/incident.js'
import { readJournal, verifyJournal } from '../src/journal/journal.js'
import { packageRoot } from '../src/packageRoot.js'
import { useDrillProtocol } from './fixtures/localChain.js'
import { writeTestManifest } from './fixtures/manifest.js'
import { type TestPostgres, POSTGRES_INSTALL_TIMEOUT_MS, startPostgres } from './fixtures/postgres.js'
import { writeRestoreManifest, withdrawalsStage } from './fixtures/restore.js'
import { type CliRun, finished, runCli, spawnCli } from './fixtures/runCli.js'

const drill = useDrillProtocol({ snapshotEachTest: false })
const guardianKey = bytesToHex(mnemonicToAccount(ANVIL_MNEMONIC, { addressIndex: 1 }).getHdKey().privateKey!)
const governanceKey = bytesToHex(mnemonicToAccount(ANVIL_MNEMONIC, { addressIndex: 0 }).getHdKey().privateKey!)
const treasuryKey = bytesToHex(mnemonicToAccount(ANVIL_MNEMONIC, { addressIndex: 2 }).getHdKey().privateKey!)

let postgres: TestPostgres
let dir: string

beforeAll(async () => {
  postgres = await startPostgres({ durable: false })
  dir = mkdtempSync(join(tmpdir(), 'firebreak-journal-pg-'))
}, POSTGRES_INSTALL_TIMEOUT_MS)

afterAll(() => {
  postgres?.stop()
  rmSync(dir, { recursive: true, force: true })
})

/** A firebreak-like process appending `count` entries to `incident` through the library. */
function writer(incident: string, name: string, count: number, intervalMs: number): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', join(packageRoot, 'test', 'fixtures', 'pgWriter.ts'), postgres.url, join(dir, `machine-${name}`), incident, name, String(count)], {
    cwd: packageRoot,
    env: { ...process.env, PG_WRITER_WAIT_FOR_START: '1', PG_WRITER_INTERVAL_MS: String(intervalMs) },
    stdio: ['pipe', 'pipe', 'pipe'],
  })
}

/** Starts the writers, lets them go at once (once `release` resolves), and waits for them all. */
async function runWriters(incident: string, names: string[], count: number, { intervalMs = 0, release = Promise.resolve() as Promise<unknown> } = {}) {
  const children = names.map((name) => writer(incident, name, count, intervalMs))
  const ready = children.map((child) => new Promise((resolve) => child.stdout?.once('data', resolve)))
  const exits = children.map((child) => finished(child))
  await Promise.all([...ready, release])
  for (const child of children) child.stdin?.end('go\n')
  return Promise.all(exits)
}

function entriesInDatabase(incident: string) {
  const exported = exportJournal({ databaseUrl: postgres.url, incident, out: join(dir, 'exports') })
  return { exported, entries: readJournal(exported.dir).entries }
}

describe('the incident journal in PostgreSQL', () => {
  it('keeps one linear chain when three processes append to one incident at once', async () => {
    const runs = await runWriters('shared-1', ['a', 'b', 'c'], 60)

    for (const run of runs) expect(run.code, run.stderr).toBe(0)
    const { exported, entries } = entriesInDatabase('shared-1')
    expect(verifyJournal(exported.dir)).toMatchObject({ ok: true, verdict: 'intact', count: 181 })
    expect(entries.map((entry) => entry.seq)).toEqual([...Array(181).keys()])
    expect(entries.filter((entry) => entry.type === 'incident.opened')).toHaveLength(1)
    for (const name of ['a', 'b', 'c']) {
      const mine = entries.filter((entry) => (entry.data as { writer?: string }).writer === name).map((entry) => (entry.data as { index: number }).index)
      expect(mine).toEqual([...Array(60).keys()])
    }
    // The writers' entries interleave: each took in the others' before chaining its own.
    const writers = entries.slice(1).map((entry) => (entry.data as { writer: string }).writer)
    const switches = writers.filter((name, index) => index > 0 && name !== writers[index - 1]).length
    expect(switches).toBeGreaterThan(2)
  }, 120_000)

  it('shows a process the entries other writers appended, on refresh and before its own append', () => {
    const first = openIncident({ root: join(dir, 'laptop'), id: 'shared-2', databaseUrl: postgres.url })
    const second = openIncident({ root: join(dir, 'desktop'), id: 'shared-2', databaseUrl: postgres.url })
    second.journal.append('note' as never, { by: 'desktop' } as never)
    expect(first.journal.entries()).toHaveLength(1)
    expect((first.journal as unknown as { refresh(): unknown[] }).refresh()).toHaveLength(2)
    const mine = first.journal.append('note' as never, { by: 'laptop' } as never)
    second.journal.append('note' as never, { by: 'desktop' } as never)
    expect(mine.seq).toBe(2)
    expect(second.journal.entries().map((entry) => entry.seq)).toEqual([0, 1, 2, 3])
    expect(second.journal.entries()[2]?.hash).toBe(mine.hash)
  })

  it('refuses an incident whose rows were edited or cut in the database', async () => {
    const seeded = openIncident({ root: join(dir, 'seed'), id: 'edited-rows', databaseUrl: postgres.url })
    for (let index = 0; index < 3; index++) seeded.journal.append('note' as never, { index } as never)
    const admin = new pg.Client({ connectionString: postgres.url })
    await admin.connect()
    try {
      await admin.query(`UPDATE journal_entries SET line = replace(line, '"index":1', '"index":7') WHERE incident_id = 'edited-rows' AND seq = 2`)
      expect(() => openIncident({ root: join(dir, 'reader'), id: 'edited-rows', databaseUrl: postgres.url })).toThrow('line 3 (seq 2): content does not match its hash — the entry was edited')
      await admin.query(`UPDATE journal_entries SET line = replace(line, '"index":7', '"index":1') WHERE incident_id = 'edited-rows' AND seq = 2`)
      await admin.query(`DELETE FROM journal_entries WHERE incident_id = 'edited-rows' AND seq = 3`)
      expect(() => openIncident({ root: join(dir, 'reader'), id: 'edited-rows', databaseUrl: postgres.url })).toThrow('the head records seq 3 after it — the last entry was removed')
    } finally {
      await admin.end()
    }
  })

  it('exports a folder that journal verify passes, and imports it back only while intact', async () => {
    const out = join(dir, 'cli-export')
    const exported = await runCli(['journal', 'export', 'shared-1', '--out', out, '--database-url', postgres.url])
    expect(exported.code, exported.stderr).toBe(0)
    expect(exported.stdout).toContain('exported 181 entries of incident shared-1')
    const verified = await runCli(['journal', 'verify', 'shared-1', '--incidents', out])
    expect(verified.code, verified.stderr).toBe(0)
    expect(verified.stdout).toContain('journal intact: 181 entries')

    const again = await runCli(['journal', 'import', join(out, 'shared-1')], { FIREBREAK_DATABASE_URL: postgres.url })
    expect(again.code, again.stderr).toBe(0)
    expect(again.stdout).toContain('imported incident shared-1: 0 entries added, 181 already stored')

    const tampered = join(dir, 'tampered', 'shared-1')
    cpSync(join(out, 'shared-1'), tampered, { recursive: true })
    const lines = readFileSync(join(tampered, 'journal.jsonl'), 'utf8').split('\n')
    lines[5] = (lines[5] as string).replace(/"index":\d+/, '"index":99')
    writeFileSync(join(tampered, 'journal.jsonl'), lines.join('\n'))
    const refused = await runCli(['journal', 'import', tampered, '--database-url', postgres.url])
    expect(refused.code).toBe(1)
    expect(refused.stderr).toContain('line 6 (seq 5): content does not match its hash')
    expect(verifyJournal(entriesInDatabase('shared-1').exported.dir).count).toBe(181)
  }, 60_000)

  it('refuses to import an incident id the database holds with another chain', async () => {
    const other = openIncident({ root: join(dir, 'offline'), id: 'shared-2' })
    other.journal.append('note' as never, { by: 'offline laptop' } as never)
    const refused = await runCli(['journal', 'import', other.dir, '--database-url', postgres.url])
    expect(refused.code).toBe(1)
    expect(refused.stderr.split('\n')[0]).toBe('firebreak: incident "shared-2" is already in the database with a different chain (they differ at seq 0)')
  }, 30_000)

  it('says in one line which host it could not reach, never the password', async () => {
    const result = await runCli(['journal', 'export', 'shared-1', '--out', join(dir, 'nowhere')], { FIREBREAK_DATABASE_URL: 'postgresql://firebreak:hunter2-secret@127.0.0.1:1/journal' })
    expect(result.code).toBe(1)
    expect(result.stderr.trim().split('\n')).toHaveLength(1)
    expect(result.stderr).toContain('journal database at 127.0.0.1:1:')
    expect(result.stderr).not.toContain('hunter2')
  }, 30_000)

  it('keeps one chain when firebreak contain pause-all, firebreak reimburse, firebreak restore approve and a fourth process record in one incident at once', async () => {
    const attack = await runAttack(drill.chain, drill.artifacts, drill.protocol, drill.actors)
    const responder = join(dir, 'responder')
    const approver = join(dir, 'approver')
    mkdirSync(responder, { recursive: true })
    mkdirSync(approver, { recursive: true })
    const containManifest = writeTestManifest(responder, {
      rpcUrl: drill.anvil.rpcUrl,
      contracts: [drill.protocol.vault],
      authorities: [{ name: 'guardian', type: 'eoa', address: drill.actors.guardian.address, keyEnv: 'GUARDIAN_KEY' }],
    })
    const restoreManifest = writeRestoreManifest(approver, drill, { stages: [withdrawalsStage(drill, attack)] })
    const treasurer = join(dir, 'treasurer')
    mkdirSync(treasurer, { recursive: true })
    const reimburseManifest = writeTestManifest(treasurer, {
      rpcUrl: drill.anvil.rpcUrl,
      contracts: [drill.protocol.token],
      authorities: [{ name: 'treasury', type: 'eoa', address: drill.actors.treasury.address, keyEnv: 'TREASURY_KEY' }],
    })
    const [victim] = attack.victims
    writeFileSync(join(treasurer, 'losses.csv'), `account,loss\n${victim},${10n ** 18n}\n`)
    const victimBefore = (await drill.chain.public.readContract({ ...drill.protocol.token, functionName: 'balanceOf', args: [victim] })) as bigint
    const database = { FIREBREAK_DATABASE_URL: postgres.url }
    // The same incident id from two machines' folders: the journal is the database's, one chain.
    const containing = spawnCli(['contain', 'pause-all', '--manifest', containManifest, '--incidents', join(responder, 'incidents'), '--incident', 'war-room'], { ...database, GUARDIAN_KEY: guardianKey })
    const contain = finished(containing)
    // Released once contain has opened the incident, so the scribe records while contain plans, simulates and sends.
    const opened = new Promise((resolve) => containing.stdout?.once('data', resolve))
    const scribe = runWriters('war-room', ['scribe'], 80, { intervalMs: 20, release: opened })
    // The treasurer pays from a third machine while the guardian contains.
    const reimbursing = runCli(['reimburse', join(treasurer, 'losses.csv'), '--treasury', 'treasury', '--mode', 'transfers', '--token', drill.protocol.token.name, '--manifest', reimburseManifest, '--incidents', join(treasurer, 'incidents'), '--incident', 'war-room'], { ...database, TREASURY_KEY: treasuryKey })
    const approvals: CliRun[] = []
    for (let round = 0; round < 3; round++) {
      approvals.push(await runCli(['restore', 'approve', 'withdrawals', '--as', 'governance', '--manifest', restoreManifest, '--incidents', join(approver, 'incidents'), '--incident', 'war-room'], { ...database, FIREBREAK_TEST_GOVERNANCE_KEY: governanceKey }))
    }
    const [contained, [appended], reimbursed] = await Promise.all([contain, scribe, reimbursing])

    expect(contained.code, contained.stderr).toBe(0)
    expect(reimbursed.code, reimbursed.stderr).toBe(0)
    expect((await drill.chain.public.readContract({ ...drill.protocol.token, functionName: 'balanceOf', args: [victim] })) as bigint).toBe(victimBefore + 10n ** 18n)
    for (const approval of approvals) expect(approval.code, approval.stderr).toBe(0)
    expect(appended?.code, appended?.stderr).toBe(0)
    const { exported, entries } = entriesInDatabase('war-room')
    expect(verifyJournal(exported.dir)).toMatchObject({ ok: true, verdict: 'intact', count: entries.length })
    expect(entries.map((entry) => entry.seq)).toEqual([...Array(entries.length).keys()])
    expect(entries.filter((entry) => entry.type === 'incident.opened')).toHaveLength(1)
    expect(entries.filter((entry) => entry.type === 'step.mined' && (entry.data as { planId: string }).planId === 'contain-pause-all')).toHaveLength(1)
    expect(entries.filter((entry) => entry.type === 'restore.approved')).toHaveLength(3)
    expect(entries.filter((entry) => entry.type === 'reimburse.finished').map((entry) => (entry.data as { status: string }).status)).toEqual(['reimbursed'])
    const scribed = entries.filter((entry) => (entry.data as { writer?: string }).writer === 'scribe').map((entry) => entry.seq)
    expect(scribed).toHaveLength(80)
    // The three writers' entries interleave: the scribe recorded between contain's first and last entry.
    const containSpan = [entries.find((entry) => entry.type === 'contain.started')!.seq, entries.find((entry) => entry.type === 'contain.finished')!.seq]
    expect(scribed.some((seq) => seq > containSpan[0]! && seq < containSpan[1]!)).toBe(true)
    expect(await drill.chain.public.readContract({ address: drill.protocol.vault.address, abi: drill.protocol.vault.abi, functionName: 'paused' })).toBe(true)
  }, 180_000)
})
