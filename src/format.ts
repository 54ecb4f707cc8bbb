import { formatUnits } from 'viem'

/** `95,000 dUSD`, `0.0312 WETH`: an amount in base units as a person reads it. */
export function formatTokenAmount(amount: bigint, { symbol = '', decimals = 18 }: { symbol?: string; decimals?: number } = {}): string {
  const [whole = '0', fraction] = formatUnits(amount, decimals).split('.')
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',')
  return `${grouped}${fraction ? `.${fraction.slice(0, 4)}` : ''}${symbol ? ` ${symbol}` : ''}`
}
