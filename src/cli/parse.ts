import { statSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { InvalidArgumentError } from 'commander'
import { rpcUrlShapeProblem } from '../manifest/rpcUrl.js'

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

/**
 * An RPC URL (http, https, ws or wss), refused without printing it back: a provider's URL embeds
 * the account's API key. `htp:/x` would otherwise be tried five times and reported as a node that
 * cannot be reached, sending the war room to check a node that was never asked.
 */
export function parseRpcUrl(value: string): string {
  // An empty FIREBREAK_RPC_URL (a blank line in a .env file) means none, as if it were unset.
  if (value.trim() === '') return ''
  const problem = rpcUrlShapeProblem(value.trim())
  if (problem) throw new InvalidArgumentError(`${problem}: give the node's URL, e.g. https://… or http://127.0.0.1:8545 (the value is not shown: it may hold an API key)`)
  return value.trim()
}

/**
 * A folder firebreak keeps files in (created when missing): refused when it, or a folder on its
 * way, is a file, which mkdir would report as a bare EEXIST or ENOTDIR.
 */
export function parseFolder(value: string): string {
  if (value.trim() === '') invalid('a folder', value)
  const blocking = fileOnTheWay(resolve(value))
  if (blocking) throw new InvalidArgumentError(`${blocking === resolve(value) ? `"${value}" is a file` : `"${blocking}" is a file, not a folder`}: expected a folder (or a path where one can be created)`)
  return value
}

/** A file firebreak writes: refused when it is a folder, or a folder on its way is a file. */
export function parseOutputFile(value: string): string {
  if (value.trim() === '') invalid('a file path', value)
  const target = resolve(value)
  if (statOrUndefined(target)?.isDirectory()) throw new InvalidArgumentError(`"${value}" is a folder: expected the path of a file to write`)
  const blocking = fileOnTheWay(dirname(target))
  if (blocking) throw new InvalidArgumentError(`"${blocking}" is a file, not a folder: "${value}" cannot be written under it`)
  return value
}

/** The first existing non-folder among `path` and its parents, from the root down. */
function fileOnTheWay(path: string): string | undefined {
  const parents: string[] = []
  for (let current = path; ; current = dirname(current)) {
    parents.unshift(current)
    if (dirname(current) === current) break
  }
  for (const folder of parents) {
    const stat = statOrUndefined(folder)
    if (stat === undefined) return undefined
    if (!stat.isDirectory()) return folder
  }
  return undefined
}

function statOrUndefined(path: string) {
  try {
    return statSync(path)
  } catch {
    return undefined
  }
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
