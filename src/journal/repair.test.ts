import { createHash } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { Hash } from 'viem'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { JournalEntries } from './entries.js'
import { openIncident } from './incident.js'
import { HEAD_FILE, JOURNAL_FILE, Journal, JournalCorruptError, verifyJournal } from './journal.js'
import { writtenHeads } from './writtenHeads.js'

let root: string
let clock: number
const now = () => new Date(Date.UTC(2025, 2, 14, 9, 15, clock++))

beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'firebreak-repair-'))
  clock = 0
})

afterEach(() => {
  fs.rmSync(root, { recursive: true, force: true })
})

function sent(step: number): JournalEntries['step.sent'] {
  const txHash: Hash = `0x${String(step).padStart(64, '0')}`
  return { planId: 'contain-pause-all', stepId: `pause-${step}`, txHash, executor: 'key guardian', calls: [] }
}

/** An incident `id` with incident.opened and `steps` step.sent entries. */
function writeIncident(id: string, steps: number): string {
  const { dir, journal } = openIncident({ root, id, title: 'vault drain', now })
  for (let step = 0; step < steps; step++) journal.append('step.sent', sent(step))
  return dir
}

/** What a crash in the middle of the next append leaves: the start of its line, and the head before it. */
function tearNextAppend(dir: string, keep: number): string {
  const journalPath = path.join(dir, JOURNAL_FILE)
  const head = fs.readFileSync(path.join(dir, HEAD_FILE))
  const journal = Journal.open(dir, { now })
  const before = fs.statSync(journalPath).size
  journal.append('step.sent', sent(99))
  const written = fs.readFileSync(journalPath).subarray(before)
  fs.truncateSync(journalPath, before + keep)
  fs.writeFileSync(path.join(dir, HEAD_FILE), head)
  return written.subarray(0, keep).toString('utf8')
}

describe('a torn last line', () => {
  it('verifies as interrupted, not tampered, then a rerun cuts it off, journals the repair and goes on', () => {
    const dir = writeIncident('torn', 2)
    const torn = tearNextAppend(dir, 50)

    const before = verifyJournal(dir)
    expect(before.verdict).toBe('interrupted')
    expect(before.problems.map(({ line, seq, kind }) => ({ line, seq, kind }))).toEqual([{ line: 4, seq: 3, kind: 'torn' }])

    const { journal } = openIncident({ root, id: 'torn', now })
    const resumed = journal.append('step.sent', sent(2))

    expect(journal.entries().map(({ seq, type }) => `${seq}:${type}`)).toEqual(['0:incident.opened', '1:step.sent', '2:step.sent', '3:journal.repaired', '4:step.sent'])
    expect(journal.last('journal.repaired')?.data).toEqual({
      problem: 'torn-last-line',
      line: 4,
      seq: 3,
      bytes: 50,
      sha256: `0x${createHash('sha256').update(torn).digest('hex')}`,
      text: torn,
      confirmedByHead: false,
    })
    expect(resumed.seq).toBe(4)
    expect(verifyJournal(dir)).toEqual({ ok: true, verdict: 'intact', count: 5, problems: [] })
  })

  it('is repaired the same when the head had recorded the torn entry (a drive that acknowledged an fsync it had not done)', () => {
    const dir = writeIncident('cached', 2)
    const journalPath = path.join(dir, JOURNAL_FILE)
    fs.truncateSync(journalPath, fs.statSync(journalPath).size - 30)

    expect(verifyJournal(dir).verdict).toBe('interrupted')
    const { journal } = openIncident({ root, id: 'cached', now })

    expect(journal.entries().map(({ seq, type }) => `${seq}:${type}`)).toEqual(['0:incident.opened', '1:step.sent', '2:journal.repaired'])
    expect(journal.last('journal.repaired')?.data).toMatchObject({ problem: 'torn-last-line', seq: 2, confirmedByHead: true })
    expect(verifyJournal(dir).verdict).toBe('intact')
  })

  it('torn in the very first entry: the incident is opened again, then the repair is journaled', () => {
    const dir = path.join(root, 'first')
    fs.mkdirSync(dir)
    fs.writeFileSync(path.join(dir, JOURNAL_FILE), '{"seq":0,"time":"2025-03-14T09:1')

    expect(verifyJournal(dir).verdict).toBe('interrupted')
    const { journal } = openIncident({ root, id: 'first', now })

    expect(journal.entries().map(({ seq, type }) => `${seq}:${type}`)).toEqual(['0:incident.opened', '1:journal.repaired'])
    expect(verifyJournal(dir).verdict).toBe('intact')
  })

  it('is refused, not repaired, by a reader that does not write (Journal.open without repair)', () => {
    const dir = writeIncident('reader', 1)
    tearNextAppend(dir, 20)

    expect(() => Journal.open(dir)).toThrow(JournalCorruptError)
    expect(() => Journal.open(dir)).toThrow(/line 3 \(seq 2\): torn last line/)
  })
})

describe('an entry beyond the head', () => {
  it('one, at the end, is confirmed by a rerun and the confirmation journaled', () => {
    const dir = writeIncident('unconfirmed', 2)
    const head = fs.readFileSync(path.join(dir, HEAD_FILE))
    Journal.open(dir, { now }).append('step.sent', sent(2))
    fs.writeFileSync(path.join(dir, HEAD_FILE), head)
    const beyond = verifyJournal(dir)
    expect(beyond.verdict).toBe('interrupted')
    expect(beyond.problems.map(({ kind }) => kind)).toEqual(['unconfirmed'])

    const { journal } = openIncident({ root, id: 'unconfirmed', now })

    expect(journal.last('journal.repaired')?.data).toEqual({ problem: 'entry-beyond-head', line: 4, seq: 3, hash: journal.entries()[3]?.hash, headSeq: 2 })
    expect(verifyJournal(dir).verdict).toBe('intact')
  })

  it('two are tampering: verify says so and a rerun refuses the journal', () => {
    const dir = writeIncident('appended', 1)
    const head = fs.readFileSync(path.join(dir, HEAD_FILE))
    const journal = Journal.open(dir, { now })
    journal.append('step.sent', sent(1))
    journal.append('step.sent', sent(2))
    fs.writeFileSync(path.join(dir, HEAD_FILE), head)

    expect(verifyJournal(dir).problems.map(({ kind, message }) => ({ kind, message }))).toEqual([
      { kind: 'appended', message: 'line 3 (seq 2): 2 entries (seq 2–3) are beyond journal.head (seq 1) — a crash leaves at most one: entries were appended by hand' },
    ])
    expect(() => openIncident({ root, id: 'appended', now })).toThrow(JournalCorruptError)
  })
})

describe('another incident\'s journal', () => {
  it('copied into this incident\'s folder is named by the incident it was opened for', () => {
    const theirs = writeIncident('20250314-091500-other', 1)
    const ours = path.join(root, '20250314-100000-ours')
    fs.mkdirSync(ours)
    for (const file of [JOURNAL_FILE, HEAD_FILE]) fs.copyFileSync(path.join(theirs, file), path.join(ours, file))

    const result = verifyJournal(ours)

    expect(result.verdict).toBe('tampered')
    expect(result.problems.map(({ kind, message }) => ({ kind, message }))).toEqual([
      {
        kind: 'foreign',
        message:
          'line 1 (seq 0): the journal was opened for incident "20250314-091500-other" but sits in the folder of incident "20250314-100000-ours" — another incident\'s journal was copied here (or the folder was renamed: name it "20250314-091500-other" again)',
      },
    ])
    expect(() => openIncident({ root, id: '20250314-100000-ours', now })).toThrow(JournalCorruptError)
  })
})

describe('an anchor', () => {
  it('is found in a journal that extends it, with the entries written since', () => {
    const dir = writeIncident('anchored', 2)
    const anchor = Journal.open(dir).head()?.hash as Hash
    openIncident({ root, id: 'anchored', now }).journal.append('step.sent', sent(2))

    expect(verifyJournal(dir, { anchor }).anchor).toEqual({ hash: anchor, seq: 2, line: 3, entriesAfter: 1 })
  })

  it('is missing from a journal whose tail was cut and head rewritten, which the chain alone accepts', () => {
    const dir = writeIncident('cut', 3)
    const anchor = Journal.open(dir).head()?.hash as Hash
    const lines = fs.readFileSync(path.join(dir, JOURNAL_FILE), 'utf8').trim().split('\n').slice(0, 3)
    fs.writeFileSync(path.join(dir, JOURNAL_FILE), `${lines.join('\n')}\n`)
    const last = JSON.parse(lines[2] as string) as { seq: number; hash: Hash }
    fs.writeFileSync(path.join(dir, HEAD_FILE), `${JSON.stringify({ seq: last.seq, hash: last.hash })}\n`)

    expect(verifyJournal(dir).verdict).toBe('intact')
    const result = verifyJournal(dir, { anchor })
    expect(result.verdict).toBe('tampered')
    expect(result.problems).toEqual([
      { line: 0, kind: 'anchor', message: `anchor ${anchor} is not in the journal — the entries up to it were removed or rewritten since the anchor was taken` },
    ])
  })

  it('is missing from a consistent rewrite of the whole chain', () => {
    const dir = writeIncident('rewritten', 2)
    const anchor = Journal.open(dir).head()?.hash as Hash
    fs.rmSync(dir, { recursive: true })
    clock = 100
    writeIncident('rewritten', 2)

    expect(verifyJournal(dir).verdict).toBe('intact')
    expect(verifyJournal(dir, { anchor }).problems.map(({ kind }) => kind)).toEqual(['anchor'])
  })
})

describe('the heads written by this process', () => {
  it('records each journal appended to, with its incident and last hash', () => {
    const dir = writeIncident('printed', 1)
    const head = Journal.open(dir).head()

    expect(writtenHeads().find((written) => written.dir === dir)).toEqual({ ...head, incident: 'printed', dir })
  })
})
