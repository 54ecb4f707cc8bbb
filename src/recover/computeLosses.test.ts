import { type Address, getAddress } from 'viem'
import { describe, expect, it } from 'vitest'
import { computeLosses } from './computeLosses.js'

const unit = 10n ** 18n

const alice = getAddress('0x15d34aaf54267db7d7c367839aaf71a00a2c6a65')
const bob = getAddress('0x9965507d1a55bcc2695c58ba16fb37d819b0a4dc')
const carol = getAddress('0x976ea74026e726554db657fa54763abd0c3a0aa9')
const dave = getAddress('0x14dc79964da2c08b23698b3d3cc7ca32193d9955')
const attacker = getAddress('0x90f79bf6eb2c4f937b6c4f1df8f4e8e3a2c8b906')

/** What `account` holds, in whole dUSD. */
function holding(account: Address, dUSD: bigint) {
  return { account, assets: dUSD * unit }
}

describe('computeLosses', () => {
  it('charges each account what it held before minus what it holds after', () => {
    const table = computeLosses({
      before: [holding(alice, 50_000n), holding(bob, 30_000n)],
      after: [holding(alice, 0n), holding(bob, 12_000n)],
    })

    expect(table.losses).toEqual([
      { account: alice, before: 50_000n * unit, after: 0n, loss: 50_000n * unit },
      { account: bob, before: 30_000n * unit, after: 12_000n * unit, loss: 18_000n * unit },
    ])
  })

  it('counts an account missing from the after snapshot as holding nothing', () => {
    const table = computeLosses({ before: [holding(carol, 15_000n)], after: [] })

    expect(table.losses).toEqual([{ account: carol, before: 15_000n * unit, after: 0n, loss: 15_000n * unit }])
  })

  it('leaves out accounts that lost nothing or gained', () => {
    const table = computeLosses({
      before: [holding(alice, 50_000n), holding(dave, 5_000n), holding(bob, 30_000n)],
      after: [holding(alice, 0n), holding(dave, 5_000n), holding(bob, 31_000n)],
    })

    expect(table.losses.map((row) => row.account)).toEqual([alice])
    expect(table.total).toBe(50_000n * unit)
  })

  it('never lists an excluded attacker account, even when it lost value', () => {
    const table = computeLosses({
      before: [holding(attacker, 1_000n), holding(bob, 30_000n)],
      after: [holding(attacker, 0n), holding(bob, 0n)],
      exclude: [attacker.toLowerCase() as Address],
    })

    expect(table.losses.map((row) => row.account)).toEqual([bob])
    expect(table.total).toBe(30_000n * unit)
    expect(table.excluded).toEqual([attacker])
  })

  it('treats addresses that differ only in case as one account', () => {
    const table = computeLosses({
      before: [holding(alice.toLowerCase() as Address, 50_000n)],
      after: [holding(alice.toUpperCase().replace('0X', '0x') as Address, 20_000n)],
    })

    expect(table.losses).toEqual([{ account: alice, before: 50_000n * unit, after: 20_000n * unit, loss: 30_000n * unit }])
  })

  it('sorts the largest loss first and totals the rows', () => {
    const table = computeLosses({
      before: [holding(dave, 5_000n), holding(carol, 15_000n), holding(alice, 50_000n), holding(bob, 30_000n)],
      after: [holding(dave, 1_000n)],
    })

    expect(table.losses.map((row) => [row.account, row.loss])).toEqual([
      [alice, 50_000n * unit],
      [bob, 30_000n * unit],
      [carol, 15_000n * unit],
      [dave, 4_000n * unit],
    ])
    expect(table.total).toBe(99_000n * unit)
    expect(table.total).toBe(table.losses.reduce((sum, row) => sum + row.loss, 0n))
  })
})
