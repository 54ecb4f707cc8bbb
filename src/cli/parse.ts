import { InvalidArgumentError } from 'commander'

export function parsePort(value: string): number {
  const port = Number(value)
  if (!/^\d+$/.test(value) || port < 1 || port > 65535) throw new InvalidArgumentError(`"${value}" is not a port (1-65535).`)
  return port
}
