import { formatUnits } from 'viem'

/** `95,000 dUSD`: amounts as a person reads them (18 decimals, thousands separated). */
export function formatAmount(amount: bigint, symbol = 'dUSD', decimals = 18): string {
  const [whole = '0', fraction] = formatUnits(amount, decimals).split('.')
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',')
  return `${grouped}${fraction ? `.${fraction.slice(0, 4)}` : ''} ${symbol}`
}

export function formatSeconds(milliseconds: number): string {
  return `${(milliseconds / 1000).toFixed(1)} s`
}
