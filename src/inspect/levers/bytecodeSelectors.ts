import { type Hex, hexToBytes } from 'viem'

const PUSH0 = 0x5f
const PUSH1 = 0x60
const PUSH4 = 0x63
const PUSH32 = 0x7f
const EQ = 0x14
const MLOAD = 0x51
const isDupOrSwap = (opcode: number) => opcode >= 0x80 && opcode <= 0x9f
const isPush = (opcode: number) => opcode >= PUSH0 && opcode <= PUSH32

/**
 * The function selectors a contract's dispatcher compares the call's selector against: each
 * `PUSH1…PUSH4 value` followed by `EQ` (at most two stack shuffles, a push or an MLOAD between
 * them, as solc's legacy and IR pipelines and older Vyper lay it out). A selector the contract
 * only sends to another contract (a guardian calling `pause()` on its targets, a ProxyAdmin
 * calling `upgradeToAndCall`) is pushed to be shifted into memory, not compared, and is left out.
 * Push data is skipped, so bytes inside a constant are never read as opcodes; the CBOR metadata
 * solc appends is cut off first. Short pushes count because solc pushes `0x00abcdef` as PUSH3.
 */
export function selectorsFromBytecode(code: Hex): Set<Hex> {
  const instructions = ownCode(decode(withoutMetadata(hexToBytes(code))))
  const selectors = new Set<Hex>()
  for (let index = 0; index < instructions.length; index++) {
    const instruction = instructions[index] as Instruction
    if (instruction.opcode < PUSH1 || instruction.opcode > PUSH4 || !instruction.data) continue
    if (comparedNext(instructions, index)) selectors.add(selectorHex(instruction.data))
  }
  return selectors
}

type Instruction = { opcode: number; data?: Uint8Array }

function decode(bytes: Uint8Array): Instruction[] {
  const instructions: Instruction[] = []
  for (let pc = 0; pc < bytes.length; pc++) {
    const opcode = bytes[pc] as number
    if (opcode >= PUSH1 && opcode <= PUSH32) {
      const size = opcode - PUSH1 + 1
      instructions.push({ opcode, data: bytes.subarray(pc + 1, pc + 1 + size) })
      pc += size
    } else {
      instructions.push({ opcode })
    }
  }
  return instructions
}

const INVALID = 0xfe
const MSTORE = 0x52

/**
 * The contract's own instructions, without the code of contracts it creates. solc appends the
 * creation code of every `new X` (a factory's proxies, a clone's template) after the contract's
 * own code, behind an INVALID: that code has a dispatcher of its own, whose selectors are X's
 * functions, not this contract's. It starts as every solc contract does: `PUSH1 0x80 PUSH1 0x40 MSTORE`.
 */
function ownCode(instructions: Instruction[]): Instruction[] {
  for (let index = 1; index + 3 < instructions.length; index++) {
    if (instructions[index - 1]!.opcode !== INVALID) continue
    const [first, second, store] = [instructions[index]!, instructions[index + 1]!, instructions[index + 2]!]
    const pushes = (instruction: Instruction, value: number) => instruction.opcode === PUSH1 && instruction.data?.[0] === value
    if (pushes(first, 0x80) && (pushes(second, 0x40) || pushes(second, 0x60)) && store.opcode === MSTORE) return instructions.slice(0, index)
  }
  return instructions
}

function comparedNext(instructions: readonly Instruction[], index: number): boolean {
  for (let next = index + 1; next <= index + 3 && next < instructions.length; next++) {
    const opcode = (instructions[next] as Instruction).opcode
    if (opcode === EQ) return true
    if (!isDupOrSwap(opcode) && !isPush(opcode) && opcode !== MLOAD) return false
  }
  return false
}

function selectorHex(data: Uint8Array): Hex {
  const padded = new Uint8Array(4)
  padded.set(data, 4 - data.length)
  return `0x${Buffer.from(padded).toString('hex')}`
}

/** solc ends runtime code with CBOR metadata (a map, 0xa1…0xa5) and its length in two bytes. */
function withoutMetadata(bytes: Uint8Array): Uint8Array {
  if (bytes.length < 2) return bytes
  const length = ((bytes[bytes.length - 2] as number) << 8) | (bytes[bytes.length - 1] as number)
  const start = bytes.length - 2 - length
  if (start < 0) return bytes
  const first = bytes[start] as number
  return first >= 0xa1 && first <= 0xa5 ? bytes.subarray(0, start) : bytes
}
