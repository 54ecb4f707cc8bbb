import { type Address, type Hash, getAddress, isAddress, isHash } from 'viem'
import { UsageError } from '../errors.js'

/**
 * Command-line values that need viem to check. Imported by commands inside their actions, never at
 * start-up: loading viem would add a quarter of a second to every \`firebreak\` call, \`--help\` included.
 */
export function addressOption(flag: string, value: string): Address {
  if (!isAddress(value, { strict: false })) throw new UsageError(`${flag} expects an address (0x and 40 hex digits), got "${value}"`)
  return getAddress(value)
}

export function hashOption(flag: string, value: string): Hash {
  if (!isHash(value)) throw new UsageError(`${flag} expects a transaction hash (0x and 64 hex digits), got "${value}"`)
  return value
}
