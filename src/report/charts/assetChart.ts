import { formatTokenAmount } from '../../format.js'
import type { AssetChart, ChartMark } from '../reportDocument.js'
import { coordinate, escapeHtml, ratio } from './svg.js'

const WIDTH = 760
const HEIGHT = 340
const PLOT = { left: 100, right: 24, top: 64, bottom: 40 }
/** Distinct under the common kinds of colour blindness (Okabe–Ito). */
export const SERIES_COLOURS = ['#0072B2', '#009E73', '#CC79A7', '#56B4E9', '#E69F00', '#000000']
export const MARK_COLOURS: Record<ChartMark['kind'], string> = { attack: '#D55E00', pause: '#E69F00', fix: '#0072B2', restore: '#009E73' }

/**
 * What the protocol held over blocks, one line per contract, with a dashed vertical line at each
 * event of the incident. Inline SVG: the report stays one file that opens anywhere, offline.
 */
export function assetChartSvg(chart: AssetChart): string {
  const blocks = chart.series.flatMap((series) => series.points.map((point) => point.blockNumber))
  if (blocks.length === 0) return ''
  const first = blocks.reduce((a, b) => (b < a ? b : a))
  const last = blocks.reduce((a, b) => (b > a ? b : a))
  const top = chart.series.flatMap((series) => series.points.map((point) => point.amount)).reduce((a, b) => (b > a ? b : a), 0n)
  const yMax = top > 0n ? top : 1n
  const width = WIDTH - PLOT.left - PLOT.right
  const height = HEIGHT - PLOT.top - PLOT.bottom
  const x = (block: bigint) => PLOT.left + (last === first ? width / 2 : ratio(block - first, last - first) * width)
  const y = (amount: bigint) => PLOT.top + height - ratio(amount, yMax) * height

  const parts: string[] = []
  for (let tick = 0; tick <= 4; tick++) {
    const amount = (yMax * BigInt(tick)) / 4n
    const at = coordinate(y(amount))
    parts.push(`<line class="grid" x1="${PLOT.left}" x2="${WIDTH - PLOT.right}" y1="${at}" y2="${at}"/>`)
    parts.push(`<text class="tick" x="${PLOT.left - 8}" y="${at}" text-anchor="end" dominant-baseline="middle">${escapeHtml(formatTokenAmount(amount, { decimals: chart.asset.decimals }))}</text>`)
  }
  for (const block of blockTicks(first, last)) {
    parts.push(`<text class="tick" x="${coordinate(x(block))}" y="${HEIGHT - PLOT.bottom + 18}" text-anchor="middle">${block}</text>`)
  }
  parts.push(`<text class="axis" x="${PLOT.left + width / 2}" y="${HEIGHT - 6}" text-anchor="middle">block</text>`)
  parts.push(`<text class="axis" x="14" y="${PLOT.top + height / 2}" text-anchor="middle" transform="rotate(-90 14 ${PLOT.top + height / 2})">${escapeHtml(chart.asset.symbol)}</text>`)

  chart.marks
    .filter((mark) => mark.blockNumber >= first && mark.blockNumber <= last)
    .forEach((mark, index) => {
      const at = coordinate(x(mark.blockNumber))
      // Events a block apart would print their labels on top of each other: three rows take turns.
      const labelY = PLOT.top - 44 + (index % 3) * 14
      parts.push(
        `<g class="mark" data-mark="${mark.kind}" data-block="${mark.blockNumber}"><line x1="${at}" x2="${at}" y1="${labelY + 4}" y2="${PLOT.top + height}" stroke="${MARK_COLOURS[mark.kind]}"/><text x="${at}" y="${labelY}" text-anchor="middle" fill="${MARK_COLOURS[mark.kind]}">${escapeHtml(`${mark.label} (${mark.blockNumber})`)}</text></g>`,
      )
    })

  chart.series.forEach((series, index) => {
    const colour = SERIES_COLOURS[index % SERIES_COLOURS.length]
    const points = [...series.points].sort((a, b) => (a.blockNumber < b.blockNumber ? -1 : a.blockNumber > b.blockNumber ? 1 : 0))
    const path = points.map((point, position) => `${position === 0 ? 'M' : 'L'}${coordinate(x(point.blockNumber))} ${coordinate(y(point.amount))}`).join(' ')
    parts.push(`<path class="series" data-series="${escapeHtml(series.name)}" d="${path}" stroke="${colour}"/>`)
    for (const point of points) {
      parts.push(`<circle class="point" cx="${coordinate(x(point.blockNumber))}" cy="${coordinate(y(point.amount))}" r="2.5" fill="${colour}"><title>${escapeHtml(`${series.name} at block ${point.blockNumber}: ${formatTokenAmount(point.amount, chart.asset)}`)}</title></circle>`)
    }
  })
  parts.push(`<line class="axis-line" x1="${PLOT.left}" x2="${PLOT.left}" y1="${PLOT.top}" y2="${PLOT.top + height}"/>`)
  parts.push(`<line class="axis-line" x1="${PLOT.left}" x2="${WIDTH - PLOT.right}" y1="${PLOT.top + height}" y2="${PLOT.top + height}"/>`)
  return `<svg class="chart-svg" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" role="img" aria-label="${escapeHtml(chart.title)}" xmlns="http://www.w3.org/2000/svg"><title>${escapeHtml(chart.title)}</title>${parts.join('')}</svg>`
}

/** About five round block numbers (steps of 1, 2 or 5 × 10^k) across the range, the ends included. */
function blockTicks(first: bigint, last: bigint): bigint[] {
  if (last === first) return [first]
  const span = last - first
  const step = niceStep(span)
  const inner: bigint[] = []
  for (let block = (first / step + 1n) * step; block < last; block += step) {
    // A round tick right next to an end would print over it.
    if (block - first >= step / 2n && last - block >= step / 2n) inner.push(block)
  }
  return [first, ...inner, last]
}

function niceStep(span: bigint): bigint {
  for (let magnitude = 1n; ; magnitude *= 10n) {
    for (const multiple of [1n, 2n, 5n]) if (span / (multiple * magnitude) <= 5n) return multiple * magnitude
  }
}
