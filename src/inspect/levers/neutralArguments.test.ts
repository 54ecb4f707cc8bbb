import { type AbiFunction, encodeFunctionData, parseAbiItem } from 'viem'
import { describe, expect, it } from 'vitest'
import { knownLevers } from './leverSignatures.js'
import { neutralArguments } from './neutralArguments.js'

const self = '0x5FbDB2315678afecb367f032d93F642f64180aa3'
const fn = (signature: string) => parseAbiItem(`function ${signature}`) as AbiFunction

describe('neutralArguments', () => {
  it('builds a call for every known lever from its signature alone', () => {
    for (const lever of knownLevers) {
      const item = fn(lever.signature)
      const data = encodeFunctionData({ abi: [item], functionName: item.name, args: neutralArguments(item.inputs, self) })
      expect(data.slice(0, 10), lever.signature).toBe(lever.selector)
    }
  })

  it('pauses every feature of a per-feature pause and lowers a cap to zero', () => {
    expect(neutralArguments(fn('pause(bool,bool,bool,bool,bool)').inputs, self)).toEqual([true, true, true, true, true])
    expect(neutralArguments(fn('setSupplyCap(address,uint256)').inputs, self)).toEqual([self, 0n])
  })

  it('fills tuples, fixed arrays and empty dynamic arrays', () => {
    const item = fn('setChainRateLimiterConfig(uint64,(bool,uint128,uint128),(bool,uint128,uint128))')
    expect(neutralArguments(item.inputs, self)).toEqual([0n, [true, 0n, 0n], [true, 0n, 0n]])
    expect(neutralArguments(fn('f(address[],uint8[2],bytes4)').inputs, self)).toEqual([[], [0n, 0n], '0x00000000'])
  })
})
