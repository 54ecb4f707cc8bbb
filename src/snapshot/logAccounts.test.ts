import { type AbiEvent, type Hex, encodeAbiParameters, encodeEventTopics, getAddress, parseAbiItem, zeroAddress } from 'viem'
import { describe, expect, it } from 'vitest'
import { logAccounts } from './logAccounts.js'

const alice = getAddress('0x00000000000000000000000000000000000a11ce')
const bob = getAddress('0x0000000000000000000000000000000000000b0b')

function event(signature: string): AbiEvent {
  return parseAbiItem(signature) as AbiEvent
}

describe('logAccounts', () => {
  it('reads indexed addresses from the topics, lower case, leaving out the zero address of a mint', () => {
    const transfer = event('event Transfer(address indexed from, address indexed to, uint256 value)')
    const topics = encodeEventTopics({ abi: [transfer], args: { from: zeroAddress, to: alice } }) as Hex[]
    const data = encodeAbiParameters([{ type: 'uint256' }], [5n])
    expect(logAccounts(transfer, ['from', 'to'])({ topics, data })).toEqual([alice.toLowerCase()])
  })

  it('reads a non-indexed address from its word of the data', () => {
    const deposit = event('event Deposit(address indexed sender, uint256 assets, address owner)')
    const topics = encodeEventTopics({ abi: [deposit], args: { sender: alice } }) as Hex[]
    const data = encodeAbiParameters([{ type: 'uint256' }, { type: 'address' }], [7n, bob])
    expect(logAccounts(deposit, ['sender', 'owner'])({ topics, data })).toEqual([alice.toLowerCase(), bob.toLowerCase()])
  })

  it('decodes the whole log when the address follows a dynamic field', () => {
    const named = event('event Named(string name, address account)')
    const topics = encodeEventTopics({ abi: [named] }) as Hex[]
    const data = encodeAbiParameters([{ type: 'string' }, { type: 'address' }], ['a name long enough to need two words of data', bob])
    expect(logAccounts(named, ['account'])({ topics, data })).toEqual([bob.toLowerCase()])
  })
})
