import { type AbiFunction, encodeFunctionData, parseAbiItem } from 'viem'
import { describe, expect, it } from 'vitest'
import { type ArgumentPath, formatArgument, manifestArguments } from './manifestCall.js'
import { ManifestError } from './ManifestError.js'
import type { ManifestArgument } from './types.js'

const fn = (signature: string) => parseAbiItem(`function ${signature}`) as AbiFunction

/** Chainlink CCIP's token pool: a rate limiter is set with one struct argument. */
const setRateLimiterConfig = fn('setRateLimiterConfig((bool isEnabled,uint128 capacity,uint128 rate) config)')

const MAX_UINT128 = 2n ** 128n - 1n
const ALICE = '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266'
const BOB = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8'
const ROLE = '0x65d7a28e3265b37a6474929f336521b332c1681b933f6cb9f3376673440d862a'

/** What manifestArguments reports for the first value that does not fit: its path inside args, and the problem. */
function refusal(target: AbiFunction, args: ManifestArgument[]): { path: ArgumentPath; problem: string } {
  try {
    manifestArguments(target, args, (path, problem) => {
      throw { path, problem }
    })
  } catch (refused) {
    return refused as { path: ArgumentPath; problem: string }
  }
  throw new Error('manifestArguments accepted the arguments')
}

const accept = (target: AbiFunction, args: ManifestArgument[]) =>
  manifestArguments(target, args, (path, problem) => {
    throw new Error(`refused at ${JSON.stringify(path)}: ${problem}`)
  })

describe('a struct argument (a CCIP rate-limiter config)', () => {
  const config = { isEnabled: true, capacity: 10n ** 21n, rate: 1000n }

  it('takes the struct as a list in component order', () => {
    expect(accept(setRateLimiterConfig, [[true, '1000000000000000000000', 1000]])).toEqual([config])
  })

  it('takes the struct as a mapping by component name, in any order, with 0x integers', () => {
    expect(accept(setRateLimiterConfig, [{ rate: '0x3e8', capacity: '1000000000000000000000', isEnabled: true }])).toEqual([config])
  })

  it('encodes both forms to the same calldata', () => {
    const calldata = (args: ManifestArgument[]) => encodeFunctionData({ abi: [setRateLimiterConfig], args: accept(setRateLimiterConfig, args) })
    expect(calldata([[true, '1000000000000000000000', 1000]])).toBe(calldata([{ isEnabled: true, capacity: '1000000000000000000000', rate: 1000 }]))
    expect(calldata([[true, '1000000000000000000000', 1000]])).toBe(
      `0xc92b2832${'1'.padStart(64, '0')}${(10n ** 21n).toString(16).padStart(64, '0')}${(1000).toString(16).padStart(64, '0')}`,
    )
  })

  it('accepts the largest uint128 and refuses one more, at the component', () => {
    expect(accept(setRateLimiterConfig, [[false, MAX_UINT128.toString(), 0]])).toEqual([{ isEnabled: false, capacity: MAX_UINT128, rate: 0n }])
    expect(refusal(setRateLimiterConfig, [{ isEnabled: true, capacity: (MAX_UINT128 + 1n).toString(), rate: 1 }])).toEqual({
      path: [0, 'capacity'],
      problem: 'expected a uint128 (at most 2^128-1), got "340282366920938463463374607431768211456"',
    })
  })

  it('refuses a negative rate, at its index in the list form', () => {
    expect(refusal(setRateLimiterConfig, [[true, 1000, -1]])).toEqual({ path: [0, 2], problem: 'expected a uint128, got -1' })
  })

  it('names a misspelt component and suggests the right one', () => {
    expect(refusal(setRateLimiterConfig, [{ isEnabled: true, capacty: 1000, rate: 1 }])).toEqual({
      path: [0, 'capacty'],
      problem: 'unknown component; expected one of isEnabled, capacity, rate (did you mean "capacity"?)',
    })
  })

  it('names the components a mapping leaves out', () => {
    expect(refusal(setRateLimiterConfig, [{ isEnabled: true }])).toEqual({
      path: [0],
      problem: 'expected a (bool,uint128,uint128) with isEnabled, capacity, rate, got no capacity or rate',
    })
  })

  it('refuses a list of the wrong length, and the struct written as a quoted string', () => {
    expect(refusal(setRateLimiterConfig, [[true, 1000]])).toEqual({ path: [0], problem: 'expected a (bool,uint128,uint128) (a list of 3 in component order), got a list of 2' })
    expect(refusal(setRateLimiterConfig, ['[true, 1000, 1]'])).toEqual({
      path: [0],
      problem: 'expected a (bool,uint128,uint128) (a list in component order, or a mapping of isEnabled, capacity, rate), got "[true, 1000, 1]"',
    })
  })

  it('refuses a bool written as a string', () => {
    expect(refusal(setRateLimiterConfig, [{ isEnabled: 'true', capacity: 1, rate: 1 }])).toEqual({ path: [0, 'isEnabled'], problem: 'expected a bool (true or false), got "true"' })
  })

  it('counts the arguments against the signature, spelling the struct out', () => {
    expect(refusal(setRateLimiterConfig, [true, 1000, 1])).toEqual({ path: [], problem: 'expected 1 argument for setRateLimiterConfig((bool,uint128,uint128)), got 3' })
  })

  it('takes a struct whose components have no names only as a list, and returns it as a list', () => {
    const unnamed = fn('setLimit((address,uint256))')
    expect(accept(unnamed, [[ALICE.toLowerCase(), 5]])).toEqual([[ALICE, 5n]])
    expect(refusal(unnamed, [{ token: ALICE, cap: 5 }])).toEqual({ path: [0], problem: 'expected a (address,uint256) as a list in component order (its components have no names), got a mapping' })
  })

  it('names the component of a struct inside a list of structs', () => {
    const setCaps = fn('setCaps((address token,uint256 cap)[] caps)')
    expect(accept(setCaps, [[{ token: ALICE, cap: 1 }, [BOB, '2']]])).toEqual([[{ token: ALICE, cap: 1n }, { token: BOB, cap: 2n }]])
    expect(refusal(setCaps, [[{ token: ALICE, cap: 1 }, { token: BOB, cap: 1.5 }]])).toEqual({
      path: [0, 1, 'cap'],
      problem: 'expected a uint256 (a whole number, in digits or 0x and hex digits), got 1.5',
    })
  })
})

describe('arrays', () => {
  const blockAccounts = fn('blockAccounts(address[] accounts)')

  it('takes an address[] of lower-case and checksummed addresses, and checksums them', () => {
    expect(accept(blockAccounts, [[ALICE.toLowerCase(), BOB]])).toEqual([[ALICE, BOB]])
    expect(accept(blockAccounts, [[]])).toEqual([[]])
  })

  it('refuses an address whose checksum is wrong, at its index', () => {
    expect(refusal(blockAccounts, [[ALICE, '0x70997970C51812dc3A010C7d01b50e0d17dc79c8']])).toEqual({
      path: [0, 1],
      problem: 'expected an address with a valid checksum (or all lower case), got "0x70997970C51812dc3A010C7d01b50e0d17dc79c8": check it for a typo',
    })
  })

  it('refuses a single address where a list is expected, and an address that is too short', () => {
    expect(refusal(blockAccounts, [ALICE])).toEqual({ path: [0], problem: `expected an address[] (a list), got "${ALICE}"` })
    expect(refusal(blockAccounts, [['0x1234']])).toEqual({ path: [0, 0], problem: 'expected an address (0x and 40 hex digits), got "0x1234"' })
  })

  it('checks the length of fixed arrays at every level of nesting', () => {
    const setCurve = fn('setCurve(uint16[2][] points, int8[3] weights)')
    expect(accept(setCurve, [[[1, 2], ['3', '0x04']], [-128, 0, 127]])).toEqual([[[1n, 2n], [3n, 4n]], [-128n, 0n, 127n]])
    expect(refusal(setCurve, [[[1, 2], [3]], [0, 0, 0]])).toEqual({ path: [0, 1], problem: 'expected a uint16[2] (a list of 2), got a list of 1' })
    expect(refusal(setCurve, [[], [0, 0]])).toEqual({ path: [1], problem: 'expected an int8[3] (a list of 3), got a list of 2' })
    expect(refusal(setCurve, [[[1, 65536]], [0, 0, 0]])).toEqual({ path: [0, 0, 1], problem: 'expected a uint16 (at most 2^16-1), got 65536' })
  })
})

describe('integers', () => {
  const setDelta = fn('setDelta(int8 delta)')
  const setCap = fn('setCap(uint256 cap)')

  it('checks a signed integer against both ends of its range, in digits or 0x hex', () => {
    expect(accept(setDelta, ['-0x80'])).toEqual([-128n])
    expect(refusal(setDelta, [128])).toEqual({ path: [0], problem: 'expected an int8 (-2^7 to 2^7-1), got 128' })
    expect(refusal(setDelta, ['-129'])).toEqual({ path: [0], problem: 'expected an int8 (-2^7 to 2^7-1), got "-129"' })
  })

  it('takes a YAML number up to 2^53-1, and any integer written as a string, exactly', () => {
    expect(accept(setCap, [9007199254740991])).toEqual([9007199254740991n])
    expect(accept(setCap, ['9007199254740993'])).toEqual([9007199254740993n])
    expect(accept(setCap, [(2n ** 256n - 1n).toString()])).toEqual([2n ** 256n - 1n])
  })

  it('refuses a YAML number past 2^53, which has already lost digits, and says to quote it', () => {
    // YAML reads an unquoted 9007199254740993 as the float 9007199254740992.
    expect(refusal(setCap, [9007199254740992])).toEqual({
      path: [0],
      problem: 'expected a uint256, got 9007199254740992: YAML numbers past 2^53 lose their last digits, so write it in quotes, as a string',
    })
    expect(refusal(setCap, [1e21]).problem).toBe('expected a uint256, got 1e+21: YAML numbers past 2^53 lose their last digits, so write it in quotes, as a string')
  })

  it('refuses a bool, a fraction and words where an integer is expected', () => {
    for (const value of [true, 0.5, '1 ether', '1e18']) {
      expect(refusal(setCap, [value]).problem).toMatch(/^expected a uint256 \(a whole number, in digits or 0x and hex digits\), got /)
    }
  })
})

describe('bytes, strings and bools', () => {
  const grantRole = fn('grantRole(bytes32 role, address account)')

  it('takes a bytes32 of exactly 32 bytes, in lower case', () => {
    expect(accept(grantRole, [ROLE.toUpperCase().replace('0X', '0x'), ALICE])).toEqual([ROLE, ALICE])
  })

  it('refuses a bytes32 one byte short, saying how many bytes it has', () => {
    expect(refusal(grantRole, [ROLE.slice(0, -2), ALICE])).toEqual({
      path: [0],
      problem: 'expected a bytes32 (0x and 64 hex digits), got "0x65d7a28e3265b37a6474929f336521b332c1681b933f6cb9f337667..." (31 bytes)',
    })
    expect(refusal(grantRole, ['PAUSER_ROLE', ALICE]).problem).toBe('expected a bytes32 (0x and 64 hex digits), got "PAUSER_ROLE"')
  })

  it('takes dynamic bytes of any whole number of bytes, and refuses half a byte', () => {
    const execute = fn('execute(bytes data)')
    expect(accept(execute, ['0x'])).toEqual(['0x'])
    expect(accept(execute, ['0xDEADbeef'])).toEqual(['0xdeadbeef'])
    expect(refusal(execute, ['0xabc'])).toEqual({ path: [0], problem: 'expected bytes (0x and an even number of hex digits), got "0xabc"' })
  })

  it('takes a reason string as written, and refuses a number in its place', () => {
    const pause = fn('pause(string reason, bool everything)')
    expect(accept(pause, ['incident 2024-07-01', true])).toEqual(['incident 2024-07-01', true])
    expect(refusal(pause, [42, true])).toEqual({ path: [0], problem: 'expected a string, got 42: put it in quotes' })
  })
})

describe('errors name the place in the manifest', () => {
  it('gives the path of a struct component below the step, as resolvePlaybook words it', () => {
    const { path, problem } = refusal(setRateLimiterConfig, [{ isEnabled: true, capacity: '-1', rate: 0 }])
    const error = new ManifestError({ file: 'firebreak.yaml', path: ['playbooks', 'ccip', 'steps', 0, 'limit', 'args', ...path], problem })
    expect(error.shortMessage).toBe('firebreak.yaml: playbooks.ccip.steps[0].limit.args[0].capacity: expected a uint128, got "-1"')
  })
})

describe('formatArgument', () => {
  it('shows a struct by component name, and lists and integers as written in Solidity', () => {
    expect(formatArgument({ isEnabled: true, capacity: 10n ** 21n, rate: 1000n })).toBe('{ isEnabled: true, capacity: 1000000000000000000000, rate: 1000 }')
    expect(formatArgument([[ALICE, BOB], 3n])).toBe(`[[${ALICE}, ${BOB}], 3]`)
  })
})
