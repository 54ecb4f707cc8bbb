import type { Hex } from 'viem'

const HEX_DIGITS = new TextEncoder().encode('0123456789abcdef')
const decoder = new TextDecoder()

/**
 * Every 32-byte node as a lowercase 0x-prefixed hex string, the form the library's dump holds.
 * Each string is decoded from its ASCII bytes, so it is one flat string (about 90 bytes a node)
 * rather than the chain of concatenated pieces that '0x' + … would leave: at 1M entries there
 * are 2M of them.
 */
export function nodesToHex(nodes: Uint8Array): Hex[] {
  const count = nodes.length / 32
  const hex = new Array<Hex>(count)
  const ascii = new Uint8Array(66)
  ascii[0] = 0x30
  ascii[1] = 0x78
  for (let node = 0; node < count; node++) {
    const at = node * 32
    for (let byte = 0; byte < 32; byte++) {
      const value = nodes[at + byte]!
      ascii[2 + 2 * byte] = HEX_DIGITS[value >>> 4]!
      ascii[3 + 2 * byte] = HEX_DIGITS[value & 15]!
    }
    hex[node] = decoder.decode(ascii) as Hex
  }
  return hex
}
