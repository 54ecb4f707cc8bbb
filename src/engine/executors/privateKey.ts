import { type Hex, type LocalAccount, hexToBigInt, isHex } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { AuthorityMissingError } from '../errors.js'

/** secp256k1's group order n: a private key is a number in [1, n). */
const curveOrder = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n

/**
 * Why 32 bytes are no private key (`zero`, past the curve order), or undefined when they are one:
 * checked before viem, whose own refusal prints the key in decimal.
 */
export function privateKeyProblem(scalar: bigint): string | undefined {
  if (scalar === 0n) return 'zero'
  if (scalar >= curveOrder) return 'not below the secp256k1 curve order'
  return undefined
}

/**
 * The account of the private key held in the environment variable `variable`, with or without its
 * 0x. Every refusal names the variable and what is wrong, never the value: viem's own error for a
 * key of zero or past the curve order prints the key in decimal, and that line would land in the
 * terminal, the war room's screenshots and the incident journal.
 */
export function accountFromPrivateKey(variable: string, key: string): LocalAccount {
  const trimmed = key.trim()
  const normalized = (trimmed.startsWith('0x') || trimmed.startsWith('0X') ? `0x${trimmed.slice(2)}` : `0x${trimmed}`) as Hex
  if (!isHex(normalized) || normalized.length !== 66) {
    throw new AuthorityMissingError(`${variable} does not hold a private key: expected 32 bytes of hex (64 hex digits, with or without 0x), found ${normalized.length - 2 === 64 ? '64 characters that are not all hex digits' : `${trimmed.length} characters`} (the value is not shown)`)
  }
  const problem = privateKeyProblem(hexToBigInt(normalized))
  if (problem) throw new AuthorityMissingError(`${variable} does not hold a usable private key: it is ${problem}, which no account has (the value is not shown)`)
  return privateKeyToAccount(normalized)
}
