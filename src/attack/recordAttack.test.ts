import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Address } from 'viem'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { entriesOf } from '../journal/entries.js'
import { Journal } from '../journal/journal.js'
import { type RecordAttackParameters, recordAttack } from './recordAttack.js'

const attacker: Address = '0x90F79bf6EB2c4f870365E785982E1f101E93b906'
const vault: Address = '0xCf7Ed3AccA5a467e9e704C703E8D87F634fB0Fc9'
const dUSD = { address: '0x5FbDB2315678afecb367f032d93F642f64180aa3' as Address, symbol: 'dUSD', decimals: 18 }
const drain: RecordAttackParameters = { txHash: `0x${'ab'.repeat(32)}`, blockNumber: 12n, attacker, victims: [vault], stolen: 95_000n * 10n ** 18n, asset: dUSD, measuredBy: 'replay' }

let dir: string

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'firebreak-record-attack-'))
})

afterEach(() => {
  rmSync(dir, { recursive: true, force: true })
})

describe('recordAttack', () => {
  it('journals an attack once, however often a command replays it in the incident', () => {
    const journal = Journal.open(dir)

    expect(recordAttack(journal, drain)).toBe(true)
    expect(recordAttack(journal, { ...drain, txHash: `0x${'AB'.repeat(32)}` })).toBe(false)
    expect(entriesOf(journal, 'attack.detected').map((entry) => entry.data.stolen)).toEqual(['95000000000000000000000'])
  })

  it('tells attacks given as calls apart by their block and sender', () => {
    const journal = Journal.open(dir)
    const { txHash: _, ...calls } = drain

    expect(recordAttack(journal, calls)).toBe(true)
    expect(recordAttack(journal, calls)).toBe(false)
    expect(recordAttack(journal, { ...calls, blockNumber: 13n })).toBe(true)
    expect(recordAttack(journal, drain)).toBe(true)
    expect(entriesOf(journal, 'attack.detected').map((entry) => [entry.data.blockNumber, entry.data.txHash])).toEqual([
      ['12', undefined],
      ['13', undefined],
      ['12', drain.txHash],
    ])
  })
})
