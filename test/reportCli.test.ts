import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Journal } from '../src/journal/index.js'
import { packageRoot } from '../src/packageRoot.js'

const cli = join(packageRoot, 'bin', 'firebreak.js')
const hostile = '<img src=x onerror=alert(1)>'
let dir: string

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'firebreak-report-cli-'))
  // Anyone who can append to the journal controls these strings: the page must show them, never run them.
  const journal = Journal.open(dir)
  journal.append('incident.opened', { id: 'vault-drain', title: `vault drain ${hostile}` })
  journal.append('losses.computed', {
    method: `balances ${hostile}`,
    asset: '0x5FbDB2315678afecb367f032d93F642f64180aa3',
    losses: [{ account: '0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65', before: 5n, after: 0n, loss: 5n }],
    total: 5n,
    excluded: [],
  })
})

afterAll(() => {
  rmSync(dir, { recursive: true, force: true })
})

describe('firebreak report', () => {
  it('writes report.md and a self-contained report.html from the journal, escaping what the journal says', () => {
    const result = spawnSync(process.execPath, [cli, 'report', dir], { encoding: 'utf8', timeout: 60_000 })

    expect(result.status).toBe(0)
    expect(result.stdout).toBe(`report written to ${join(dir, 'report.md')} and ${join(dir, 'report.html')}\n`)
    const html = readFileSync(join(dir, 'report.html'), 'utf8')
    expect(html).toContain('<title>Incident report: vault drain &lt;img src=x onerror=alert(1)&gt;</title>')
    expect(html).not.toContain('<img')
    expect(html).not.toMatch(/<script|<link|https?:\/\/(?!www\.w3\.org\/2000\/svg)/)
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`)
    expect(html).toContain('<figure class="chart" data-chart="losses">')
    expect(readFileSync(join(dir, 'report.md'), 'utf8')).toMatch(/^# Incident report: vault drain <img/)
  })

  it('prints the HTML page with --stdout --format html', () => {
    const result = spawnSync(process.execPath, [cli, 'report', dir, '--stdout', '--format', 'html'], { encoding: 'utf8', timeout: 60_000 })

    expect(result.status).toBe(0)
    expect(result.stdout.startsWith('<!DOCTYPE html>\n<html lang="en">')).toBe(true)
  })
})
