import { writeFileSync } from 'node:fs'
import type { Incident } from '../journal/incident.js'
import { renderReport } from './renderReport.js'

/** Renders the incident's journal into report.md inside the incident folder; returns its path. */
export function writeReport(incident: Incident): string {
  const file = incident.path('report.md')
  writeFileSync(file, renderReport(incident.journal.entries()))
  return file
}
