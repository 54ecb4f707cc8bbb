import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import puppeteer, { type Browser } from 'puppeteer-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { packageRoot } from '../src/packageRoot.js'
import { CHROMIUM_INSTALL_TIMEOUT_MS, findOrInstallChromium } from './fixtures/chromium.js'
import { type TestPostgres, POSTGRES_INSTALL_TIMEOUT_MS, startPostgres } from './fixtures/postgres.js'
import { finished, spawnCli } from './fixtures/runCli.js'

/**
 * The war-room page over the shared journal in PostgreSQL: another machine records while the page
 * is open, and an approval given on the page joins the same chain without stopping that writer.
 */
let postgres: TestPostgres
let browser: Browser
let dir: string
const children: ChildProcess[] = []

beforeAll(async () => {
  postgres = await startPostgres({ durable: false })
  browser = await puppeteer.launch({ executablePath: await findOrInstallChromium(), headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] })
  dir = mkdtempSync(join(tmpdir(), 'firebreak-serve-pg-'))
}, POSTGRES_INSTALL_TIMEOUT_MS + CHROMIUM_INSTALL_TIMEOUT_MS)

afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM')
  await browser?.close()
  postgres?.stop()
  rmSync(dir, { recursive: true, force: true })
})

/** Prints `ready` once it has opened the incident, then appends `count` entries, one every 50 ms, once told to start. */
function writer(count: number): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', join(packageRoot, 'test', 'fixtures', 'pgWriter.ts'), postgres.url, join(dir, 'other-machine'), 'shared', 'other-machine', String(count)], {
    cwd: packageRoot,
    env: { ...process.env, PG_WRITER_WAIT_FOR_START: '1', PG_WRITER_INTERVAL_MS: '50' },
    stdio: ['pipe', 'pipe', 'pipe'],
  })
  children.push(child)
  return child
}

async function printed(child: ChildProcess, wanted: string): Promise<string> {
  let output = ''
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')))
  while (!output.includes(wanted)) {
    if (child.exitCode !== null) throw new Error(`exited before printing "${wanted}": ${output}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  return output
}

describe('firebreak serve --database-url', () => {
  it('shows what another machine records, and journals an approval in the same chain while that machine goes on writing', async () => {
    const other = writer(30)
    const otherDone = finished(other)
    await printed(other, 'ready')
    const serve = spawnCli(['serve', '--database-url', postgres.url, '--incidents', join(dir, 'server'), '--incident', 'shared', '--approver', 'alice'])
    children.push(serve)
    const links = await printed(serve, 'Ctrl-C')
    const approverLink = /^approver alice +(\S+)$/m.exec(links)![1]!
    const page = await browser.newPage()
    await page.goto(approverLink, { waitUntil: 'load' })
    await page.waitForFunction('document.body.innerText.includes("Page open as approver alice")', { timeout: 30_000 })

    other.stdin!.end('start\n')
    await page.waitForFunction('document.querySelectorAll("#timeline tr[data-type=note]").length >= 3', { timeout: 30_000 })
    await page.type('#approval-subject', 'stage-1')
    await page.click('#approve-button')
    const run = await otherDone

    expect(run.code, run.stderr).toBe(0)
    expect(run.stdout).toMatch(/^done 31 /m)
    await page.waitForFunction('document.querySelectorAll("#timeline tr").length === 32', { timeout: 30_000 })
    // The approval landed between the other machine's entries, not after them: one chain, two writers.
    const types = (await page.evaluate('[...document.querySelectorAll("#timeline tr")].map((row) => row.dataset.type)')) as string[]
    expect(types.indexOf('serve.approved')).toBeGreaterThan(0)
    expect(types.indexOf('serve.approved')).toBeLessThan(types.length - 1)
    const shown = (await page.evaluate('document.body.innerText')) as string
    expect(shown).toContain('restore approval of stage-1 given on the war-room page by alice (a journaled approval, not a key signature)')
    expect(shown).toContain('Journaled: restore approval of stage-1 by alice')
    expect(shown).not.toContain(postgres.url)
    await page.close()
    serve.kill('SIGTERM')
    expect((await finished(serve)).code).toBe(0)
  })
})
