import { formatTokenAmount } from '../format.js'

/** Amounts of the drill's token, dUSD (18 decimals). */
export function formatAmount(amount: bigint): string {
  return formatTokenAmount(amount, { symbol: 'dUSD', decimals: 18 })
}

export function formatSeconds(milliseconds: number): string {
  return `${(milliseconds / 1000).toFixed(1)} s`
}
