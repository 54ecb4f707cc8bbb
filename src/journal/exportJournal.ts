import fs from 'node:fs'
import path from 'node:path'
import { UsageError } from '../errors.js'
import type { JournalHead } from './hashChain.js'
import { IncidentNotFoundError } from './incident.js'
import { HEAD_FILE, JOURNAL_FILE } from './journal.js'
import { describeDatabase, readDatabaseJournal } from './pgJournal.js'

export type ExportJournalParameters = {
  databaseUrl: string
  incident: string
  /** Where the incident's folder is written: `<out>/<incident>/journal.jsonl` and journal.head. */
  out: string
}

export type ExportJournalReturnType = { dir: string; count: number; head: JournalHead | undefined }

/**
 * Writes an incident's shared journal in the folder form: the one `journal verify` and `report`
 * read, and an auditor can keep without a database. The folder is named by the incident id, as
 * verification expects of an incident's folder.
 */
export function exportJournal({ databaseUrl, incident, out }: ExportJournalParameters): ExportJournalReturnType {
  // The id becomes a folder name: one that could climb out of --out is refused.
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(incident)) throw new UsageError(`incident id "${incident}" is not a folder name: use letters, digits, ".", "_" and "-"`)
  const { head, lines } = readDatabaseJournal(databaseUrl, incident)
  if (lines.length === 0 && head === undefined) throw new IncidentNotFoundError(incident, [`the journal database at ${describeDatabase(databaseUrl).host}`])
  const dir = path.resolve(out, incident)
  fs.mkdirSync(dir, { recursive: true })
  fs.writeFileSync(path.join(dir, JOURNAL_FILE), lines.map((line) => `${line}\n`).join(''))
  if (head === undefined) fs.rmSync(path.join(dir, HEAD_FILE), { force: true })
  else fs.writeFileSync(path.join(dir, HEAD_FILE), `${JSON.stringify(head)}\n`)
  return { dir, count: lines.length, head }
}
