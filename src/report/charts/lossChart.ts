import { formatTokenAmount } from '../../format.js'
import type { LossChart } from '../reportDocument.js'
import { coordinate, escapeHtml, ratio, shortHex } from './svg.js'

const WIDTH = 760
const LABEL = 130
const AMOUNT = 150
const ROW = 26

/** One horizontal bar per account, largest loss first: who bears most of the incident, at a glance. */
export function lossChartSvg(chart: LossChart): string {
  const bars = [...chart.bars.map((bar) => ({ label: shortHex(bar.account), title: bar.account, loss: bar.loss, account: bar.account })), ...(chart.others ? [{ label: `${chart.others.accounts} others`, title: `${chart.others.accounts} other accounts`, loss: chart.others.loss, account: '' }] : [])]
  if (bars.length === 0) return ''
  const max = bars.reduce((top, bar) => (bar.loss > top ? bar.loss : top), 0n)
  const height = bars.length * ROW + 12
  const span = WIDTH - LABEL - AMOUNT
  const rows = bars.map((bar, index) => {
    const y = 6 + index * ROW
    const length = Math.max(ratio(bar.loss, max) * span, bar.loss > 0n ? 1 : 0)
    const amount = formatTokenAmount(bar.loss, chart.asset)
    return [
      `<g class="loss" data-account="${escapeHtml(bar.account)}">`,
      `<title>${escapeHtml(`${bar.title}: ${amount}`)}</title>`,
      `<text class="tick" x="${LABEL - 8}" y="${y + ROW / 2 - 2}" text-anchor="end" dominant-baseline="middle">${escapeHtml(bar.label)}</text>`,
      `<rect class="bar" x="${LABEL}" y="${y}" width="${coordinate(length)}" height="${ROW - 8}"/>`,
      `<text class="tick" x="${coordinate(LABEL + length + 6)}" y="${y + ROW / 2 - 2}" dominant-baseline="middle">${escapeHtml(amount)}</text>`,
      '</g>',
    ].join('')
  })
  return `<svg class="chart-svg" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}" role="img" aria-label="${escapeHtml(chart.title)}" xmlns="http://www.w3.org/2000/svg"><title>${escapeHtml(chart.title)}</title>${rows.join('')}</svg>`
}
