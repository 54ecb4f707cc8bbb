/**
 * `contain pause-all` on N contracts each paused by one key (one step, one transaction per
 * contract), through a node that adds LATENCY ms to every HTTP request, on a chain mining a block
 * every second. Measured in the same run, from the same chain state: the key's steps pipelined
 * (consecutive nonces broadcast together, confirmed together; firebreak's default) against one
 * transaction per block (each step mined before the next is sent, `pipeline: false`).
 *
 * The fork simulation reads the node directly (it is the same for both and not what is measured
 * here); inspection, keys, sends, receipts and postconditions go through the slow node.
 * Run: npm run bench:pipeline   (CONTRACTS=200 LATENCY=200 by default)
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Address } from 'viem'
import { startAnvil } from '../src/chain/anvil.js'
import { type ChainClients, connect } from '../src/chain/clients.js'
import { deployContract } from '../src/chain/deploy.js'
import { planContainment } from '../src/contain/planContainment.js'
import { drillActors } from '../src/drill/actors.js'
import { runPhase } from '../src/engine/runPhase.js'
import { openIncident } from '../src/journal/index.js'
import { loadManifest } from '../src/manifest/index.js'
import { compileContainFixtures } from '../test/fixtures/guardian.js'
import { writeTestManifest } from '../test/fixtures/manifest.js'

const contracts = Number(process.env.CONTRACTS ?? 200)
const latencyMs = Number(process.env.LATENCY ?? 200)
const { admin, guardian } = drillActors()

const anvil = await startAnvil()
const proxy = await startLatencyProxy(anvil.rpcUrl, latencyMs)
const dir = mkdtempSync(join(tmpdir(), 'firebreak-bench-pipeline-'))
try {
  const direct = await connect(anvil.rpcUrl)
  const target = (await compileContainFixtures()).get('GuardedTarget')
  const targets: { name: string; address: Address; abi: typeof target.abi }[] = []
  for (let index = 0; index < contracts; index++) {
    targets.push({ name: `market-${index + 1}`, address: await deployContract(direct, admin, target, [admin.address, guardian.address]), abi: target.abi })
  }
  const manifest = loadManifest(
    writeTestManifest(dir, {
      rpcUrl: anvil.rpcUrl,
      contracts: targets,
      authorities: [{ name: 'guardian-key', type: 'eoa', address: guardian.address, keyEnv: 'BENCH_GUARDIAN_KEY' }],
    }),
  )
  const slow = await connect(proxy.url)
  // The plan's chain: sends and reads through the slow node, the fork simulation from anvil itself.
  const chain: ChainClients = { ...slow, rpcUrl: anvil.rpcUrl }

  console.log(`contain pause-all: ${contracts} contracts, one key, ${latencyMs} ms added to every request, a block every second`)
  const snapshot = await direct.test.snapshot()
  const pipelined = await contain('pipelined', true)
  await direct.test.revert({ id: snapshot })
  const sequential = await contain('sequential', false)
  for (const [name, run] of [
    ['pipelined (default)', pipelined],
    ['one tx per block (pipeline: false)', sequential],
  ] as const) {
    console.log(`  ${name.padEnd(36)} ${(run.totalMs / 1000).toFixed(1).padStart(6)} s in all, ${(run.sendMs / 1000).toFixed(1).padStart(6)} s sending and confirming, ${run.blocks} blocks`)
  }
  console.log(`  ratio: ${(sequential.totalMs / pipelined.totalMs).toFixed(1)}× faster in all, ${(sequential.sendMs / pipelined.sendMs).toFixed(1)}× sending and confirming, ${(sequential.blocks / pipelined.blocks).toFixed(0)}× fewer blocks`)

  async function contain(name: string, pipeline: boolean) {
    const incident = openIncident({ root: join(dir, 'incidents'), id: name })
    await direct.test.setIntervalMining({ interval: 1 })
    let preparedAt = 0
    const started = performance.now()
    try {
      const outcome = await runPhase({
        journal: incident.journal,
        accounts: [guardian],
        pipeline,
        build: async () => {
          const planned = await planContainment({ manifest, playbook: 'pause-all', incidentId: incident.id })
          return { chain, plan: planned.plan }
        },
        onProgress: (event) => {
          if (event.stage === 'prepared') preparedAt = performance.now()
        },
      })
      const totalMs = performance.now() - started
      if (!('steps' in outcome) || outcome.steps.length !== contracts) throw new Error(`${name}: ${'steps' in outcome ? outcome.steps.length : 0} of ${contracts} steps done`)
      const blocks = new Set(outcome.steps.map((step) => step.blockNumber)).size
      for (const { address } of targets) {
        if (!(await direct.public.readContract({ address, abi: target.abi, functionName: 'paused' }))) throw new Error(`${name}: ${address} is not paused`)
      }
      return { totalMs, sendMs: performance.now() - preparedAt, blocks }
    } finally {
      await direct.test.setAutomine(true)
    }
  }
} finally {
  await proxy.stop()
  await anvil.stop()
  rmSync(dir, { recursive: true, force: true })
}

/** An HTTP proxy in front of the node that holds every request `delayMs` before passing it on. */
async function startLatencyProxy(upstream: string, delayMs: number): Promise<{ url: string; stop(): Promise<void> }> {
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      setTimeout(async () => {
        try {
          const answer = await fetch(upstream, { method: 'POST', headers: { 'content-type': 'application/json' }, body: Buffer.concat(chunks) })
          response.writeHead(answer.status, { 'content-type': 'application/json' })
          response.end(Buffer.from(await answer.arrayBuffer()))
        } catch {
          response.writeHead(502).end()
        }
      }, delayMs)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  }
}
