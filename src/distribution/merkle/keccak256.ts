import { keccak_256 } from '@noble/hashes/sha3'

/**
 * Keccak-256 of `input[inputOffset, inputOffset + length)` into `output[outputOffset, +32)`, through
 * @noble/hashes (audited; viem's own keccak). A hand-written Keccak would be about 4× faster here;
 * the builder is fast enough without one (see bench/merkle.ts), and a reimbursement's root is not
 * where an incident-response tool should carry its own cryptography.
 */
export function keccak256Into(input: Uint8Array, inputOffset: number, length: number, output: Uint8Array, outputOffset: number): void {
  output.set(keccak_256(input.subarray(inputOffset, inputOffset + length)), outputOffset)
}
