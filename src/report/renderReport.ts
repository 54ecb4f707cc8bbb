import type { JournalEntry } from '../journal/hashChain.js'
import { buildReport } from './buildReport.js'
import { renderHtml } from './renderHtml.js'
import { renderMarkdown } from './renderMarkdown.js'

/**
 * The post-mortem in Markdown, rendered from the journal alone: anyone holding journal.jsonl can
 * regenerate it and check it against the chain. Sections appear only for the phases the journal records.
 */
export function renderReport(entries: readonly JournalEntry[]): string {
  return renderMarkdown(buildReport(entries))
}

/** The same post-mortem as one self-contained HTML page with its charts (assets over blocks, loss distribution). */
export function renderReportHtml(entries: readonly JournalEntry[]): string {
  return renderHtml(buildReport(entries))
}
