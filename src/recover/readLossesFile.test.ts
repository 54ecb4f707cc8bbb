import { getAddress } from 'viem'
import { describe, expect, it } from 'vitest'
import { LossesFileError, parseLossesFile } from './readLossesFile.js'
import { formatLossesCsv, formatLossesJson } from './writeLossFiles.js'
import type { AssetLosses } from './measureLosses.js'

const unit = 10n ** 18n
const alice = getAddress('0x15d34aaf54267db7d7c367839aaf71a00a2c6a65')
const bob = getAddress('0x9965507d1a55bcc2695c58ba16fb37d819b0a4dc')
const carol = getAddress('0x976ea74026e726554db657fa54763abd0c3a0aa9')
const dUSD = getAddress('0x5fbdb2315678afecb367f032d93f642f64180aa3')

const table: AssetLosses = {
  chainId: 31337,
  asset: { address: dUSD, symbol: 'dUSD', decimals: 18 },
  source: { contract: dUSD, valuation: 'balance' },
  method: 'dUSD balances from snapshots',
  beforeBlock: 10n,
  afterBlock: 20n,
  losses: [
    { account: alice, before: 50_000n * unit, after: 0n, loss: 50_000n * unit },
    { account: bob, before: 30_000n * unit, after: 12_000n * unit, loss: 18_000n * unit },
  ],
  total: 68_000n * unit,
  excluded: [],
  attackers: [],
  protocol: { losses: [], total: 0n },
  snapshots: { before: { file: 'a', sha256: '0x00' }, after: { file: 'b', sha256: '0x00' } },
}

function refusal(text: string, file: string): string {
  try {
    parseLossesFile(text, file)
  } catch (error) {
    expect(error).toBeInstanceOf(LossesFileError)
    const message = (error as LossesFileError).shortMessage
    expect(message).not.toContain('\n')
    return message
  }
  throw new Error(`${file} was accepted`)
}

describe('parseLossesFile', () => {
  it('reads back the CSV firebreak losses writes, with its total', () => {
    const read = parseLossesFile(formatLossesCsv(table), 'losses-dusd.csv')

    expect(read.format).toBe('csv')
    expect(read.losses).toEqual([
      { account: alice, before: 50_000n * unit, after: 0n, loss: 50_000n * unit },
      { account: bob, before: 30_000n * unit, after: 12_000n * unit, loss: 18_000n * unit },
    ])
    expect(read.total).toBe(68_000n * unit)
  })

  it('reads back the JSON firebreak losses writes, with the asset it names', () => {
    const read = parseLossesFile(formatLossesJson(table), 'losses-dusd.json')

    expect(read.format).toBe('json')
    expect(read.asset).toEqual({ address: dUSD, symbol: 'dUSD', decimals: 18 })
    expect(read.chainId).toBe(31337)
    expect(read.losses.map((row) => row.loss)).toEqual([50_000n * unit, 18_000n * unit])
  })

  it('accepts a spreadsheet export: quoted cells, CRLF line ends, a byte-order mark, extra columns', () => {
    const read = parseLossesFile(`\uFEFF"account","loss","note"\r\n"${alice}","5","paid twice?"\r\n`, 'export.csv')

    expect(read.losses).toEqual([{ account: alice, loss: 5n }])
  })

  it('names the file and line of an address listed twice, and the line it first appeared on', () => {
    expect(refusal(`account,loss\n${alice},5\n${bob},7\n${alice},9\n`, 'losses.csv')).toBe(`losses.csv:4: ${alice} appears twice (first at line 2): merge its losses into one row`)
  })

  it('refuses an address that is not 40 hex digits', () => {
    expect(refusal(`account,loss\n${alice},5\n0x15d34aaf54267db7d7c367839aaf71a00a2c6a6,7\n`, 'losses.csv')).toBe('losses.csv:3: "0x15d34aaf54267db7d7c367839aaf71a00a2c6a6" is not an address: expected 0x followed by 40 hex digits')
  })

  it('refuses an address whose EIP-55 checksum is wrong, or that has none, and shows the checksummed form', () => {
    const typo = alice.replace('AAf54', 'aAf54')
    expect(typo).not.toBe(alice)
    expect(refusal(`account,loss\n${typo},5\n`, 'losses.csv')).toBe(`losses.csv:2: ${typo} is not checksummed (EIP-55): write it as ${alice} after checking it is the right account`)
    expect(refusal(`account,loss\n${alice.toLowerCase()},5\n`, 'losses.csv')).toBe(`losses.csv:2: ${alice.toLowerCase()} is not checksummed (EIP-55): write it as ${alice} after checking it is the right account`)
  })

  it('refuses a negative amount', () => {
    expect(refusal(`account,loss\n${alice},-5\n`, 'losses.csv')).toBe('losses.csv:2: loss -5 is negative: a loss is 0 or more')
  })

  it('refuses an amount with decimals or an exponent: amounts are base units', () => {
    expect(refusal(`account,loss\n${alice},1.5\n`, 'losses.csv')).toBe("losses.csv:2: loss 1.5 is not an integer: amounts are whole numbers in the token's base units (wei), without decimals or exponents")
    expect(refusal(`account,loss\n${alice},1e18\n`, 'losses.csv')).toBe("losses.csv:2: loss 1e18 is not an integer: amounts are whole numbers in the token's base units (wei), without decimals or exponents")
  })

  it('refuses a file whose rows no longer add up to its total row', () => {
    const edited = formatLossesCsv(table).replace(`${alice},${50_000n * unit},0,${50_000n * unit}`, `${alice},${50_000n * unit},0,${49_000n * unit}`)

    expect(refusal(edited, 'losses.csv')).toBe(`losses.csv:2: loss ${49_000n * unit} of ${alice} is not before − after (${50_000n * unit} − 0 = ${50_000n * unit}): correct whichever figure is wrong`)
    const withoutBefore = `account,loss\n${alice},5\n${bob},7\ntotal,13\n`
    expect(refusal(withoutBefore, 'losses.csv')).toBe('losses.csv:4: the total says 13 but the rows add up to 12: a row was edited, added or removed after the total was written')
  })

  it('refuses a header without a loss column, naming the columns it found', () => {
    expect(refusal(`account,amount\n${alice},5\n`, 'losses.csv')).toBe('losses.csv:1: the header has no "loss" column (found account, amount): the first line must name the columns, e.g. account,loss')
  })

  it('names the row of a JSON loss that is a fraction, or a number too large to be exact', () => {
    expect(refusal(JSON.stringify({ losses: [{ account: alice, loss: '5' }, { account: bob, loss: 2.5 }] }), 'losses.json')).toBe(
      "losses.json: row 2 (losses[1]): loss 2.5 is not a whole number: amounts are integers in the token's base units (wei)",
    )
    expect(refusal(`[{"account":"${alice}","loss":95000000000000000000000}]`, 'losses.json')).toBe('losses.json: row 1 (losses[0]): loss 9.5e+22 is a JSON number too large to be exact: write it as a string of digits')
  })

  it('names both rows of an account listed twice in JSON', () => {
    expect(refusal(JSON.stringify([{ account: alice, loss: '5' }, { account: carol, loss: '1' }, { account: alice, loss: '6' }]), 'losses.json')).toBe(
      `losses.json: row 3 (losses[2]): ${alice} appears twice (first at row 1): merge its losses into one row`,
    )
  })
})
