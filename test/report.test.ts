import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import puppeteer, { type Browser } from 'puppeteer-core'
import { encodeFunctionData } from 'viem'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildPausePlan } from './fixtures/pausePlan.js'
import { type Attack, recordAttack, runAttack } from '../src/drill/scenario.js'
import type { KeyAuthority, Plan } from '../src/engine/plan.js'
import { runPhase } from '../src/engine/runPhase.js'
import { buildUpgradePlan } from '../src/eradicate/buildUpgradePlan.js'
import { type Incident, openIncident } from '../src/journal/index.js'
import { loadManifest } from '../src/manifest/index.js'
import { computeLosses } from '../src/recover/computeLosses.js'
import { readVaultPositions } from '../src/recover/readVaultPositions.js'
import { approveRestore } from '../src/recover/restore/approveRestore.js'
import { runRestore } from '../src/recover/restore/runRestore.js'
import { recordAssetSeries } from '../src/report/recordAssetSeries.js'
import { writeReportFiles } from '../src/report/writeReport.js'
import { CHROMIUM_INSTALL_TIMEOUT_MS, findOrInstallChromium } from './fixtures/chromium.js'
import { useDrillProtocol } from './fixtures/localChain.js'
import { closeDeposits, recordFixGates, withdrawalsStage, writeRestoreManifest } from './fixtures/restore.js'

/**
 * Debian's Chromium, installed by the test itself when missing and run as root. The report must be
 * checked in a real browser, so a Chromium that cannot be had fails the test that needs it, with
 * the one line to act on; the journal's tests still run.
 */
let chromium: string | Error
beforeAll(async () => {
  chromium = await findOrInstallChromium().catch((error: Error) => error)
}, CHROMIUM_INSTALL_TIMEOUT_MS)

const unit = 10n ** 18n

const drill = useDrillProtocol({ snapshotEachTest: false })
const { actors } = drill
let dir: string
let incident: Incident
let attack: Attack
let files: { markdown: string; html: string }

/**
 * A whole incident on the local chain, journaled by the library as a real one is: the vault
 * drained, paused, fixed behind both gates, losses measured, withdrawals restored through the
 * gated restore, and the vault's assets observed over the blocks. Then the report is written.
 */
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'firebreak-report-'))
  incident = openIncident({ root: join(dir, 'incidents'), id: 'vault-drain', title: 'vault drain' })
  const { journal } = incident
  const { chain, protocol, artifacts } = drill
  const execution = { journal, accounts: [actors.admin, actors.guardian] }
  const key = (address: `0x${string}`, label: string): KeyAuthority => ({ kind: 'key', address, label })

  attack = await runAttack(chain, artifacts, protocol, actors)
  recordAttack(journal, attack, protocol)
  const run = (plan: Plan) => runPhase({ ...execution, build: async () => ({ chain, plan }) })
  await run(buildPausePlan({ targets: [{ contract: protocol.vault, authority: key(actors.guardian.address, 'guardian') }] }))
  await closeDeposits(drill)

  await recordFixGates(journal, drill, attack)
  const v2 = artifacts.get('DrillVaultV2')
  await run(buildUpgradePlan({ proxy: protocol.vault, implementation: v2, initData: encodeFunctionData({ abi: v2.abi, functionName: 'initializeV2' }), authority: key(actors.admin.address, 'governance') }))

  const now = await chain.public.getBlockNumber({ cacheTime: 0 })
  const depositors = actors.users.map((user) => user.account.address)
  const [before, after] = await Promise.all([readVaultPositions(chain, protocol.vault, depositors, attack.blockNumber - 1n), readVaultPositions(chain, protocol.vault, depositors, now)])
  journal.append('losses.computed', {
    method: `vault positions at block ${attack.blockNumber - 1n} and ${now}`,
    asset: protocol.token.address,
    ...computeLosses({ before, after, exclude: [attack.from, attack.exploit] }),
  })

  const manifest = loadManifest(writeRestoreManifest(dir, drill, { stages: [withdrawalsStage(drill, attack)] }))
  await approveRestore({ manifest, incident, stage: 'withdrawals', as: 'governance', accounts: execution.accounts })
  await runRestore({ manifest, incident, stage: 'withdrawals', accounts: execution.accounts })

  await recordAssetSeries(chain, { journal, asset: protocol.token.address, holders: [{ name: 'vault', address: protocol.vault.address }] })
  files = writeReportFiles(incident)
})

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true })
})

type Measured = {
  title: string | undefined
  requests: string[]
  problems: string[]
  charts: { kind: string | undefined; width: number; height: number }[]
  series: { name: string | undefined; width: number; height: number; length: number }[]
  marks: { kind: string | undefined; block: string | undefined; x: number; height: number }[]
  bars: { account: string | undefined; width: number }[]
}

/** What the page laid out: each chart's SVG, the asset lines, the event marks and the loss bars, with their sizes. */
const MEASURE_LAYOUT = `(() => {
  const size = (element) => {
    const rect = element ? element.getBoundingClientRect() : undefined
    return { width: rect ? rect.width : 0, height: rect ? rect.height : 0 }
  }
  return {
    title: document.querySelector('h1')?.textContent ?? undefined,
    charts: [...document.querySelectorAll('figure.chart')].map((figure) => ({ kind: figure.dataset.chart, ...size(figure.querySelector('svg')) })),
    series: [...document.querySelectorAll('[data-chart="assets"] path.series')].map((path) => ({ name: path.getAttribute('data-series') ?? undefined, ...size(path), length: path.getTotalLength() })),
    marks: [...document.querySelectorAll('[data-chart="assets"] g.mark')].map((mark) => ({
      kind: mark.getAttribute('data-mark') ?? undefined,
      block: mark.getAttribute('data-block') ?? undefined,
      x: mark.querySelector('line').getBoundingClientRect().x,
      height: size(mark.querySelector('line')).height,
    })),
    bars: [...document.querySelectorAll('[data-chart="losses"] rect.bar')].map((bar) => ({ account: bar.closest('g')?.getAttribute('data-account') ?? undefined, width: size(bar).width })),
  }
})()`

/** Opens the page in headless Chromium with every network request refused, and measures what it laid out. */
async function measureInChromium(file: string): Promise<Measured> {
  if (chromium instanceof Error) throw chromium
  let browser: Browser | undefined
  try {
    // As root (CI containers) Chromium refuses to start without --no-sandbox.
    browser = await puppeteer.launch({ executablePath: chromium, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] })
    const page = await browser.newPage()
    const requests: string[] = []
    const problems: string[] = []
    await page.setRequestInterception(true)
    page.on('request', (request) => {
      requests.push(request.url())
      if (request.url().startsWith('file:')) void request.continue()
      else void request.abort()
    })
    page.on('console', (message) => void (message.type() === 'error' && problems.push(message.text())))
    page.on('pageerror', (error) => void problems.push(String(error)))
    await page.setViewport({ width: 1100, height: 900 })
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' })
    // Run in the page, as text: the test's TypeScript has no DOM types, the browser does.
    const layout = (await page.evaluate(MEASURE_LAYOUT)) as Omit<Measured, 'requests' | 'problems'>
    return { ...layout, requests, problems }
  } finally {
    await browser?.close()
  }
}

describe('the post-mortem of a whole incident on the local chain', () => {
  it('journals the vault\'s dUSD at the blocks around the attack: 100,000 before, 5,000 after', () => {
    const observed = incident.journal.last('assets.observed')?.data as { points: { blockNumber: string; balances: string[] }[] }
    const at = (block: bigint) => observed.points.find((point) => BigInt(point.blockNumber) === block)?.balances[0]

    expect(at(attack.blockNumber - 1n)).toBe(String(100_000n * unit))
    expect(at(attack.blockNumber)).toBe(String(5_000n * unit))
  })

  it('renders report.html in Chromium, offline and script-free, with the assets chart and the loss distribution laid out', async () => {
    const measured = await measureInChromium(files.html)

    expect(measured.title).toBe('Incident report: vault drain')
    expect(measured.requests).toEqual([pathToFileURL(files.html).href])
    expect(measured.problems).toEqual([])
    expect(measured.charts.map((chart) => chart.kind)).toEqual(['assets', 'losses'])
    for (const chart of measured.charts) {
      expect(chart.width).toBeGreaterThan(300)
      expect(chart.height).toBeGreaterThan(60)
    }
    // One line for the vault; it falls at the attack, so it spans height as well as width.
    expect(measured.series).toHaveLength(1)
    expect(measured.series[0]).toMatchObject({ name: 'vault' })
    expect(measured.series[0]!.width).toBeGreaterThan(300)
    expect(measured.series[0]!.height).toBeGreaterThan(50)
    expect(measured.series[0]!.length).toBeGreaterThan(300)
    // The four events, left to right in the order they happened, each a line down the plot.
    expect(measured.marks.map((mark) => mark.kind)).toEqual(['attack', 'pause', 'fix', 'restore'])
    expect(measured.marks[0]!.block).toBe(String(attack.blockNumber))
    const xs = measured.marks.map((mark) => mark.x)
    expect([...xs].sort((a, b) => a - b)).toEqual(xs)
    expect(new Set(xs).size).toBe(4)
    for (const mark of measured.marks) expect(mark.height).toBeGreaterThan(100)
    // alice 50,000, bob 30,000, carol 15,000: bars in that order and in those proportions.
    const [alice, bob, carol] = actors.users.map((user) => user.account.address)
    expect(measured.bars.map((bar) => bar.account)).toEqual([alice, bob, carol])
    expect(measured.bars[0]!.width / measured.bars[1]!.width).toBeCloseTo(50 / 30, 1)
    expect(measured.bars[0]!.width / measured.bars[2]!.width).toBeCloseTo(50 / 15, 1)
  })

  it('writes the Markdown twin with each phase at its block and the vault\'s dUSD at each marked block', () => {
    const markdown = readFileSync(files.markdown, 'utf8')
    const phases = markdown.slice(markdown.indexOf('## Phases'), markdown.indexOf('## Timeline'))

    expect(phases.split('\n').filter((line) => line.startsWith('| ') && !line.startsWith('| phase')).map((line) => line.split(' | ')[0])).toEqual(['| detection', '| containment', '| fix', '| restore'])
    expect(phases).toContain(`| detection | ${attack.blockNumber} | `)
    expect(markdown).toContain(`| ${attack.blockNumber} | attack | 5,000 dUSD |`)
    expect(markdown).toContain(`| ${attack.blockNumber - 1n} | before the attack | 100,000 dUSD |`)
    expect(markdown).toContain('### stage withdrawals')
    expect(markdown).toContain('✔ invariants: on a fork at block')
  })
})
