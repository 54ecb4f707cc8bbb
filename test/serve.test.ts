import type { ChildProcess } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import puppeteer, { type Browser, type Page } from 'puppeteer-core'
import { type Hash, bytesToHex, getAddress, keccak256, toHex } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { devAccount } from '../src/chain/devAccounts.js'
import { EXIT } from '../src/cli/output.js'
import { sendAll } from '../src/drill/deployProtocol.js'
import type { AccessRole } from '../src/serve/accessTokens.js'
import { type WarRoomServer, serveIncident } from '../src/serve/serveIncident.js'
import { CHROMIUM_INSTALL_TIMEOUT_MS, findOrInstallChromium } from './fixtures/chromium.js'
import { useDrillProtocol } from './fixtures/localChain.js'
import { writeTestManifest } from './fixtures/manifest.js'
import { finished, runCli, spawnCli } from './fixtures/runCli.js'
import { deploySafe, installMultiSendCallOnly } from './fixtures/safe.js'

/**
 * The war-room page as people in the room see it, in a real headless Chromium: the timeline
 * growing while another process contains, a 2-of-3 Safe's transaction signed by uploading owners'
 * files through the page and then executed by the same `contain`, and the tokens that keep
 * everyone else out.
 */
const drill = useDrillProtocol()
const { actors } = drill
const keyOf = (index: number) => bytesToHex(devAccount(index).getHdKey().privateKey!)
const owners = [devAccount(10), devAccount(11), devAccount(12)]

let dir: string
let browser: Browser
const servers: WarRoomServer[] = []
const children: ChildProcess[] = []

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'firebreak-serve-'))
  for (const folder of ['key', 'council']) mkdirSync(join(dir, folder))
  const chromium = await findOrInstallChromium()
  // As root (CI containers) Chromium refuses to start without --no-sandbox.
  browser = await puppeteer.launch({ executablePath: chromium, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] })
}, CHROMIUM_INSTALL_TIMEOUT_MS)

afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM')
  await Promise.all(servers.map((server) => server.close()))
  await browser?.close()
  rmSync(dir, { recursive: true, force: true })
})

async function serve(incident: string, approvers: string[] = []): Promise<WarRoomServer> {
  const server = await serveIncident({ dir: join(dir, 'incidents', incident), approvers, pollMilliseconds: 100 })
  servers.push(server)
  return server
}

const tokenOf = (server: WarRoomServer, role: AccessRole) => server.tokens.find((token) => token.role === role)!.token

async function openPage(server: WarRoomServer, role: AccessRole): Promise<Page> {
  const page = await browser.newPage()
  await page.goto(`${server.url}?token=${tokenOf(server, role)}`, { waitUntil: 'load' })
  return page
}

const text = (page: Page) => page.evaluate('document.body.innerText') as Promise<string>

async function waitForText(page: Page, wanted: string): Promise<void> {
  await page.waitForFunction(`document.body.innerText.includes(${JSON.stringify(wanted)})`, { timeout: 30_000 }).catch(async (error: Error) => {
    throw new Error(`the page never showed "${wanted}"; it shows:\n${await text(page)}`, { cause: error })
  })
}

const timelineRows = (page: Page) => page.evaluate('document.querySelectorAll("#timeline tr").length') as Promise<number>

async function paused(): Promise<boolean> {
  return (await drill.chain.public.readContract({ ...drill.protocol.vault, functionName: 'paused' })) as boolean
}

describe('firebreak serve: the war-room page', () => {
  it('grows the timeline while a contain runs in another process', async () => {
    const manifest = writeTestManifest(join(dir, 'key'), {
      rpcUrl: drill.anvil.rpcUrl,
      contracts: [drill.protocol.vault],
      authorities: [{ name: 'guardian', type: 'eoa', address: actors.guardian.address, keyEnv: 'GUARDIAN_KEY' }],
    })
    const server = await serve('live')
    const page = await openPage(server, 'viewer')
    await waitForText(page, 'Page open as viewer')
    expect(await timelineRows(page)).toBe(0)

    // A block a second, so the run lasts long enough to be watched, as on a real chain.
    await drill.chain.test.setIntervalMining({ interval: 1 })
    try {
      const contain = spawnCli(['contain', 'pause-all', '--manifest', manifest, '--incidents', join(dir, 'incidents'), '--incident', 'live'], { GUARDIAN_KEY: keyOf(1) })
      children.push(contain)
      const exit = finished(contain)
      const seenWhileRunning: number[] = []
      while (contain.exitCode === null) {
        seenWhileRunning.push(await timelineRows(page))
        await new Promise((resolve) => setTimeout(resolve, 100))
      }
      const run = await exit
      expect(run.code, run.stderr).toBe(0)
      await waitForText(page, 'plan contain-pause-all complete')
      const rowsAtTheEnd = await timelineRows(page)

      expect(seenWhileRunning.some((rows) => rows > 0 && rows < rowsAtTheEnd)).toBe(true)
      expect(await text(page)).toContain('incident opened')
      expect(await paused()).toBe(true)
      const stepState = await page.evaluate('[...document.querySelectorAll("#plans tr[data-step]")].map((row) => row.innerText)')
      expect((stepState as string[]).every((row) => row.includes('done'))).toBe(true)
    } finally {
      await drill.chain.test.setIntervalMining({ interval: 0 })
      await drill.chain.test.setAutomine(true)
      await page.close()
    }
  })

  it('collects a 2-of-3 Safe’s signatures through the page, and the same contain then executes the pause', async () => {
    const safe = getAddress(await deploySafe(drill.chain, { deployer: actors.admin, owners: owners.map((owner) => owner.address), threshold: 2 }))
    await installMultiSendCallOnly(drill.chain)
    const pauser = keccak256(toHex('PAUSER_ROLE'))
    const { vault } = drill.protocol
    await sendAll(drill.chain, actors.admin, [
      { address: vault.address, abi: vault.abi, functionName: 'grantRole', args: [pauser, safe] },
      { address: vault.address, abi: vault.abi, functionName: 'revokeRole', args: [pauser, actors.guardian.address] },
    ])
    const manifest = writeTestManifest(join(dir, 'council'), {
      rpcUrl: drill.anvil.rpcUrl,
      contracts: [vault],
      authorities: [
        { name: 'council', type: 'safe', address: safe, submitter: 'relayer' },
        { name: 'relayer', type: 'eoa', address: actors.guardian.address, keyEnv: 'RELAYER_KEY' },
      ],
    })
    const contain = () => runCli(['contain', 'pause-all', '--manifest', manifest, '--incidents', join(dir, 'incidents'), '--incident', 'council'], { RELAYER_KEY: keyOf(1) })

    const first = await contain()
    expect(first.code, first.stderr).toBe(EXIT.signatures)
    const safeTxFile = join(dir, 'incidents', 'council', 'safe-tx', 'contain-pause-all-safe-council.json')
    const proposed = JSON.parse(readFileSync(safeTxFile, 'utf8')) as { safeTxHash: string; domainHash: string; messageHash: string; chainId: number; safeTx: { nonce: string; to: string } }

    const server = await serve('council')
    const page = await openPage(server, 'signer')
    await waitForText(page, 'Signed 0 of 2')
    const shown = await text(page)
    expect(shown).toContain(proposed.safeTxHash)
    expect(shown).toContain(proposed.domainHash)
    expect(shown).toContain(proposed.messageHash)
    expect(shown).toContain(`${safe} (v1.4.1, 2 of 3 owners)`)
    const fields = Object.fromEntries((await page.evaluate('[...document.querySelectorAll(".safe-tx dt")].map((term) => [term.innerText, term.nextElementSibling.innerText])')) as [string, string][])
    expect(fields['chain id']).toBe(String(proposed.chainId))
    expect(fields.nonce).toBe(proposed.safeTx.nonce)
    expect(fields.to).toBe(proposed.safeTx.to)
    expect(shown).toContain('vault.pause()')

    // A stranger's signature, honest or passed off as an owner's, is refused as `contain --signature` refuses it.
    const strangerSignature = await privateKeyToAccount(keyOf(13)).sign({ hash: proposed.safeTxHash as Hash })
    const refusals = [
      [{ signer: devAccount(13).address, signature: strangerSignature }, `the uploaded file: ${devAccount(13).address} is not an owner of Safe ${safe}`],
      [{ signer: owners[0]!.address, signature: strangerSignature }, `the uploaded file says it is signed by ${owners[0]!.address}, but the signature is by ${devAccount(13).address}`],
    ] as const
    for (const [index, [fields, refusal]] of refusals.entries()) {
      const forged = join(dir, `forged-${index}.json`)
      writeFileSync(forged, JSON.stringify({ safe, chainId: proposed.chainId, safeTxHash: proposed.safeTxHash, ...fields }))
      await (await page.$('#signature-file'))!.uploadFile(forged)
      await page.click('#upload-button')
      await waitForText(page, `Refused: ${refusal}`)
    }
    expect(await text(page)).toContain('Signed 0 of 2')

    for (const [index, signedCount] of [[10, 1], [11, 2]] as const) {
      const out = join(dir, `owner-${index}.json`)
      const signed = await runCli(['safe', 'sign', safeTxFile, '--out', out, '--key-env', 'SIGNER_KEY'], { SIGNER_KEY: keyOf(index) })
      expect(signed.code, signed.stderr).toBe(0)
      const input = await page.$('#signature-file')
      await input!.uploadFile(out)
      await page.click('#upload-button')
      await waitForText(page, `Accepted: signature of owner ${devAccount(index).address}`)
      await waitForText(page, `Signed ${signedCount} of 2`)
    }
    const journal = readFileSync(join(dir, 'incidents', 'council', 'journal.jsonl'), 'utf8')
    expect(journal.match(/"type":"serve.signature"/g)).toHaveLength(2)
    expect(await paused()).toBe(false)

    const second = await contain()

    expect(second.code, second.stderr).toBe(0)
    expect(second.stdout).toContain('contained: 1 step done and verified on chain')
    expect(await paused()).toBe(true)
    await page.waitForFunction('document.querySelector("#plans tr[data-step]")?.innerText.includes("done")', { timeout: 30_000 })
    expect(await page.evaluate('document.querySelector(".safe-tx .state").innerText')).toBe('done')
    await page.close()
  })

  it('refuses a wrong token, and shows nothing of the incident without one', async () => {
    const server = await serve('council')

    const wrong = await fetch(`${server.url}?token=not-the-token`)
    const body = await wrong.text()
    expect(wrong.status).toBe(401)
    expect(body).toContain('Token needed')
    expect(body).not.toContain('council')
    const events = await fetch(`${server.url}api/events`, { headers: { authorization: 'Bearer not-the-token' } })
    expect(events.status).toBe(401)
    expect(await events.text()).not.toContain('0x')

    const page = await browser.newPage()
    const response = await page.goto(server.url, { waitUntil: 'load' })
    expect(response?.status()).toBe(401)
    const shown = await text(page)
    expect(shown).toContain('This page needs the token that firebreak serve printed')
    expect(shown).not.toMatch(/council|Signed|0x[0-9a-f]{8}/i)
    await page.close()
  })

  it('lets a viewer read but not upload, and journals a named approver’s approval as theirs', async () => {
    const server = await serve('council', ['alice'])
    const signature = readFileSync(join(dir, 'owner-10.json'), 'utf8')

    const page = await openPage(server, 'viewer')
    await waitForText(page, 'Signed 2 of 2')
    expect(await text(page)).toContain('Uploading signatures needs the signer token.')
    expect(await page.evaluate('document.querySelector("#upload").hidden')).toBe(true)
    const upload = await fetch(`${server.url}api/signatures`, { method: 'POST', headers: { authorization: `Bearer ${tokenOf(server, 'viewer')}` }, body: signature })
    expect(upload.status).toBe(403)
    expect(await upload.json()).toEqual({ error: 'uploading signatures needs the signer token' })
    await page.close()

    const approver = await openPage(server, 'approver')
    await waitForText(approver, 'Page open as approver alice')
    await approver.select('#approval-kind', 'reimbursement')
    await approver.type('#approval-subject', 'reimburse-merkle')
    await approver.click('#approve-button')
    await waitForText(approver, 'reimbursement approval of reimburse-merkle by alice')
    expect(await text(approver)).toContain('They are not key signatures')
    const journal = readFileSync(join(dir, 'incidents', 'council', 'journal.jsonl'), 'utf8')
    const approvals = journal.trim().split('\n').map((line) => JSON.parse(line) as { type: string; data: unknown }).filter((entry) => entry.type === 'serve.approved')
    expect(approvals.map((entry) => entry.data)).toEqual([{ approval: 'reimbursement', subject: 'reimburse-merkle', by: 'alice' }])
    await approver.close()
  })

  it('prints its address and one token per role, bound to 127.0.0.1', async () => {
    const child = spawnCli(['serve', '--incidents', join(dir, 'incidents'), '--incident', 'council', '--approver', 'alice'])
    children.push(child)
    const exit = finished(child)
    let printed = ''
    child.stdout!.on('data', (chunk: Buffer) => (printed += chunk.toString('utf8')))
    while (!printed.includes('Ctrl-C')) {
      if (child.exitCode !== null) throw new Error(`serve exited: ${(await exit).stderr}`)
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    const link = (role: string) => new RegExp(`^${role} +(http://127\\.0\\.0\\.1:\\d+/\\?token=[\\w-]+)$`, 'm').exec(printed)?.[1]
    expect(link('viewer')).toBeDefined()
    expect(link('signer')).toBeDefined()
    expect(link('approver alice')).toBeDefined()
    expect(new Set([link('viewer'), link('signer'), link('approver alice')]).size).toBe(3)

    expect((await fetch(link('viewer')!)).status).toBe(200)
    expect((await fetch(link('viewer')!.replace(/token=.*/, 'token=guess'))).status).toBe(401)
    child.kill('SIGTERM')
    expect((await exit).code).toBe(0)
  })
})
