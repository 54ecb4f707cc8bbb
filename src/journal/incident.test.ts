import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { UsageError } from '../errors.js'
import { IncidentNotFoundError, incidentId, openIncident, resolveIncidentDir, slugify } from './incident.js'
import { verifyJournal } from './journal.js'

let workspace: string
let root: string
const openedAt = new Date(Date.UTC(2025, 2, 14, 9, 15, 2))
const now = () => openedAt

beforeEach(() => {
  workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'firebreak-incident-'))
  root = path.join(workspace, 'incidents')
})

afterEach(() => {
  vi.restoreAllMocks()
  fs.rmSync(workspace, { recursive: true, force: true })
})

describe('openIncident', () => {
  it('names a new incident after its UTC opening time and title, and journals its opening', () => {
    const incident = openIncident({ root, title: 'Bridge drain on Mainnet!', now })

    expect(incident.id).toBe('20250314-091502-bridge-drain-on-mainnet')
    expect(incident.dir).toBe(path.join(root, '20250314-091502-bridge-drain-on-mainnet'))
    expect(incident.journal.entries().map(({ seq, type, data }) => ({ seq, type, data }))).toEqual([
      { seq: 0, type: 'incident.opened', data: { id: '20250314-091502-bridge-drain-on-mainnet', title: 'Bridge drain on Mainnet!' } },
    ])
    expect(verifyJournal(incident.dir).ok).toBe(true)
  })

  it("calls an untitled incident 'incident'", () => {
    expect(openIncident({ root, now }).id).toBe('20250314-091502-incident')
  })

  it('reopens an incident and continues the chain', () => {
    const first = openIncident({ root, title: 'oracle manipulation', now })
    first.journal.append('step.sent', { planId: 'contain-pause-all', stepId: 'pause-vault', txHash: `0x${'ab'.repeat(32)}`, executor: 'key guardian', calls: [] })

    const again = openIncident({ root, id: first.id })
    again.journal.append('step.verified', { planId: 'contain-pause-all', stepId: 'pause-vault', checks: [] })

    expect(again.journal.entries().map((entry) => `${entry.seq}:${entry.type}`)).toEqual([
      '0:incident.opened',
      '1:step.sent',
      '2:step.verified',
    ])
    expect(verifyJournal(first.dir)).toEqual({ ok: true, verdict: 'intact', count: 3, problems: [] })
  })

  it('gives a second incident opened in the same second its own folder', () => {
    const first = openIncident({ root, title: 'drain', now })
    const second = openIncident({ root, title: 'drain', now })

    expect(second.id).toBe(`${first.id}-2`)
    expect(second.journal.entries()).toHaveLength(1)
  })

  it('starts a new incident under an id the team chose', () => {
    const incident = openIncident({ root, id: 'sev1-usdc-bridge', now })

    expect(incident.dir).toBe(path.join(root, 'sev1-usdc-bridge'))
    expect(incident.journal.last()?.data).toEqual({ id: 'sev1-usdc-bridge' })
  })

  it('refuses an id that would leave the incidents root', () => {
    expect(() => openIncident({ root, id: '../elsewhere' })).toThrow(UsageError)
    expect(fs.existsSync(path.join(workspace, 'elsewhere'))).toBe(false)
  })

  it('keeps incidents under .firebreak/incidents of the working directory by default', () => {
    vi.spyOn(process, 'cwd').mockReturnValue(workspace)

    const incident = openIncident({ title: 'default root', now })

    expect(incident.dir).toBe(path.join(workspace, '.firebreak', 'incidents', '20250314-091502-default-root'))
  })

  it('gives paths of files inside the incident folder and refuses any outside it', () => {
    const incident = openIncident({ root, now })

    expect(incident.path('snapshots/before.json')).toBe(path.join(incident.dir, 'snapshots', 'before.json'))
    expect(() => incident.path('../other/journal.jsonl')).toThrow(
      `"../other/journal.jsonl" is not a file inside the incident folder ${incident.dir}`,
    )
  })
})

describe('incidentId', () => {
  it('uses UTC whatever the local time zone', () => {
    expect(incidentId(new Date('2025-12-31T23:59:59-05:00'), 'New year')).toBe('20260101-045959-new-year')
  })

  it('slugs accents and punctuation away', () => {
    expect(slugify('  Dépôt — USDC/ETH pool drained!! ')).toBe('depot-usdc-eth-pool-drained')
    expect(slugify('!!!')).toBe('incident')
  })
})

describe('resolveIncidentDir', () => {
  it('finds an incident by id under the root', () => {
    const incident = openIncident({ root, title: 'drain', now })

    expect(resolveIncidentDir(incident.id, root)).toBe(incident.dir)
  })

  it('finds an incident by the path of its folder', () => {
    const incident = openIncident({ root, title: 'drain', now })

    expect(resolveIncidentDir(incident.dir, path.join(workspace, 'elsewhere'))).toBe(incident.dir)
  })

  it('names both places it looked when the incident does not exist', () => {
    vi.spyOn(process, 'cwd').mockReturnValue(workspace)

    expect(() => resolveIncidentDir('20250101-000000-nothing', root)).toThrow(IncidentNotFoundError)
    expect(() => resolveIncidentDir('20250101-000000-nothing', root)).toThrow(
      `no incident "20250101-000000-nothing": looked for ${path.join(workspace, '20250101-000000-nothing')} and ${path.join(root, '20250101-000000-nothing')}`,
    )
  })
})
