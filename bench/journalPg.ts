/**
 * The incident journal shared in PostgreSQL against the folder's journal.jsonl, in the same run:
 *  - PostgreSQL: WRITERS firebreak-like processes (test/fixtures/pgWriter.ts, the library's
 *    openIncident with a database URL) append ENTRIES entries in all to one incident at once, each
 *    append one transaction that locks the incident, takes in the others' entries and chains its own;
 *  - file: one process appends ENTRIES entries to an incident folder's journal (fsync per append),
 *    the only way the file journal can be written (a second writer is refused).
 * Both are durable per append: the benchmark's server keeps fsync and synchronous_commit on, as a
 * war room's would. It prints entries per second both ways and verifies both chains afterwards
 * (the database's through its exported folder), failing when either is not intact.
 * Run: npm run bench:journal-pg   (WRITERS=10 ENTRIES=10000 by default)
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { exportJournal } from '../src/journal/exportJournal.js'
import { openIncident } from '../src/journal/incident.js'
import { verifyJournal } from '../src/journal/journal.js'
import { packageRoot } from '../src/packageRoot.js'
import { startPostgres } from '../test/fixtures/postgres.js'

const WRITERS = Number(process.env.WRITERS ?? 10)
const ENTRIES = Number(process.env.ENTRIES ?? 10_000)

const dir = mkdtempSync(join(tmpdir(), 'firebreak-bench-journal-pg-'))
const postgres = await startPostgres({ durable: true })
try {
  const shared = await sharedJournal(postgres.url)
  const file = fileJournal()
  const perSecond = (count: number, ms: number) => Math.round((count / ms) * 1000)
  console.log(`journal appends, ${ENTRIES} entries (durable per append: fsync / COMMIT), ${process.platform} ${process.arch}, node ${process.version}`)
  console.log(`  PostgreSQL, ${WRITERS} processes at once: ${shared.count} entries in ${shared.ms.toFixed(0)} ms = ${perSecond(shared.count, shared.ms)} entries/s; chain ${shared.verdict} (${shared.verified} entries, seq 0..${shared.verified - 1})`)
  console.log(`  file journal, 1 process:          ${file.count} entries in ${file.ms.toFixed(0)} ms = ${perSecond(file.count, file.ms)} entries/s; chain ${file.verdict} (${file.verified} entries)`)
  console.log(`  ratio PostgreSQL/file: ${(perSecond(shared.count, shared.ms) / perSecond(file.count, file.ms)).toFixed(2)}`)
  if (shared.verdict !== 'intact' || file.verdict !== 'intact') process.exitCode = 1
} finally {
  postgres.stop()
  rmSync(dir, { recursive: true, force: true })
}

/** Starts the writers, lets them go at once once each has opened the incident, and times them to the last one's end. */
async function sharedJournal(databaseUrl: string) {
  const incident = 'bench-shared'
  // The incident exists before the writers start: opening it is not part of the appends measured.
  openIncident({ root: join(dir, 'opener'), id: incident, databaseUrl })
  const perWriter = Math.ceil(ENTRIES / WRITERS)
  const children = Array.from({ length: WRITERS }, (_, index) =>
    spawn(process.execPath, ['--import', 'tsx', join(packageRoot, 'test', 'fixtures', 'pgWriter.ts'), databaseUrl, join(dir, `machine-${index}`), incident, `writer-${index}`, String(perWriter)], {
      cwd: packageRoot,
      env: { ...process.env, PG_WRITER_WAIT_FOR_START: '1' },
      stdio: ['pipe', 'pipe', 'inherit'],
    }),
  )
  await Promise.all(children.map((child) => new Promise((resolve) => child.stdout.once('data', resolve))))
  const exits = children.map((child) => new Promise<number | null>((resolve) => child.on('close', resolve)))
  const started = performance.now()
  for (const child of children) child.stdin.end('go\n')
  const codes = await Promise.all(exits)
  const ms = performance.now() - started
  if (codes.some((code) => code !== 0)) throw new Error(`a writer failed: exit codes ${codes.join(', ')}`)
  const exported = exportJournal({ databaseUrl, incident, out: join(dir, 'exported') })
  const verified = verifyJournal(exported.dir)
  return { count: perWriter * WRITERS, ms, verdict: verified.verdict, verified: verified.count }
}

function fileJournal() {
  const incident = openIncident({ root: join(dir, 'file'), id: 'bench-file' })
  const started = performance.now()
  for (let index = 0; index < ENTRIES; index++) incident.journal.append('note' as never, { writer: 'writer-0', index } as never)
  const ms = performance.now() - started
  const verified = verifyJournal(incident.dir)
  return { count: ENTRIES, ms, verdict: verified.verdict, verified: verified.count }
}
