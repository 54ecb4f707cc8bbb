import { decodeFunctionData, getAddress } from 'viem'
import { describe, expect, it } from 'vitest'
import { MigrationInputError } from './errors.js'
import { parseRescueLever, rescueAction } from './rescueLever.js'

const vault = { name: 'LegacyVault', address: '0x00000000000000000000000000000000000000aa' } as const
const move = { asset: getAddress('0x00000000000000000000000000000000000000a5'), to: getAddress('0x00000000000000000000000000000000000000b0'), amount: 1234n }

function argsOf(signature: string): readonly unknown[] {
  const lever = parseRescueLever(signature)
  const action = rescueAction(lever, vault, move)
  expect(action.call.to).toBe(vault.address)
  return decodeFunctionData({ abi: [lever.abi], data: action.call.data }).args ?? []
}

function refusal(signature: string): string {
  try {
    parseRescueLever(signature)
  } catch (error) {
    expect(error).toBeInstanceOf(MigrationInputError)
    return (error as MigrationInputError).shortMessage
  }
  throw new Error(`"${signature}" was accepted`)
}

describe('parseRescueLever', () => {
  it('fills each parameter by its name, whatever the order the lever declares them in', () => {
    expect(argsOf('rescue(address token, address to, uint256 amount)')).toEqual([move.asset, move.to, 1234n])
    expect(argsOf('function recoverERC20(address _recipient, uint256 _amount, address _tokenAddress)')).toEqual([move.to, 1234n, move.asset])
    expect(argsOf('sweep(address asset, address receiver)')).toEqual([move.asset, move.to])
  })

  it('reads unnamed parameters in the usual (token, to[, amount]) shape', () => {
    expect(argsOf('rescue(address,address,uint256)')).toEqual([move.asset, move.to, 1234n])
    expect(argsOf('sweep(address,address)')).toEqual([move.asset, move.to])
  })

  it('refuses, in one line, a lever it cannot fill or that moves nothing', () => {
    expect(refusal('rescue(address token, address to, bool all)')).toBe(
      'rescue "rescue(address token, address to, bool all)": firebreak cannot fill parameter "all" (bool); it passes a token (address), a destination (address) and an amount (uint256)',
    )
    expect(refusal('sweep(address token)')).toMatch(/^rescue "sweep\(address token\)": has no destination parameter/)
    expect(refusal('sweep(address,uint256)')).toMatch(/name its parameters so firebreak knows what to pass/)
    expect(refusal('rescue(address token, address asset, address to)')).toBe('rescue "rescue(address token, address asset, address to)": has two parameters firebreak reads as the asset: rename one')
    expect(refusal('balanceOf(address account, address token) view')).toMatch(/: a view function, which cannot move anything/)
    expect(refusal('rescue token to')).toMatch(/: not a function signature/)
  })
})
