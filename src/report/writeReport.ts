import { writeFileSync } from 'node:fs'
import type { Incident } from '../journal/incident.js'
import { buildReport } from './buildReport.js'
import { renderHtml } from './renderHtml.js'
import { renderMarkdown } from './renderMarkdown.js'

export type WriteReportFilesReturnType = { markdown: string; html: string }

/** Renders the incident's journal into report.md and report.html inside the incident folder; returns their paths. */
export function writeReportFiles(incident: Incident): WriteReportFilesReturnType {
  const document = buildReport(incident.journal.entries())
  const markdown = incident.path('report.md')
  const html = incident.path('report.html')
  writeFileSync(markdown, renderMarkdown(document))
  writeFileSync(html, renderHtml(document))
  return { markdown, html }
}

/** Renders report.md (and report.html beside it); returns the Markdown report's path. */
export function writeReport(incident: Incident): string {
  return writeReportFiles(incident).markdown
}
