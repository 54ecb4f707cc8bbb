import { toFunctionSelector } from 'viem'
import { describe, expect, it } from 'vitest'
import { selectorsFromBytecode } from './bytecodeSelectors.js'

const pause = toFunctionSelector('pause()').slice(2)

describe('selectorsFromBytecode', () => {
  it('reads a selector the dispatcher compares: DUP1 PUSH4 selector EQ', () => {
    expect([...selectorsFromBytecode(`0x80 63${pause} 14 61 0042 57`.replaceAll(' ', '') as `0x${string}`)]).toEqual([`0x${pause}`])
  })

  it('reads a selector with a leading zero byte, which solc pushes with PUSH3', () => {
    expect([...selectorsFromBytecode('0x8062fdd58e14610042 57'.replaceAll(' ', '') as `0x${string}`)]).toEqual(['0x00fdd58e'])
  })

  it('leaves out a selector pushed to be sent to another contract (PUSH4 selector PUSH1 0xe0 SHL)', () => {
    expect(selectorsFromBytecode(`0x63${pause}60e01b 6000 52`.replaceAll(' ', '') as `0x${string}`).size).toBe(0)
  })

  it('does not read opcodes inside push data', () => {
    // PUSH32 whose data holds "PUSH4 pause() EQ": a constant, not code.
    const data = `63${pause}14`.padEnd(64, '00')
    expect(selectorsFromBytecode(`0x7f${data}50` as `0x${string}`).size).toBe(0)
  })

  it("leaves out the dispatcher of a contract it creates: a factory's embedded proxy code is not its own", () => {
    const own = toFunctionSelector('deploy(bytes32)').slice(2)
    // The factory's dispatcher, then INVALID, then the creation code of what it deploys (PUSH1 0x80 PUSH1 0x40 MSTORE …), whose dispatcher has pause().
    const code = `0x80 63${own} 14 61 0042 57 fe 6080604052 80 63${pause} 14 61 0010 57`.replaceAll(' ', '') as `0x${string}`
    expect([...selectorsFromBytecode(code)]).toEqual([`0x${own}`])
  })
})
