import { MARK_COLOURS, SERIES_COLOURS, assetChartSvg } from './charts/assetChart.js'
import { lossChartSvg } from './charts/lossChart.js'
import { escapeHtml } from './charts/svg.js'
import type { Block, Chart, ListItem, ReportDocument, Text } from './reportDocument.js'

/**
 * The report as one self-contained HTML page (report.html): inline CSS, inline SVG charts, no
 * script, nothing fetched. Its Content-Security-Policy forbids scripts and every network load, so
 * even a journal string that slipped past escaping could not run or call out.
 */
export function renderHtml(document: ReportDocument): string {
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="generator" content="firebreak">',
    `<title>${escapeHtml(document.title)}</title>`,
    `<style>${REPORT_STYLE}</style>`,
    '</head>',
    '<body>',
    '<main>',
    ...document.blocks.map(renderBlock),
    '</main>',
    '</body>',
    '</html>',
    '',
  ].join('\n')
}

/** One block of the report as HTML, everything from the journal escaped: what the war-room page embeds. */
export function renderBlock(block: Block): string {
  switch (block.kind) {
    case 'heading':
      return `<h${block.level}>${escapeHtml(block.text)}</h${block.level}>`
    case 'paragraph':
      return `<p>${inline(block.text)}</p>`
    case 'alert':
      return `<p class="alert" role="alert">${inline(block.text)}</p>`
    case 'list':
      return `<ul>${block.items.map(listItem).join('')}</ul>`
    case 'table': {
      const align = (index: number) => (block.align?.[index] === 'right' ? ' class="number"' : '')
      const head = block.head.map((cell, index) => `<th${align(index)}>${escapeHtml(cell)}</th>`).join('')
      const rows = block.rows.map((row) => `<tr>${row.map((cell, index) => `<td${align(index)}>${inline(cell)}</td>`).join('')}</tr>`).join('\n')
      return `<div class="table"><table><thead><tr>${head}</tr></thead><tbody>\n${rows}\n</tbody></table></div>`
    }
    case 'chart':
      return chart(block.chart)
  }
}

function listItem(item: ListItem): string {
  const nested = item.items?.length ? `<ul>${item.items.map((text) => `<li>${inline(text)}</li>`).join('')}</ul>` : ''
  return `<li>${inline(item.text)}${nested}</li>`
}

function chart(chart: Chart): string {
  if (chart.kind === 'losses') return `<figure class="chart" data-chart="losses">${lossChartSvg(chart)}<figcaption>${escapeHtml(chart.title)}</figcaption></figure>`
  const legend = [
    ...chart.series.map((series, index) => `<li><span class="swatch" style="background:${SERIES_COLOURS[index % SERIES_COLOURS.length]}"></span>${escapeHtml(series.name)} <code>${escapeHtml(series.address)}</code></li>`),
    ...[...new Set(chart.marks.map((mark) => mark.kind))].map((kind) => `<li><span class="swatch mark" style="border-color:${MARK_COLOURS[kind]}"></span>${escapeHtml(kind)}</li>`),
  ]
  return `<figure class="chart" data-chart="assets">${assetChartSvg(chart)}<figcaption>${escapeHtml(chart.title)}</figcaption><ul class="legend">${legend.join('')}</ul></figure>`
}

function inline(text: Text): string {
  return text
    .map((part) => {
      if (typeof part === 'string') return escapeHtml(part)
      if ('code' in part) return `<code>${escapeHtml(part.code)}</code>`
      return `<strong>${escapeHtml(part.strong)}</strong>`
    })
    .join('')
}

/** The report's CSS, for a page that embeds its blocks. */
export const REPORT_STYLE = `
:root { color-scheme: light; --ink: #1b1f24; --muted: #57606a; --line: #d0d7de; --soft: #f6f8fa; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: #fff; }
main { max-width: 980px; margin: 0 auto; padding: 24px 20px 64px; }
h1 { font-size: 26px; margin: 0 0 8px; }
h2 { font-size: 20px; margin: 32px 0 8px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
h3 { font-size: 16px; margin: 20px 0 6px; }
p, ul { margin: 6px 0 10px; }
.alert { margin: 8px 0 12px; padding: 8px 12px; border-left: 4px solid #cf222e; background: #ffebe9; }
code { font: 12.5px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background: var(--soft); padding: 1px 4px; border-radius: 4px; word-break: break-all; }
.table { overflow-x: auto; margin: 8px 0 14px; }
table { border-collapse: collapse; font-size: 13.5px; }
th, td { border: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: var(--soft); }
td.number, th.number { text-align: right; white-space: nowrap; }
figure.chart { margin: 12px 0 20px; }
figure.chart svg { display: block; max-width: 100%; height: auto; }
figcaption { color: var(--muted); font-size: 13px; margin-top: 4px; }
.chart-svg text { font: 11px system-ui, sans-serif; fill: var(--muted); }
.chart-svg .axis { fill: var(--ink); }
.chart-svg .grid { stroke: #eaeef2; }
.chart-svg .axis-line { stroke: var(--muted); }
.chart-svg .series { fill: none; stroke-width: 2; }
.chart-svg .mark line { stroke-width: 1.5; stroke-dasharray: 5 4; }
.chart-svg .mark text { font-weight: 600; }
.chart-svg .bar { fill: #D55E00; }
.legend { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: 4px 16px; font-size: 13px; }
.swatch { display: inline-block; width: 14px; height: 4px; margin-right: 6px; vertical-align: middle; }
.swatch.mark { height: 12px; width: 0; border-left: 2px dashed; }
@media print { main { max-width: none; } h2 { break-after: avoid; } figure { break-inside: avoid; } }
`.trim()
