import { createRequire } from 'node:module'
import { MessageChannel, type MessagePort, Worker, receiveMessageOnPort } from 'node:worker_threads'

/**
 * A PostgreSQL connection that callers use synchronously. The journal's callers append and read
 * synchronously (the engine journals a step before it sends it, in straight-line code), while
 * `pg` is asynchronous: its connection lives in a worker thread and the caller blocks on
 * Atomics.wait until the worker's reply is on the port, then takes it with receiveMessageOnPort.
 *
 * Our own ~50 lines rather than synckit: synckit loads its worker from a file path, which would be
 * a .ts file under vitest and tsx and a .js file in dist/, and it picks a TypeScript loader for the
 * worker by guessing the runner. The worker here is plain CommonJS evaluated from a string, so it
 * runs the same from src/, from dist/ and in a child process started with tsx.
 */
export type PgBridgeReply = { ok: true; value: unknown } | { ok: false; message: string; code?: string }

export class PgBridgeTimeoutError extends Error {}

export class PgBridge {
  readonly #worker: Worker
  readonly #port: MessagePort
  readonly #signal = new Int32Array(new SharedArrayBuffer(4))

  constructor(workerData: { connectionString: string; migrations: { version: string; sql: string }[]; connectTimeoutMs: number }) {
    const { port1, port2 } = new MessageChannel()
    const pgPath = createRequire(import.meta.url).resolve('pg')
    this.#worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { ...workerData, pgPath, signal: this.#signal, port: port2 },
      transferList: [port2],
    })
    // A command that is done must exit: the open connection is no reason to keep the process alive.
    this.#worker.unref()
    port1.unref()
    this.#port = port1
  }

  /** Runs `op` in the worker and waits at most `timeoutMs` for its reply. */
  call(op: string, args: unknown, timeoutMs: number): PgBridgeReply {
    Atomics.store(this.#signal, 0, 0)
    this.#worker.postMessage({ op, args })
    if (Atomics.wait(this.#signal, 0, 0, timeoutMs) === 'timed-out') {
      throw new PgBridgeTimeoutError(`no answer within ${Math.round(timeoutMs / 1000)} s`)
    }
    const received = receiveMessageOnPort(this.#port)
    if (received === undefined) return { ok: false, message: 'the database worker stopped without an answer' }
    return received.message as PgBridgeReply
  }

  terminate(): void {
    void this.#worker.terminate()
  }
}

// Plain CommonJS: it runs in the worker as it is, without a TypeScript loader.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads')
const { Client } = require(workerData.pgPath)
const { port, signal } = workerData
let client

function reply(message) {
  port.postMessage(message)
  Atomics.store(signal, 0, 1)
  Atomics.notify(signal, 0)
}

const MIGRATIONS_LOCK = 1717170017

async function migrate() {
  // Several firebreak processes may connect to a fresh database at once: one applies, the others wait.
  await client.query('SELECT pg_advisory_lock($1)', [MIGRATIONS_LOCK])
  try {
    await client.query('CREATE TABLE IF NOT EXISTS schema_migrations (version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())')
    const applied = new Set((await client.query('SELECT version FROM schema_migrations')).rows.map((row) => row.version))
    for (const migration of workerData.migrations) {
      if (applied.has(migration.version)) continue
      await client.query('BEGIN')
      try {
        await client.query(migration.sql)
        await client.query('INSERT INTO schema_migrations (version) VALUES ($1)', [migration.version])
        await client.query('COMMIT')
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {})
        throw error
      }
    }
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATIONS_LOCK])
  }
}

function headOf(rows) {
  return rows[0] === undefined ? undefined : { seq: rows[0].head_seq, hash: rows[0].head_hash }
}

async function rollback() {
  await client.query('ROLLBACK').catch(() => {})
}

const ops = {
  async connect() {
    client = new Client({ connectionString: workerData.connectionString, connectionTimeoutMillis: workerData.connectTimeoutMs })
    // A dropped connection is reported by the next query; unhandled here it would kill the worker.
    client.on('error', () => {})
    await client.connect()
    await migrate()
    return null
  },
  // One snapshot, so the head read is the head of the entries read.
  async read({ incident, afterSeq }) {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY')
    try {
      const head = await client.query('SELECT head_seq, head_hash FROM incidents WHERE id = $1', [incident])
      const rows = await client.query('SELECT line FROM journal_entries WHERE incident_id = $1 AND seq > $2 ORDER BY seq', [incident, afterSeq])
      await client.query('COMMIT')
      return { head: headOf(head.rows), lines: rows.rows.map((row) => row.line) }
    } catch (error) {
      await rollback()
      throw error
    }
  },
  // Opens the transaction an append (or an import) commits: the incident's row stays locked until then.
  async begin({ incident, afterSeq }) {
    await client.query('BEGIN')
    try {
      await client.query('INSERT INTO incidents (id) VALUES ($1) ON CONFLICT (id) DO NOTHING', [incident])
      const head = await client.query('SELECT head_seq, head_hash FROM incidents WHERE id = $1 FOR UPDATE', [incident])
      const rows = await client.query('SELECT line FROM journal_entries WHERE incident_id = $1 AND seq > $2 ORDER BY seq', [incident, afterSeq])
      return { head: headOf(head.rows), lines: rows.rows.map((row) => row.line) }
    } catch (error) {
      await rollback()
      throw error
    }
  },
  async commit({ incident, entries }) {
    try {
      for (const entry of entries) {
        await client.query('INSERT INTO journal_entries (incident_id, seq, type, prev, hash, line) VALUES ($1, $2, $3, $4, $5, $6)', [incident, entry.seq, entry.type, entry.prev, entry.hash, entry.line])
      }
      const last = entries[entries.length - 1]
      if (last !== undefined) await client.query('UPDATE incidents SET head_seq = $2, head_hash = $3, updated_at = now() WHERE id = $1', [incident, last.seq, last.hash])
      await client.query('COMMIT')
      return null
    } catch (error) {
      await rollback()
      throw error
    }
  },
  async rollback() {
    await rollback()
    return null
  },
  async latestIncident() {
    const rows = await client.query('SELECT id FROM incidents WHERE head_seq >= 0 ORDER BY id DESC LIMIT 1')
    return rows.rows[0] === undefined ? null : rows.rows[0].id
  },
  async end() {
    await client.end()
    return null
  },
}

parentPort.on('message', ({ op, args }) => {
  Promise.resolve()
    .then(() => ops[op](args))
    .then(
      (value) => reply({ ok: true, value }),
      (error) => reply({ ok: false, message: String((error && error.message) || error), code: error && error.code }),
    )
})
`
