import type { AssetChart, Block, Chart, ListItem, ReportDocument, Text } from './reportDocument.js'
import { formatTokenAmount } from '../format.js'

/**
 * The report as Markdown (report.md). Charts become the figures behind them: a Markdown reader
 * has no SVG, and a table of the marked blocks says what the chart shows.
 */
export function renderMarkdown(document: ReportDocument): string {
  const lines: string[] = []
  for (const block of document.blocks) lines.push(...renderBlock(block), '')
  return `${lines.join('\n').trimEnd()}\n`
}

function renderBlock(block: Block): string[] {
  switch (block.kind) {
    case 'heading':
      return [`${'#'.repeat(block.level)} ${block.text}`]
    case 'paragraph':
      return [inline(block.text)]
    case 'alert':
      return [`> ${inline(block.text)}`]
    case 'list':
      return block.items.flatMap(listItem)
    case 'table':
      return table(block.head, block.rows.map((row) => row.map((cell) => inline(cell).replace(/\|/g, '\\|'))), block.align)
    case 'chart':
      return chart(block.chart)
  }
}

function listItem(item: ListItem): string[] {
  return [`- ${inline(item.text)}`, ...(item.items ?? []).map((text) => `  - ${inline(text)}`)]
}

function table(head: string[], rows: string[][], align: ('left' | 'right')[] = []): string[] {
  const row = (cells: string[]) => `|${cells.map((cell) => (cell === '' ? ' ' : ` ${cell} `)).join('|')}|`
  return [row(head), `|${head.map((_, index) => (align[index] === 'right' ? '---:' : '---')).join('|')}|`, ...rows.map(row)]
}

function chart(chart: Chart): string[] {
  if (chart.kind === 'losses') return [] // the losses table above holds the same figures
  return assetTable(chart)
}

/** The series at the blocks the chart marks (and the first and last sampled), one column per holder. */
function assetTable(chart: AssetChart): string[] {
  const points = chart.series[0]?.points ?? []
  const marked = new Map<bigint, string[]>()
  const label = (block: bigint, text: string) => marked.set(block, [...(marked.get(block) ?? []), text])
  for (const mark of chart.marks) {
    // What the protocol held just before the attack is the figure every loss is measured from.
    if (mark.kind === 'attack') label(mark.blockNumber - 1n, 'before the attack')
    label(mark.blockNumber, mark.label)
  }
  const shown = points.filter((point, index) => index === 0 || index === points.length - 1 || marked.has(point.blockNumber))
  const rows = shown.map((point) => [
    String(point.blockNumber),
    (marked.get(point.blockNumber) ?? []).join(', '),
    ...chart.series.map((series) => {
      const amount = series.points.find((candidate) => candidate.blockNumber === point.blockNumber)?.amount
      return amount === undefined ? '?' : formatTokenAmount(amount, chart.asset)
    }),
  ])
  return table(['block', 'event', ...chart.series.map((series) => series.name.replace(/\|/g, '\\|'))], rows, ['left', 'left', ...chart.series.map(() => 'right' as const)])
}

function inline(text: Text): string {
  return text
    .map((part) => {
      if (typeof part === 'string') return part
      if ('code' in part) return codeSpan(part.code)
      return `**${part.strong}**`
    })
    .join('')
}

/** A backtick inside a journal string must not close the code span early. */
function codeSpan(code: string): string {
  if (!code.includes('`')) return `\`${code}\``
  return `\`\` ${code} \`\``
}
