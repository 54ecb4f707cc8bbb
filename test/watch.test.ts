import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseAbi } from 'viem'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { loadManifest } from '../src/manifest/loadManifest.js'
import { renderReport } from '../src/report/renderReport.js'
import { drainCalldata, runAttack } from '../src/drill/scenario.js'
import { deployContract } from '../src/chain/deploy.js'
import { type Watcher, startWatcher } from '../src/watch/watcher.js'
import { useDrillProtocol } from './fixtures/localChain.js'
import { writeTestManifest } from './fixtures/manifest.js'
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
})
