import { zeroAddress } from 'viem'
import { describe, expect, it } from 'vitest'
import type { AuthorityNode } from '../types.js'
import { BLOCK_SECONDS, SAFE_SECONDS_PER_SIGNATURE, approximately, delayName, timeToExecute } from './timeToExecute.js'

const key: AuthorityNode = { kind: 'eoa', address: '0x00000000000000000000000000000000000000a1' }
const owners = ['0x00000000000000000000000000000000000000b1', '0x00000000000000000000000000000000000000b2', '0x00000000000000000000000000000000000000b3', '0x00000000000000000000000000000000000000b4', '0x00000000000000000000000000000000000000b5'] as const
const council: AuthorityNode = { kind: 'safe', address: '0x00000000000000000000000000000000000000c1', owners: [...owners], threshold: 3 }
const twoDayTimelock: AuthorityNode = {
  kind: 'timelock',
  address: '0x00000000000000000000000000000000000000d1',
  minDelay: 172_800n,
  proposers: [council.address],
  executors: [zeroAddress],
}

describe('timeToExecute', () => {
  it('takes one block for a key', () => {
    expect(timeToExecute([key])).toEqual({ seconds: 12, description: 'EOA: one transaction (~12 s)' })
  })

  it('takes fifteen minutes per signature a Safe needs', () => {
    expect(timeToExecute([council])).toEqual({ seconds: 45 * 60, description: '3-of-5 Safe: collect 3 signatures (~45 min)' })
  })

  it("adds a timelock's delay and one block to execute to the Safe that proposes", () => {
    const time = timeToExecute([council, twoDayTimelock])
    expect(time.seconds).toBe(3 * SAFE_SECONDS_PER_SIGNATURE + 172_800 + BLOCK_SECONDS)
    expect(time.description).toBe('3-of-5 Safe: collect 3 signatures (~45 min) → 2-day timelock')
  })

  it('names the authorities by their labels', () => {
    const time = timeToExecute([{ ...key, label: 'guardian' }, { ...twoDayTimelock, minDelay: 6n * 3600n, label: 'governance' }])
    expect(time).toEqual({ seconds: 12 + 6 * 3600 + 12, description: 'EOA guardian: one transaction (~12 s) → 6-hour timelock governance' })
  })

  it('adds nothing for a contract that forwards its owner’s call', () => {
    const proxyAdmin: AuthorityNode = { kind: 'contract', address: '0x00000000000000000000000000000000000000e1' }
    expect(timeToExecute([key, proxyAdmin])).toEqual({ seconds: 12, description: 'EOA: one transaction (~12 s) → via contract 0x0000…00e1' })
  })

  it('says so when a path starts at a contract whose process it cannot estimate', () => {
    const governor: AuthorityNode = { kind: 'contract', address: '0x00000000000000000000000000000000000000f1', label: 'governor' }
    expect(timeToExecute([governor, twoDayTimelock])).toEqual({ seconds: 172_800 + 12, description: 'contract governor: its own process, not estimated → 2-day timelock' })
  })

  it('calls a zero-delay timelock what it is, and still counts the block that executes', () => {
    expect(timeToExecute([{ ...twoDayTimelock, minDelay: 0n }])).toEqual({ seconds: 12, description: 'timelock with no delay' })
  })

  it('reports a path with no authority as taking no time', () => {
    expect(timeToExecute([])).toEqual({ seconds: 0, description: 'no authority' })
  })

  it('names delays the way teams name their timelocks', () => {
    expect([delayName(172_800), delayName(86_400), delayName(21_600), delayName(5_400), delayName(45)]).toEqual([
      '2-day',
      '1-day',
      '6-hour',
      '90-minute',
      '45-second',
    ])
    expect([approximately(30), approximately(1_800), approximately(5_400), approximately(259_200)]).toEqual(['30 s', '30 min', '1.5 h', '3 d'])
  })
})
