import fs from 'node:fs'
import path from 'node:path'
import { FirebreakError, UsageError } from '../errors.js'
import type { IncidentJournal } from './incidentJournal.js'
import { Journal } from './journal.js'
import { DATABASE_URL_ENV, PgJournal, latestDatabaseIncident } from './pgJournal.js'

export const DEFAULT_INCIDENTS_ROOT = '.firebreak/incidents'

export type Incident = {
  id: string
  /** Absolute path of the incident folder. */
  dir: string
  journal: IncidentJournal
  /** Absolute path of a file inside the incident folder (a snapshot, a plan, the report). */
  path(name: string): string
}

export type OpenIncidentParameters = {
  /** Where incident folders live; relative to the working directory. */
  root?: string
  /** An existing incident to continue, or the id a new one should take. */
  id?: string
  /** A new incident's title; its slug ends the generated id. */
  title?: string
  /** The clock the id and the journal use; tests pass a fixed one. */
  now?: () => Date
  /**
   * A PostgreSQL URL: the journal is then that incident's shared journal in the database (several
   * firebreak processes, on several machines, recording in one chain), while the incident folder
   * stays local for its files. Left out, FIREBREAK_DATABASE_URL; without either, the folder's journal.
   */
  databaseUrl?: string
}

export class IncidentNotFoundError extends FirebreakError {
  override name = 'IncidentNotFoundError'

  constructor(ref: string, lookedAt: string[]) {
    super(`no incident "${ref}": looked for ${lookedAt.join(' and ')}`, {
      metaMessages: ['Pass an incident folder, or the id of an incident under the incidents folder.'],
    })
  }
}

/** Opens the incident `id`, or starts a new one named after the time and title. */
export function openIncident(parameters: OpenIncidentParameters = {}): Incident {
  const root = path.resolve(parameters.root ?? DEFAULT_INCIDENTS_ROOT)
  const now = parameters.now ?? (() => new Date())
  const id = parameters.id === undefined ? freshIncidentId(root, now(), parameters.title) : checkedIncidentId(parameters.id)
  const dir = path.join(root, id)
  const databaseUrl = databaseUrlOf(parameters)
  if (databaseUrl !== undefined) {
    const journal = PgJournal.open({ databaseUrl, incident: id, dir, now })
    // Under the incident's lock: two processes opening the same new incident record one opening.
    if (journal.entries().length === 0) journal.appendFirst('incident.opened', { id, title: parameters.title })
    return { id, dir, journal, path: (name) => fileInside(dir, name) }
  }
  // A rerun after a crash is how an operator goes on: it repairs a torn last line (and journals the
  // repair) rather than leaving them a journal nothing will write to, and a new incident to pay from twice.
  const journal = Journal.open(dir, { now, repair: true, incident: id })
  // Decided by the journal, not the folder: a folder whose first append never happened is still new.
  if (journal.entries().length === 0) journal.append('incident.opened', { id, title: parameters.title })
  return { id, dir, journal, path: (name) => fileInside(dir, name) }
}

function databaseUrlOf(parameters: OpenIncidentParameters): string | undefined {
  const url = parameters.databaseUrl ?? process.env[DATABASE_URL_ENV]
  return url === undefined || url === '' ? undefined : url
}

/**
 * The incident a war-room command records in: the one named, or else the latest under `root`
 * (ids sort by the time they were opened), or else a new one. A second `firebreak contain` after
 * an interruption thus lands in the same journal and resumes there.
 */
export function openCurrentIncident(parameters: OpenIncidentParameters = {}): Incident {
  if (parameters.id !== undefined) return openIncident(parameters)
  const root = path.resolve(parameters.root ?? DEFAULT_INCIDENTS_ROOT)
  const existing = fs.existsSync(root) ? fs.readdirSync(root).filter((name) => isDirectory(path.join(root, name))).sort() : []
  const databaseUrl = databaseUrlOf(parameters)
  // With a shared journal, the latest incident may have been opened on another machine.
  const shared = databaseUrl === undefined ? undefined : latestDatabaseIncident(databaseUrl)
  const latest = [...existing, ...(shared === undefined ? [] : [shared])].sort().at(-1)
  return openIncident(latest === undefined ? parameters : { ...parameters, id: latest })
}

/**
 * One chain's part of an incident that spans several: the same journal (one hash chain for the
 * whole incident), and a folder of its own for the chain's files, whose names (a snapshot at a
 * block, the losses of a token, a distribution's root) may be the same on two chains.
 */
export function incidentOnChain(incident: Incident, chain: string): Incident {
  const dir = fileInside(incident.dir, chain)
  fs.mkdirSync(dir, { recursive: true })
  return { ...incident, dir, journal: journalOnChain(incident.journal, chain), path: (name) => fileInside(dir, name) }
}

/**
 * The incident's one journal, with each entry this chain's runs append saying the chain (`chain`
 * beside the writer's data): the report attributes every entry, not only those whose writer knew
 * it acted on one chain of several.
 */
function journalOnChain(journal: IncidentJournal, chain: string): IncidentJournal {
  return new Proxy(journal, {
    get(target, property, receiver) {
      if (property !== 'append') {
        const value = Reflect.get(target, property, receiver)
        return typeof value === 'function' ? value.bind(target) : value
      }
      return (type: Parameters<IncidentJournal['append']>[0], data: unknown) => {
        const tagged = data !== null && typeof data === 'object' && !Array.isArray(data) && !('chain' in data) ? { ...data, chain } : data
        return target.append(type, tagged as never)
      }
    },
  })
}

/** The incident as a command on one chain of a manifest's view sees it: that chain's folder when the view has a scope. */
export function incidentForView(incident: Incident, view: { scope?: { chain: string } }): Incident {
  return view.scope ? incidentOnChain(incident, view.scope.chain) : incident
}

/** `YYYYMMDD-HHMMSS-<slug>` in UTC, so incidents sort by when they were opened in any time zone. */
export function incidentId(openedAt: Date, title?: string): string {
  const stamp = openedAt.toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-')
  return `${stamp}-${slugify(title ?? '')}`
}

export function slugify(title: string): string {
  const slug = title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, 48)
    .replace(/^-+|-+$/g, '')
  return slug === '' ? 'incident' : slug
}

/** The folder of an incident given as a path to its folder, or as an id under `root`. */
export function resolveIncidentDir(ref: string, root: string = DEFAULT_INCIDENTS_ROOT): string {
  const candidates = [path.resolve(ref), path.resolve(root, ref)]
  const found = candidates.find(isDirectory)
  if (found === undefined) throw new IncidentNotFoundError(ref, [...new Set(candidates)])
  return found
}

// Two incidents opened in the same second with the same title must not share a journal.
function freshIncidentId(root: string, openedAt: Date, title: string | undefined): string {
  const base = incidentId(openedAt, title)
  let id = base
  for (let suffix = 2; fs.existsSync(path.join(root, id)); suffix++) id = `${base}-${suffix}`
  return id
}

// An id becomes a folder name: anything that could climb out of the incidents root is refused.
function checkedIncidentId(id: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(id)) {
    throw new UsageError(`incident id "${id}" is not a folder name: use letters, digits, ".", "_" and "-"`)
  }
  return id
}

function fileInside(dir: string, name: string): string {
  const file = path.resolve(dir, name)
  const relative = path.relative(dir, file)
  if (relative === '' || relative === '..' || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative)) {
    throw new UsageError(`"${name}" is not a file inside the incident folder ${dir}`)
  }
  return file
}

function isDirectory(candidate: string): boolean {
  return fs.statSync(candidate, { throwIfNoEntry: false })?.isDirectory() ?? false
}
