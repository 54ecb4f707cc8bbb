import { existsSync, readdirSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { UsageError } from '../errors.js'
import { resolveIncidentDir } from '../journal/incident.js'

/** The incident named, or the latest under `root` (ids sort by the time they were opened); never a new one. */
export function latestIncidentDir(ref: string | undefined, root: string): string {
  if (ref !== undefined) return resolveIncidentDir(ref, root)
  const folder = resolve(root)
  const ids = existsSync(folder) ? readdirSync(folder).filter((name) => statSync(join(folder, name)).isDirectory()).sort() : []
  const latest = ids.at(-1)
  if (latest === undefined) throw new UsageError(`no incident under ${folder} to serve: pass --incident, or --incidents where they are`)
  return join(folder, latest)
}
