import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import puppeteer, { type Browser } from 'puppeteer-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runDrill } from '../src/drill/runDrill.js'
import type { DrillSummary } from '../src/drill/summary.js'
import { type WarRoomServer, serveIncident } from '../src/serve/serveIncident.js'
import { CHROMIUM_INSTALL_TIMEOUT_MS, findOrInstallChromium } from './fixtures/chromium.js'

/** The page of a whole incident, the drill's: attacked, contained, fixed, reimbursed, restored. */
let root: string
let summary: DrillSummary
let browser: Browser
let server: WarRoomServer

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'firebreak-serve-drill-'))
  summary = await runDrill({ incidentsRoot: root, progress: 'silent' })
  browser = await puppeteer.launch({ executablePath: await findOrInstallChromium(), headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] })
  server = await serveIncident({ dir: summary.incident.dir })
}, CHROMIUM_INSTALL_TIMEOUT_MS)

afterAll(async () => {
  await server?.close()
  await browser?.close()
  rmSync(root, { recursive: true, force: true })
})

describe('firebreak serve on a whole incident', () => {
  it("shows each affected address's loss and status, the reimbursement, and the report's charts", async () => {
    const page = await browser.newPage()
    await page.goto(`${server.url}?token=${server.tokens.find((token) => token.role === 'viewer')!.token}`, { waitUntil: 'load' })
    await page.waitForFunction('document.querySelectorAll("#timeline tr").length > 0', { timeout: 30_000 })
    const losses = (await page.evaluate('[...document.querySelectorAll("#losses tr")].map((row) => row.innerText.split("\\t"))')) as string[][]
    const charts = (await page.evaluate('[...document.querySelectorAll("#charts figure")].map((figure) => figure.dataset.chart + " " + figure.querySelectorAll("svg").length)')) as string[]
    const shown = (await page.evaluate('document.body.innerText')) as string

    const byAccount = (rows: string[][]) => [...rows].sort((a, b) => a[0]!.localeCompare(b[0]!))
    expect(byAccount(losses)).toEqual(byAccount(summary.recovery.users.filter((user) => user.loss > 0n).map((user) => [user.account, String(user.loss), 'claimed'])))
    expect(shown).toContain('3 accounts lost 95000000000000000000000 (dUSD, base units)')
    expect(shown).toContain('claims: 3 paid, 0 open')
    expect(charts).toEqual(['assets 1', 'losses 1'])
    expect(shown).toContain('Loss distribution: dUSD lost by 3 accounts')
    await page.close()
  })
})
