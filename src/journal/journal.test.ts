import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { Address, Hash } from 'viem'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { JournalEntries } from './entries.js'
import { GENESIS, SecretInJournalError, hashEntry, toJsonValue } from './hashChain.js'
import {
  HEAD_FILE,
  JOURNAL_FILE,
  Journal,
  JournalConflictError,
  JournalCorruptError,
  JournalNotFoundError,
  readJournal,
  verifyJournal,
} from './journal.js'

let dir: string
let journalPath: string
let clock: number

const now = () => new Date(Date.UTC(2025, 2, 14, 9, 15, clock++))

beforeEach(() => {
  dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'firebreak-journal-')), 'incident')
  journalPath = path.join(dir, JOURNAL_FILE)
  clock = 0
})

afterEach(() => {
  fs.rmSync(path.dirname(dir), { recursive: true, force: true })
})

const guardian: Address = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8'

/** `step.sent` for the step `pause-<step>`, as the engine journals it. */
function sent(step: number | string): JournalEntries['step.sent'] {
  const txHash: Hash = `0x${String(step).padStart(64, '0')}`
  return { planId: 'contain-pause-all', stepId: `pause-${step}`, txHash, executor: `key guardian ${guardian}`, calls: [] }
}

/** A journal on disk with `count` entries `step.sent`, for the steps pause-0, pause-1… */
function writeJournal(count: number): Journal {
  const journal = Journal.open(dir, { now })
  for (let step = 0; step < count; step++) journal.append('step.sent', sent(step))
  return journal
}

function fileLines(): string[] {
  return fs.readFileSync(journalPath, 'utf8').trimEnd().split('\n')
}

function writeLines(lines: string[]): void {
  fs.writeFileSync(journalPath, `${lines.join('\n')}\n`)
}

function headOnDisk(): unknown {
  return JSON.parse(fs.readFileSync(path.join(dir, HEAD_FILE), 'utf8'))
}

describe('Journal.append', () => {
  it('writes one JSON line per entry, chained from the genesis hash', () => {
    const journal = writeJournal(2)

    const [first, second] = fileLines().map((line) => JSON.parse(line))
    expect(first).toEqual({
      seq: 0,
      time: '2025-03-14T09:15:00.000Z',
      type: 'step.sent',
      data: toJsonValue(sent(0)),
      prev: GENESIS,
      hash: hashEntry({ seq: 0, time: '2025-03-14T09:15:00.000Z', type: 'step.sent', data: toJsonValue(sent(0)), prev: GENESIS }),
    })
    expect(second.prev).toBe(first.hash)
    expect(journal.entries().map((entry) => entry.hash)).toEqual([first.hash, second.hash])
  })

  it('records the last entry in the head file', () => {
    const journal = writeJournal(3)

    expect(headOnDisk()).toEqual({ seq: 2, hash: journal.last()?.hash })
    expect(fs.readdirSync(dir).sort()).toEqual([HEAD_FILE, JOURNAL_FILE])
  })

  it('round-trips a bigint as a decimal string', () => {
    const loss = { account: guardian, before: 10n ** 30n + 1n, after: 0n, loss: 10n ** 30n + 1n }
    writeJournal(0).append('losses.computed', { method: 'by hand', losses: [loss], total: loss.loss, excluded: [] })

    const reopened = Journal.open(dir)

    expect(reopened.last('losses.computed')?.data.losses).toEqual([{ account: guardian, before: '1000000000000000000000000000001', after: '0', loss: '1000000000000000000000000000001' }])
    expect(verifyJournal(dir).ok).toBe(true)
  })

  it('refuses to journal a private key, and writes nothing', () => {
    const journal = writeJournal(1)
    // An authority object that still carries its key, journaled with the plan it signs.
    const authority = { kind: 'key' as const, address: guardian, label: 'guardian', privateKey: `0x${'ab'.repeat(32)}` }
    const step = { stepId: 'pause-vault', title: 'pause vault', authority, calls: [], decoded: 'vault.pause()', postconditions: [] }

    expect(() => journal.append('plan.built', { planId: 'contain-pause-all', phase: 'contain', title: 'pause', steps: [step] })).toThrow(SecretInJournalError)
    expect(fileLines()).toHaveLength(1)
    expect(journal.entries()).toHaveLength(1)
  })

  it('hands out entries that cannot be changed in memory', () => {
    const entry = writeJournal(0).append('plan.done', { planId: 'contain-pause-all' })

    expect(() => {
      ;(entry.data as { planId: string }).planId = 'another-plan'
    }).toThrow(TypeError)
  })

  it('refuses to append when another process wrote to the journal since it was opened', () => {
    const ours = writeJournal(1)
    Journal.open(dir).append('step.sent', sent('theirs'))

    expect(() => ours.append('step.sent', sent('ours'))).toThrow(JournalConflictError)
    expect(fileLines()).toHaveLength(2)
  })

  it('continues a journal whose final newline was removed by hand', () => {
    writeJournal(2)
    fs.writeFileSync(journalPath, fs.readFileSync(journalPath, 'utf8').trimEnd())

    Journal.open(dir).append('step.sent', sent(2))

    expect(verifyJournal(dir)).toMatchObject({ ok: true, count: 3 })
  })
})

describe('Journal queries', () => {
  it('finds the last entry of a type and filters by type', () => {
    const journal = Journal.open(dir, { now })
    journal.append('step.sent', sent(0))
    journal.append('plan.done', { planId: 'contain-pause-all' })
    journal.append('step.sent', sent(1))

    expect(journal.last()?.seq).toBe(2)
    expect(journal.last('plan.done')?.data).toEqual({ planId: 'contain-pause-all' })
    expect(journal.last('plan.approved')).toBeUndefined()
    expect(journal.filter('step.sent').map((entry) => entry.data.stepId)).toEqual(['pause-0', 'pause-1'])
    expect(journal.head()).toEqual({ seq: 2, hash: journal.last()?.hash })
  })
})

describe('Journal.open', () => {
  it('creates the folder and starts an empty journal', () => {
    const journal = Journal.open(dir)

    expect(fs.statSync(dir).isDirectory()).toBe(true)
    expect(journal.entries()).toEqual([])
    expect(journal.path).toBe(journalPath)
  })

  it('reopens a journal and continues the chain', () => {
    const before = writeJournal(2)

    const entry = Journal.open(dir, { now }).append('step.sent', sent(2))

    expect(entry.seq).toBe(2)
    expect(entry.prev).toBe(before.last()?.hash)
    expect(verifyJournal(dir)).toEqual({ ok: true, verdict: 'intact', count: 3, problems: [] })
  })

  it('refuses a journal with an edited entry, naming the file and line', () => {
    writeJournal(3)
    const lines = fileLines()
    lines[1] = (lines[1] as string).replace('"stepId":"pause-1"', '"stepId":"pause-7"')
    writeLines(lines)

    expect(() => Journal.open(dir)).toThrow(JournalCorruptError)
    expect(() => Journal.open(dir)).toThrow(
      `${journalPath}: line 2 (seq 1): content does not match its hash — the entry was edited`,
    )
  })

  it('lists every problem on the error for the verbose view', () => {
    writeJournal(4)
    const lines = fileLines()
    writeLines([lines[0] as string, lines[2] as string, 'garbage'])

    try {
      Journal.open(dir)
      expect.unreachable('a broken journal must not open')
    } catch (error) {
      const corrupt = error as JournalCorruptError
      expect(corrupt.problems.map(({ line, kind }) => `${line}:${kind}`)).toEqual(['2:removed', '2:truncated', '3:malformed'])
      expect(corrupt.shortMessage).toBe(`${journalPath}: line 2 (seq 2): seq 1 is missing before it — the entry was removed`)
      expect(corrupt.metaMessages.slice(0, 2)).toEqual([
        'line 2 (seq 2): the head records seq 3 after it — the last entry was removed',
        'line 3: the line is not valid JSON',
      ])
    }
  })

  it('refuses to start over when journal.jsonl was deleted but its head remains', () => {
    writeJournal(2)
    fs.rmSync(journalPath)

    expect(() => Journal.open(dir)).toThrow(
      `${journalPath}: journal.head exists but journal.jsonl is missing — the journal was deleted`,
    )
  })
})

describe('verifyJournal', () => {
  it('detects the last entry removed, thanks to the head file', () => {
    writeJournal(4)
    writeLines(fileLines().slice(0, 3))

    expect(verifyJournal(dir).problems).toEqual([
      { line: 3, seq: 3, kind: 'truncated', message: 'line 3 (seq 2): the head records seq 3 after it — the last entry was removed' },
    ])
  })

  it('detects two swapped entries', () => {
    writeJournal(4)
    const [a, b, c, d] = fileLines() as [string, string, string, string]
    writeLines([a, c, b, d])

    expect(verifyJournal(dir).problems.map(({ line, seq, kind }) => ({ line, seq, kind }))).toEqual([
      { line: 3, seq: 1, kind: 'reordered' },
    ])
  })

  it('reports a malformed line by number instead of crashing', () => {
    writeJournal(3)
    const lines = fileLines()
    lines[1] = '{"seq": 1, oops'
    writeLines(lines)

    expect(verifyJournal(dir)).toEqual({
      ok: false,
      verdict: 'tampered',
      count: 2,
      problems: [{ line: 2, seq: 1, kind: 'malformed', message: 'line 2 (seq 1): the line is not valid JSON' }],
    })
  })

  it('reports the last line cut short by a crash as torn, not tampered', () => {
    writeJournal(3)
    const content = fs.readFileSync(journalPath, 'utf8')
    fs.writeFileSync(journalPath, content.slice(0, content.length - 40))

    const result = verifyJournal(dir)

    expect(result.verdict).toBe('interrupted')
    expect(result.problems.map(({ line, seq, kind }) => ({ line, seq, kind }))).toEqual([{ line: 3, seq: 2, kind: 'torn' }])
  })

  it('reports a missing head file as possible truncation', () => {
    writeJournal(3)
    fs.rmSync(path.join(dir, HEAD_FILE))

    expect(verifyJournal(dir).problems).toEqual([
      {
        line: 3,
        kind: 'truncated',
        message: 'journal.head is missing — entries removed from the end of the journal could not be detected',
      },
    ])
  })

  it('accepts a single entry without a head, as a crash before the first head write leaves it', () => {
    writeJournal(1)
    fs.rmSync(path.join(dir, HEAD_FILE))

    expect(verifyJournal(dir).ok).toBe(true)
  })

  it('reports a damaged head file', () => {
    writeJournal(2)
    fs.writeFileSync(path.join(dir, HEAD_FILE), '{"seq":')

    expect(verifyJournal(dir).problems).toEqual([
      { line: 0, kind: 'malformed', message: 'journal.head is not {"seq", "hash"} JSON — the head file was edited or damaged' },
    ])
  })

  it('names the path it looked for when there is no journal', () => {
    fs.mkdirSync(dir)

    expect(() => verifyJournal(dir)).toThrow(JournalNotFoundError)
    expect(() => verifyJournal(dir)).toThrow(`no incident journal at ${journalPath}`)
  })
})

describe('readJournal', () => {
  it('numbers lines as an editor shows them, blank lines included', () => {
    writeJournal(2)
    const [first, second] = fileLines() as [string, string]
    writeLines([first, '', second])

    const { lines, entries, head } = readJournal(dir)

    expect(lines.map((line) => ('entry' in line ? `${line.line}:seq ${line.entry.seq}` : `${line.line}:${line.malformed}`))).toEqual([
      '1:seq 0',
      '2:the line is empty',
      '3:seq 1',
    ])
    expect(entries.map((entry) => entry.seq)).toEqual([0, 1])
    expect(head?.seq).toBe(1)
  })
})
