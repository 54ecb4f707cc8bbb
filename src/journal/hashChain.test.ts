import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { FirebreakError } from '../errors.js'
import {
  GENESIS,
  type JournalEntry,
  type JsonValue,
  SecretInJournalError,
  hashEntry,
  parseJournalHead,
  parseJournalLine,
  toJsonValue,
  verifyChain,
} from './hashChain.js'

/** A valid chain of `count` entries, seq 0…count-1, as the journal would write it. */
function buildChain(count: number): JournalEntry[] {
  const entries: JournalEntry[] = []
  for (let seq = 0; seq < count; seq++) {
    const unhashed = {
      seq,
      time: `2025-03-14T09:15:${String(seq).padStart(2, '0')}.000Z`,
      type: 'step.sent',
      data: { step: seq, txHash: `0x${String(seq).repeat(64).slice(0, 64)}` },
      prev: entries.at(-1)?.hash ?? GENESIS,
    }
    entries.push({ ...unhashed, hash: hashEntry(unhashed) })
  }
  return entries
}

function rehash(entry: JournalEntry): JournalEntry {
  return { ...entry, hash: hashEntry(entry) }
}

function headOf(entries: JournalEntry[]) {
  const last = entries.at(-1) as JournalEntry
  return { seq: last.seq, hash: last.hash }
}

describe('hashEntry', () => {
  it('hashes the sha256 of the entry as JSON with keys sorted at every depth', () => {
    const entry = { seq: 0, time: '2025-03-14T09:15:02.000Z', type: 'incident.opened', data: { z: 1, a: { y: true, b: null } }, prev: GENESIS }
    const canonical = `{"data":{"a":{"b":null,"y":true},"z":1},"prev":"${GENESIS}","seq":0,"time":"2025-03-14T09:15:02.000Z","type":"incident.opened"}`

    expect(hashEntry(entry)).toBe(`0x${createHash('sha256').update(canonical).digest('hex')}`)
  })

  it('gives the same hash whatever order the data keys were written in', () => {
    const base = { seq: 3, time: '2025-03-14T09:15:02.000Z', type: 'check.passed', prev: GENESIS }

    expect(hashEntry({ ...base, data: { paused: true, block: 19_000_000 } })).toBe(
      hashEntry({ ...base, data: { block: 19_000_000, paused: true } }),
    )
  })

  it('ignores a hash field passed along with the entry', () => {
    const [entry] = buildChain(1) as [JournalEntry]

    expect(hashEntry({ ...entry, hash: GENESIS } as JournalEntry)).toBe(entry.hash)
  })
})

describe('verifyChain', () => {
  it('accepts an untouched chain and counts its entries', () => {
    const entries = buildChain(5)

    expect(verifyChain(entries, headOf(entries))).toEqual({ ok: true, verdict: 'intact', count: 5, problems: [] })
  })

  it('detects an entry whose data was edited', () => {
    const entries = buildChain(5)
    entries[2] = { ...(entries[2] as JournalEntry), data: { step: 2, txHash: '0xattacker' } }

    const { ok, problems } = verifyChain(entries, headOf(entries))

    expect(ok).toBe(false)
    expect(problems).toEqual([
      { line: 3, seq: 2, kind: 'edited', message: 'line 3 (seq 2): content does not match its hash — the entry was edited' },
    ])
  })

  it('detects an entry edited and re-hashed, at the link to the entry after it', () => {
    const entries = buildChain(5)
    entries[2] = rehash({ ...(entries[2] as JournalEntry), data: { step: 2, txHash: '0xattacker' } })

    expect(verifyChain(entries).problems).toEqual([
      { line: 4, seq: 3, kind: 'edited', message: 'line 4 (seq 3): prev does not match the hash of seq 2 on line 3 — one of them was rewritten' },
    ])
  })

  it('detects a first entry that does not start from the genesis hash', () => {
    const entries = buildChain(2)
    entries[0] = rehash({ ...(entries[0] as JournalEntry), prev: `0x${'11'.repeat(32)}` })

    const kinds = verifyChain(entries).problems.map(({ line, kind }) => ({ line, kind }))

    expect(kinds).toEqual([
      { line: 1, kind: 'edited' },
      { line: 2, kind: 'edited' },
    ])
  })

  it('detects a removed entry in the middle', () => {
    const entries = buildChain(5)
    entries.splice(2, 1)

    expect(verifyChain(entries, headOf(entries)).problems).toEqual([
      { line: 3, seq: 2, kind: 'removed', message: 'line 3 (seq 3): seq 2 is missing before it — the entry was removed' },
    ])
  })

  it('reports consecutive removed entries as one problem', () => {
    const entries = buildChain(6)
    entries.splice(1, 3)

    expect(verifyChain(entries).problems).toEqual([
      { line: 2, seq: 1, kind: 'removed', message: 'line 2 (seq 4): seq 1–3 are missing before it — 3 entries were removed' },
    ])
  })

  it('detects two swapped entries', () => {
    const entries = buildChain(5)
    const [second, third] = [entries[2] as JournalEntry, entries[3] as JournalEntry]
    entries[2] = third
    entries[3] = second

    expect(verifyChain(entries, headOf(buildChain(5))).problems).toEqual([
      { line: 4, seq: 2, kind: 'reordered', message: 'line 4 (seq 2): comes after seq 3 on line 3 — entries are out of order' },
    ])
  })

  it('detects a duplicated entry', () => {
    const entries = buildChain(3)
    entries.splice(2, 0, entries[1] as JournalEntry)

    expect(verifyChain(entries).problems).toEqual([
      { line: 3, seq: 1, kind: 'reordered', message: 'line 3 (seq 1): seq 1 already appears on line 2 — the entry was duplicated' },
    ])
  })

  it('detects the last entry removed, thanks to the head', () => {
    const entries = buildChain(5)
    const head = headOf(entries)
    entries.pop()

    expect(verifyChain(entries, head).problems).toEqual([
      { line: 4, seq: 4, kind: 'truncated', message: 'line 4 (seq 3): the head records seq 4 after it — the last entry was removed' },
    ])
  })

  it('cannot see a removed last entry without the head', () => {
    const entries = buildChain(5)
    entries.pop()

    expect(verifyChain(entries).ok).toBe(true)
  })

  it('detects every entry removed when the head records some', () => {
    expect(verifyChain([], { seq: 2, hash: GENESIS }).problems).toEqual([
      { line: 1, seq: 0, kind: 'truncated', message: 'line 1: the journal has no entries but the head records seq 2 — all 3 entries were removed' },
    ])
  })

  it('detects a tail replaced by other entries, as a head hash that differs', () => {
    const entries = buildChain(5)
    const head = headOf(entries)
    entries[4] = rehash({ ...(entries[4] as JournalEntry), data: 'nothing happened' })

    expect(verifyChain(entries, head).problems).toEqual([
      { line: 5, seq: 4, kind: 'edited', message: 'line 5 (seq 4): hash differs from the one recorded in the head — the entry was rewritten' },
    ])
  })

  it('tells a last entry the head does not confirm (a crash between the entry and the head write) from tampering', () => {
    const entries = buildChain(5)

    expect(verifyChain(entries, headOf(entries.slice(0, 4)))).toEqual({
      ok: false,
      verdict: 'interrupted',
      count: 5,
      problems: [
        {
          line: 5,
          seq: 4,
          kind: 'unconfirmed',
          message:
            'line 5 (seq 4): last entry not confirmed by journal.head (seq 3) — a crash between writing the entry and its head, or an entry added by hand; the next command on this incident confirms it and journals that',
        },
      ],
    })
  })

  it('calls two entries beyond the head appended by hand: a crash leaves at most one', () => {
    const entries = buildChain(5)

    const { verdict, problems } = verifyChain(entries, headOf(entries.slice(0, 3)))

    expect(verdict).toBe('tampered')
    expect(problems).toEqual([
      {
        line: 4,
        seq: 3,
        kind: 'appended',
        message: 'line 4 (seq 3): 2 entries (seq 3–4) are beyond journal.head (seq 2) — a crash leaves at most one: entries were appended by hand',
      },
    ])
  })

  it('tells a torn last line (the start of the next entry, no newline) from an edit', () => {
    const entries = buildChain(3)
    const torn = JSON.stringify(entries[2]).slice(0, 30)
    const lines = [{ line: 1, entry: entries[0] as JournalEntry }, { line: 2, entry: entries[1] as JournalEntry }, parseJournalLine(torn, 3)]

    const result = verifyChain(lines, headOf(entries.slice(0, 2)), { unterminated: true })

    expect(result.verdict).toBe('interrupted')
    expect(result.problems).toEqual([
      {
        line: 3,
        seq: 2,
        kind: 'torn',
        message: 'line 3 (seq 2): torn last line — the write of this entry was cut short (a crash or a full disk); the next command on this incident repairs it',
      },
    ])
  })

  it('calls a cut last line tampered when the head records entries after it', () => {
    const entries = buildChain(4)
    const lines = [{ line: 1, entry: entries[0] as JournalEntry }, { line: 2, entry: entries[1] as JournalEntry }, parseJournalLine(JSON.stringify(entries[2]).slice(0, 30), 3)]

    expect(verifyChain(lines, headOf(entries), { unterminated: true }).verdict).toBe('tampered')
  })

  it('does not take a garbled last line for a torn write: it must start as the next entry does', () => {
    const entries = buildChain(3)
    const lines = [{ line: 1, entry: entries[0] as JournalEntry }, { line: 2, entry: entries[1] as JournalEntry }, parseJournalLine('{"seq":7,"time":"2025', 3)]

    const result = verifyChain(lines, headOf(entries.slice(0, 2)), { unterminated: true })

    expect(result.verdict).toBe('tampered')
    expect(result.problems.map(({ kind }) => kind)).toEqual(['malformed', 'removed'])
  })

  it('reports a line that is not JSON by its number, and only once', () => {
    const entries = buildChain(3)
    const lines = [
      { line: 1, entry: entries[0] as JournalEntry },
      parseJournalLine('{"seq":1,"time":"2025-03-14T09:15:01.000Z","ty', 2),
      { line: 3, entry: entries[2] as JournalEntry },
    ]

    expect(verifyChain(lines, headOf(entries))).toEqual({
      ok: false,
      verdict: 'tampered',
      count: 2,
      problems: [{ line: 2, seq: 1, kind: 'malformed', message: 'line 2 (seq 1): the line is not valid JSON' }],
    })
  })
})

describe('parseJournalLine', () => {
  it('reads a well-formed entry', () => {
    const [entry] = buildChain(1) as [JournalEntry]

    expect(parseJournalLine(JSON.stringify(entry), 7)).toEqual({ line: 7, entry })
  })

  it('calls an entry with a field outside the hash malformed', () => {
    const [entry] = buildChain(1) as [JournalEntry]

    expect(parseJournalLine(JSON.stringify({ ...entry, note: 'added later' }), 1)).toEqual({
      line: 1,
      malformed: 'unexpected field "note"',
      seq: 0,
    })
  })

  it('calls a blank line malformed', () => {
    expect(parseJournalLine('   ', 4)).toEqual({ line: 4, malformed: 'the line is empty' })
  })

  it('calls an entry with a short hash malformed', () => {
    const [entry] = buildChain(1) as [JournalEntry]

    expect(parseJournalLine(JSON.stringify({ ...entry, hash: '0x1234' }), 1)).toMatchObject({
      malformed: 'hash is not a 32-byte hex hash',
    })
  })
})

describe('parseJournalHead', () => {
  it('reads {seq, hash} and refuses anything else', () => {
    expect(parseJournalHead(`{"seq":4,"hash":"${GENESIS}"}\n`)).toEqual({ seq: 4, hash: GENESIS })
    expect(parseJournalHead('{"seq":-1,"hash":"0x00"}')).toBeUndefined()
    expect(parseJournalHead('not json')).toBeUndefined()
  })
})

describe('toJsonValue', () => {
  it('turns a bigint into its decimal string', () => {
    expect(toJsonValue({ amount: 123_456_789_012_345_678_901_234_567_890n })).toEqual({
      amount: '123456789012345678901234567890',
    })
  })

  it('drops undefined fields and keeps nulls', () => {
    expect(toJsonValue({ reason: undefined, revert: null, nested: [undefined, 1] })).toEqual({
      revert: null,
      nested: [null, 1],
    })
  })

  it('keeps only the name and message of an error', () => {
    const error = new FirebreakError('execution reverted: EnforcedPause()')

    expect(toJsonValue({ error })).toEqual({
      error: { name: 'FirebreakError', message: 'execution reverted: EnforcedPause()' },
    })
  })

  it('writes bytes as hex, dates as ISO and non-finite numbers as text', () => {
    const data = { calldata: new Uint8Array([0x84, 0x56, 0xcb, 0x59]), at: new Date(Date.UTC(2025, 2, 14)), ratio: Number.NaN }

    expect(toJsonValue(data)).toEqual({ calldata: '0x8456cb59', at: '2025-03-14T00:00:00.000Z', ratio: 'NaN' })
  })

  it('refuses to journal a private key', () => {
    const data = { authority: { kind: 'key', address: '0xabc', privateKey: `0x${'ab'.repeat(32)}` } }

    expect(() => toJsonValue(data)).toThrow(SecretInJournalError)
    expect(() => toJsonValue(data)).toThrow(
      'refusing to journal data.authority.privateKey: a field named like a secret must never reach the incident journal',
    )
  })

  it.each(['PRIVATE_KEY', 'deployerPrivateKey', 'Mnemonic', 'clientSecret', 'keystorePassword'])(
    'refuses a field named %s',
    (name) => {
      expect(() => toJsonValue([{ [name]: 'x' }])).toThrow(`data[0].${name}`)
    },
  )

  it('refuses a secret hidden as a Map key', () => {
    expect(() => toJsonValue(new Map([['mnemonic', 'test test test']]))).toThrow('data.mnemonic')
  })

  it('refuses data that refers back to itself, naming where', () => {
    const plan: { steps: JsonValue[]; self?: unknown } = { steps: [] }
    plan.self = plan

    expect(() => toJsonValue(plan)).toThrow('cannot journal data.self: it refers back to itself')
  })

  it('accepts the same object reached twice without a cycle', () => {
    const token = { address: '0xabc' }

    expect(toJsonValue({ from: token, to: token })).toEqual({ from: { address: '0xabc' }, to: { address: '0xabc' } })
  })
})
