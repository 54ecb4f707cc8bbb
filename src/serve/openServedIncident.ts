import { existsSync, readdirSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { UsageError } from '../errors.js'
import { resolveIncidentDir } from '../journal/incident.js'
import { DATABASE_URL_ENV, PgJournal, latestDatabaseIncident } from '../journal/pgJournal.js'
import type { IncidentJournal } from '../journal/incidentJournal.js'
import { type JournalReader, refreshingJournalReader } from './journalReader.js'

export type OpenServedIncidentParameters = {
  /** The incident id or folder; the latest one when left out. */
  incident?: string | undefined
  /** Where incident folders live. */
  incidents: string
  /** The shared journal's PostgreSQL; FIREBREAK_DATABASE_URL when left out; the folder's journal without either. */
  databaseUrl?: string | undefined
}

/**
 * The incident a page serves: its folder (Safe transaction and signature files), and with a shared
 * journal the reader and writer of that journal. Never a new incident: there is nothing to show.
 */
export function openServedIncident({ incident, incidents, databaseUrl = process.env[DATABASE_URL_ENV] }: OpenServedIncidentParameters): { dir: string; reader?: JournalReader; openJournal?: () => IncidentJournal } {
  if (databaseUrl === undefined || databaseUrl === '') return { dir: latestIncidentDir(incident, incidents) }
  const id = incident ?? latestDatabaseIncident(databaseUrl)
  if (id === undefined) throw new UsageError('the shared journal holds no incident to serve: pass --incident')
  const journal = PgJournal.open({ databaseUrl, incident: id, dir: join(resolve(incidents), id) })
  return { dir: journal.dir, reader: refreshingJournalReader(journal), openJournal: () => journal }
}

/** The incident named, or the latest under `root` (ids sort by the time they were opened). */
function latestIncidentDir(ref: string | undefined, root: string): string {
  if (ref !== undefined) return resolveIncidentDir(ref, root)
  const folder = resolve(root)
  const ids = existsSync(folder) ? readdirSync(folder).filter((name) => statSync(join(folder, name)).isDirectory()).sort() : []
  const latest = ids.at(-1)
  if (latest === undefined) throw new UsageError(`no incident under ${folder} to serve: pass --incident, or --incidents where they are`)
  return join(folder, latest)
}
