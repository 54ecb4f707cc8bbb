import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseAbi } from 'viem'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { loadManifest } from '../src/manifest/loadManifest.js'
import { renderReport } from '../src/report/renderReport.js'
import { blockJustMined } from '../src/drill/runWatchDrill.js'
import { drainCalldata, runAttack } from '../src/drill/scenario.js'
import { deployContract } from '../src/chain/deploy.js'
import { type Watcher, startWatcher } from '../src/watch/watcher.js'
import { useDrillProtocol } from './fixtures/localChain.js'
import { writeTestManifest } from './fixtures/manifest.js'
import { startFlakyNode } from './fixtures/flakyNode.js'
import { type WebhookServer, startWebhookServer } from './fixtures/webhookServer.js'

const pausedAbi = parseAbi(['function paused() view returns (bool)'])

describe('firebreak watch on the drill protocol', () => {
  const local = useDrillProtocol()
  let webhook: WebhookServer
  let dir: string
  let watcher: Watcher | undefined

  beforeAll(async () => {
    webhook = await startWebhookServer()
  })
  afterAll(async () => {
    await webhook.close()
  })
  afterEach(async () => {
    await watcher?.stop()
    watcher = undefined
    webhook.received.length = 0
    rmSync(dir, { recursive: true, force: true })
  })

  function manifestFile(watch: Record<string, unknown> = {}) {
    dir = mkdtempSync(join(tmpdir(), 'firebreak-watch-'))
    const { vault } = local.protocol
    return writeTestManifest(dir, {
      rpcUrl: local.anvil.rpcUrl,
      contracts: [{ name: 'vault', address: vault.address, abi: vault.abi }],
      authorities: [
        { name: 'guardian', type: 'eoa', address: local.actors.guardian.address },
        { name: 'governance', type: 'eoa', address: local.actors.admin.address },
      ],
      watch: {
        automatic: ['guardian'],
        webhooks: [{ url: webhook.url }],
        triggers: [{ name: 'assets-drop', invariant: { contract: 'vault', function: 'totalAssets()', maxDropPercent: 10 } }],
        ...watch,
      },
    })
  }

  async function start(file: string, lines: string[] = []) {
    const manifest = loadManifest(file)
    watcher = await startWatcher({ manifest, accounts: [local.actors.guardian], watchRoot: join(dir, 'watch'), incidentsRoot: join(dir, 'incidents'), pollMs: 50, print: (line) => lines.push(line) })
    return watcher
  }

  it('fires on an invariant broken in a mined block, pauses the vault through the guardian and says so on the webhook', async () => {
    const lines: string[] = []
    const running = await start(manifestFile(), lines)
    expect(running.armed().transactions.map((each) => each.from)).toEqual([local.actors.guardian.address])
    await runAttack(local.chain, local.artifacts, local.protocol, local.actors)
    const posted = await webhook.waitFor((body) => String(body.text).includes('RESPONSE assets-drop'))
    expect(posted.text).toMatch(/RESPONSE assets-drop: contained/)
    expect(await local.chain.public.readContract({ address: local.protocol.vault.address, abi: pausedAbi, functionName: 'paused' })).toBe(true)
    expect(lines.join('\n')).toMatch(/TRIGGER assets-drop: vault\.totalAssets\(\) fell from/)
  })

  it('simulates a pending attack, broadcasts the pause with a higher tip and has it mined ahead of the attack in the same block', async () => {
    const { chain, artifacts, protocol, actors } = local
    const exploit = await deployContract(chain, actors.attacker, artifacts.get('DrillExploit'), [])
    await chain.test.setAutomine(false)
    await chain.test.setIntervalMining({ interval: 1 })
    try {
      const running = await start(manifestFile())
      const victims = actors.users.slice(0, 3).map((user) => user.account.address)
      // As a block begins, with both watchers at the same head: at a block's last instant no pause can win (bench:watch counts those).
      await blockJustMined(chain)
      await new Promise((resolve) => setTimeout(resolve, 150))
      const attack = await chain.wallet(actors.attacker).sendTransaction({ to: exploit, data: drainCalldata(artifacts, protocol, victims), gas: 1_000_000n })
      const posted = await webhook.waitFor((body) => String(body.text).includes('RESPONSE assets-drop') && String(body.text).includes('ahead'))
      expect(posted.text).toMatch(/contained, mined ahead of the attack/)
      const [outcome] = running.responses
      expect(outcome?.ahead).toBe(true)
      const attackReceipt = await chain.public.getTransactionReceipt({ hash: attack })
      const pauseReceipt = await chain.public.getTransactionReceipt({ hash: outcome!.hashes[0]! })
      expect(pauseReceipt.blockNumber).toBe(attackReceipt.blockNumber)
      expect(pauseReceipt.transactionIndex).toBeLessThan(attackReceipt.transactionIndex)
      expect(attackReceipt.status).toBe('reverted')
      const report = renderReport(outcome!.incident.journal.entries())
      expect(report).toContain('## Automatic response')
      expect(report).toContain(`mined ahead of the attack (pause at block ${pauseReceipt.blockNumber} index ${pauseReceipt.transactionIndex}, attack at block ${attackReceipt.blockNumber} index ${attackReceipt.transactionIndex}, attack reverted)`)
      expect(report).toMatch(new RegExp(`pending transaction \`${attack}\``))
    } finally {
      await chain.test.setIntervalMining({ interval: 0 })
      await chain.test.setAutomine(true)
    }
  })

  it('fires on an event and on a token outflow over a window, each in the block that carries it', async () => {
    const dUSD = local.protocol.token
    const file = manifestFile({
      triggers: [
        { name: 'withdrawals', event: { contract: 'vault', event: 'Withdraw' } },
        { name: 'outflow', outflow: { token: 'dUSD', from: 'vault', max: (10_000n * 10n ** 18n).toString(), windowBlocks: 5 } },
      ],
    })
    const withToken = file.replace(/firebreak\.yaml$/, 'firebreak.yaml')
    const yaml = readFileSync(withToken, 'utf8').replace('contracts:\n', `contracts:\n  - name: dUSD\n    address: "${dUSD.address}"\n`)
    writeFileSync(withToken, yaml)
    const lines: string[] = []
    const running = await start(withToken, lines)
    const attack = await runAttack(local.chain, local.artifacts, local.protocol, local.actors)
    await webhook.waitFor((body) => String(body.text).includes('RESPONSE'))
    const fired = lines.find((line) => line.startsWith('TRIGGER'))
    expect(fired).toMatch(new RegExp(`TRIGGER (withdrawals: Withdraw emitted by vault in block ${attack.blockNumber}|outflow: 95000000000000000000000 of dUSD left vault within 5 blocks, more than 10000000000000000000000)`))
  })

  it('asks a person first with confirm, and a refusal sends nothing and is journaled', async () => {
    const { manifest } = { manifest: loadManifest(manifestFile()) }
    const nonce = await local.chain.public.getTransactionCount({ address: local.actors.guardian.address })
    watcher = await startWatcher({ manifest, accounts: [local.actors.guardian], watchRoot: join(dir, 'watch'), incidentsRoot: join(dir, 'incidents'), pollMs: 50, confirm: async () => false })
    const trigger = manifest.watch!.triggers[0]!
    const outcome = await watcher.fire({ trigger, detail: 'a person is asked', blockNumber: 1n })
    expect(outcome?.status).toBe('declined')
    expect(outcome?.incident.journal.entries().map((entry) => entry.type)).toEqual(['incident.opened', 'watch.triggered', 'watch.declined'])
    expect(await local.chain.public.getTransactionCount({ address: local.actors.guardian.address })).toBe(nonce)
  })

  it('broadcasts through the private endpoint first, and to the public node once the fallback delay passes unmined', async () => {
    // A builder's endpoint that takes transactions and never gets them mined: the public node must get them after the delay.
    const privateNode = await startWebhookServer({ answer: (body) => ({ jsonrpc: '2.0', id: body.id, result: body.method === 'eth_chainId' ? '0x7a69' : `0x${'00'.repeat(32)}` }) })
    try {
      const file = manifestFile({ privateSubmission: { local: { rpcUrl: privateNode.url } }, privateFallbackMs: 1500 })
      const running = await start(file)
      const [trigger] = loadManifest(file).watch!.triggers
      const outcome = await running.fire({ trigger: trigger!, detail: 'by hand', blockNumber: 1n })
      const sent = privateNode.received.find((body) => body.method === 'eth_sendRawTransaction')
      expect(sent).toBeDefined()
      expect(outcome?.status).toBe('contained')
      const broadcast = outcome!.incident.journal.entries().find((entry) => entry.type === 'watch.broadcast')!.data as { transactions: { via: string }[] }
      expect(broadcast.transactions.map((each) => each.via)).toEqual(['private'])
    } finally {
      await privateNode.close()
    }
  })

  it("says when its node stops answering, and when it answers again", async () => {
    const flaky = await startFlakyNode(local.anvil.rpcUrl)
    try {
      const file = manifestFile()
      const lines: string[] = []
      const manifest = loadManifest(file)
      watcher = await startWatcher({ manifest, rpcUrl: flaky.rpcUrl, accounts: [local.actors.guardian], watchRoot: join(dir, 'watch'), incidentsRoot: join(dir, 'incidents'), pollMs: 50, print: (line) => lines.push(line) })
      flaky.setRules([{ fault: 'http-503' }])
      const failed = await webhook.waitFor((body) => String(body.text).includes('node-failed'), 60_000)
      expect(failed.text).toMatch(/ALERT critical node-failed node: .*the watcher cannot see the chain, nor act on it/)
      expect(String(failed.text)).not.toContain(flaky.secret)
      flaky.setRules([])
      await webhook.waitFor((body) => String(body.text).includes('RESOLVED node'), 60_000)
    } finally {
      await watcher?.stop()
      watcher = undefined
      await flaky.stop()
    }
  })
})
