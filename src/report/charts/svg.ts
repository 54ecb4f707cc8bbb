/**
 * Text for HTML and SVG, escaped: every string a report shows may come from the journal, and
 * anyone who can append to a journal must not be able to run script in the reader's browser.
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => ENTITIES[character]!)
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

/** A coordinate with two decimals: enough for a screen, short enough to keep the file small. */
export function coordinate(value: number): string {
  return String(Math.round(value * 100) / 100)
}

/** `value / max` as a number in [0, 1], computed on bigints so that 10^27-wei amounts keep their ratio. */
export function ratio(value: bigint, max: bigint): number {
  if (max <= 0n) return 0
  return Number((value * 1_000_000n) / max) / 1_000_000
}

export function shortHex(hex: string): string {
  return hex.length > 14 ? `${hex.slice(0, 6)}…${hex.slice(-4)}` : hex
}
