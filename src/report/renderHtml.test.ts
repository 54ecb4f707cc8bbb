import { describe, expect, it } from 'vitest'
import { assetChartSvg } from './charts/assetChart.js'
import { lossChartSvg } from './charts/lossChart.js'
import { renderHtml } from './renderHtml.js'
import type { AssetChart, LossChart, ReportDocument } from './reportDocument.js'

const unit = 10n ** 18n
const dUSD = { address: '0x5FbDB2315678afecb367f032d93F642f64180aa3', symbol: 'dUSD', decimals: 18 }

const vaultChart: AssetChart = {
  kind: 'assets',
  title: 'dUSD held by vault',
  asset: dUSD,
  series: [
    {
      name: 'vault',
      address: '0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0',
      points: [10n, 11n, 12n, 13n, 20n].map((blockNumber) => ({ blockNumber, amount: blockNumber < 12n ? 100_000n * unit : 5_000n * unit })),
    },
  ],
  marks: [
    { kind: 'attack', blockNumber: 12n, label: 'attack' },
    { kind: 'pause', blockNumber: 13n, label: 'pause' },
    { kind: 'restore', blockNumber: 99n, label: 'restore' },
  ],
}

/** The numbers of an SVG path's `M x y L x y …`, as [x, y] pairs. */
function pathPoints(svg: string): [number, number][] {
  const d = /<path class="series"[^>]* d="([^"]+)"/.exec(svg)?.[1] ?? ''
  return [...d.matchAll(/[ML]([\d.]+) ([\d.]+)/g)].map((match) => [Number(match[1]), Number(match[2])])
}

describe('assetChartSvg', () => {
  it('draws the vault\'s line falling at the attack block, from left to right by block', () => {
    const points = pathPoints(assetChartSvg(vaultChart))

    expect(points).toHaveLength(5)
    expect(points.map(([x]) => x)).toEqual([...points.map(([x]) => x)].sort((a, b) => a - b))
    // Higher on the page means more: 100,000 before the attack, 5,000 from the attack block on.
    expect(points[1]![1]).toBeLessThan(points[2]![1])
    expect(points[2]![1]).toBe(points[4]![1])
  })

  it('marks each event inside the observed blocks at its block, and leaves out one outside them', () => {
    const svg = assetChartSvg(vaultChart)
    const marks = [...svg.matchAll(/<g class="mark" data-mark="(\w+)" data-block="(\d+)"><line x1="([\d.]+)"/g)].map((match) => ({ kind: match[1], block: match[2], x: Number(match[3]) }))
    const points = pathPoints(svg)

    expect(marks.map((mark) => [mark.kind, mark.block])).toEqual([['attack', '12'], ['pause', '13']])
    expect(marks[0]!.x).toBe(points[2]![0])
    expect(marks[1]!.x).toBe(points[3]![0])
  })
})

describe('lossChartSvg', () => {
  it('draws one bar per account, lengths in proportion to the losses, the tail beyond twenty in one bar', () => {
    const bars = Array.from({ length: 22 }, (_, index) => ({ account: `0x${String(index).padStart(40, '0')}`, loss: BigInt(22 - index) * unit }))
    const chart: LossChart = { kind: 'losses', title: 'losses', asset: dUSD, bars: bars.slice(0, 20), others: { accounts: 2, loss: 3n * unit } }
    const widths = [...lossChartSvg(chart).matchAll(/<rect class="bar"[^>]* width="([\d.]+)"/g)].map((match) => Number(match[1]))

    expect(widths).toHaveLength(21)
    expect(widths[0]! / widths[1]!).toBeCloseTo(22 / 21, 3)
    expect(lossChartSvg(chart)).toContain('>2 others</text>')
  })
})

describe('renderHtml', () => {
  it('escapes every string from the journal and forbids scripts and network loads', () => {
    const hostile = '</title><script>alert("x")</script>'
    const document: ReportDocument = {
      title: `Incident report: ${hostile}`,
      blocks: [
        { kind: 'heading', level: 1, text: `Incident report: ${hostile}` },
        { kind: 'paragraph', text: [{ code: '<b>code</b>' }, ' & ', { strong: "it's" }] },
        { kind: 'table', head: ['a<b'], rows: [[['<i>']]] },
        { kind: 'chart', chart: { ...vaultChart, series: [{ ...vaultChart.series[0]!, name: '"><script>x</script>' }] } },
      ],
    }
    const html = renderHtml(document)

    expect(html).not.toMatch(/<script|<b>|<i>/)
    expect(html).toContain('<title>Incident report: &lt;/title&gt;&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</title>')
    expect(html).toContain('<p><code>&lt;b&gt;code&lt;/b&gt;</code> &amp; <strong>it&#39;s</strong></p>')
    expect(html).toContain('data-series="&quot;&gt;&lt;script&gt;x&lt;/script&gt;"')
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`)
  })
})
