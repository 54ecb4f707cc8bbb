import { InvalidArgumentError } from 'commander'
import { UsageError } from '../errors.js'

export function parsePort(value: string): number {
  const port = Number(value)
  if (!/^\d+$/.test(value) || port < 1 || port > 65535) throw new InvalidArgumentError(`"${value}" is not a port (1-65535).`)
  return port
}

export function blockOption(flag: string, value: string | undefined): bigint | undefined {
  if (value === undefined) return undefined
  if (!/^\d+$/.test(value)) throw new UsageError(`${flag} expects a block number (digits), got "${value}"`)
  return BigInt(value)
}
