import { InvalidArgumentError } from 'commander'

/**
 * Value parsers for options and arguments. Each throws commander's InvalidArgumentError, so a bad
 * value is refused while the command line is read: one line naming the flag, exit 2, before any
 * chain is touched or incident folder opened. The checks are plain patterns on purpose: viem would
 * add a quarter of a second to every start, `--help` included; the library checksums what it uses.
 */
function invalid(expected: string, value: string): never {
  throw new InvalidArgumentError(`expected ${expected}, got "${value}"`)
}

/** A TCP port, 1-65535. */
export function parsePort(value: string): number {
  const port = Number(value)
  if (!/^\d+$/.test(value) || port < 1 || port > 65535) invalid('a port (1-65535)', value)
  return port
}

/** A count of things (accounts per batch, days): a whole number of at least 1. */
export function parseCount(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1 || !Number.isSafeInteger(Number(value))) invalid('a whole number of at least 1', value)
  return Number(value)
}

/** A block number (digits). */
export function parseBlock(value: string): bigint {
  if (!/^\d+$/.test(value)) invalid('a block number (digits)', value)
  return BigInt(value)
}

/** An amount in a token's base units (wei): digits, no decimal point. */
export function parseAmount(value: string): bigint {
  if (!/^\d+$/.test(value)) invalid("a whole number in the token's base units (wei)", value)
  return BigInt(value)
}

/** A whole number of days, 0 allowed. */
export function parseDays(value: string): bigint {
  if (!/^\d+$/.test(value)) invalid('a whole number of days', value)
  return BigInt(value)
}

/** An address: 0x and 40 hex digits (the library checksums it). */
export function parseAddress(value: string): `0x${string}` {
  if (!/^0x[0-9a-fA-F]{40}$/.test(value)) invalid('an address (0x and 40 hex digits)', value)
  return value as `0x${string}`
}

/** A transaction hash: 0x and 64 hex digits. */
export function parseHash(value: string): `0x${string}` {
  if (!/^0x[0-9a-fA-F]{64}$/.test(value)) invalid('a transaction hash (0x and 64 hex digits)', value)
  return value as `0x${string}`
}

/** For a repeatable or variadic option: each value parsed, collected in order. */
export function each<T>(parse: (value: string) => T) {
  return (value: string, previous: T[] | undefined): T[] => [...(previous ?? []), parse(value)]
}

/**
 * Commander's refusal of a value (`option '--batch-size <accounts>' argument 'abc' is invalid.
 * expected …`) as the one line firebreak prints: `--batch-size: expected …`.
 */
export function formatInvalidValue(message: string): string {
  const option = /^option '(-\w, )?(--[\w-]+)[^']*' (?:argument|value) '.*?'(?: from env '([^']+)')? is invalid\.\s*(.*)$/s.exec(message)
  if (option) return `${option[2]}${option[3] ? ` (from ${option[3]})` : ''}: ${option[4]}`
  const argument = /^command-argument value '.*?' is invalid for argument '([^']+)'\.\s*(.*)$/s.exec(message)
  if (argument) return `<${argument[1]}>: ${argument[2]}`
  return message
}
