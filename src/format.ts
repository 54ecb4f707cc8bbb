import { formatUnits } from 'viem'

/** `95,000 dUSD`, `0.0312 WETH`: an amount in base units as a person reads it. */
export function formatTokenAmount(amount: bigint, { symbol = '', decimals = 18 }: { symbol?: string; decimals?: number } = {}): string {
  const [whole = '0', fraction] = formatUnits(amount, decimals).split('.')
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',')
  return `${grouped}${fraction ? `.${fraction.slice(0, 4)}` : ''}${symbol ? ` ${symbol}` : ''}`
}

/** A call's argument as a signer reads it: integers in decimal, long bytes shortened, lists in brackets. */
export function showValue(value: unknown): string {
  if (typeof value === 'bigint') return value.toString()
  if (typeof value === 'string') return value.length > 66 ? `${value.slice(0, 10)}…(${(value.length - 2) / 2} bytes)` : value
  if (Array.isArray(value)) return `[${value.map(showValue).join(', ')}]`
  return JSON.stringify(value)
}
