/**
 * The always-armed watcher (src/watch) on a local anvil, each figure against a baseline measured in
 * the same run:
 *  (1) decision to broadcast: `watcher.fire()` on an armed plan pausing 100 contracts through an
 *      EmergencyGuardian, against `contain pause-all` from cold (runContainment) on the same
 *      contracts. Each trigger really broadcasts and is mined; the chain is then reverted and a new
 *      watcher started (arming is not timed, but has happened before each trigger);
 *  (2) front-running: the drill's exploit sent to the mempool of a chain mining a block a second,
 *      at a random moment of the block, against a running watcher with an invariant trigger: the
 *      share of attacks whose pause was mined ahead of them in their own block;
 *  (3) the refresh on every block of a watcher of the same 100 contracts: HTTP requests (a batch is
 *      one), the JSON-RPC calls inside them, and wall time, against one `inspect` of the contracts
 *      and one re-arm (what a watcher without batching and diffing would redo every block).
 *
 * "Broadcast" is the node's answer to the first eth_sendRawTransaction, timed the same way for both
 * paths by wrapping fetch; requests are counted by the same wrapper (the forks' reads of the node,
 * which go through firebreak's relay, included).
 * Run: npm run bench:watch   (CONTRACTS=100 TRIGGERS=100 COLD=10 ATTACKS=100 BLOCKS=25 by default)
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Hash } from 'viem'
import { type Anvil, startAnvil } from '../src/chain/anvil.js'
import { type ChainClients, connect } from '../src/chain/clients.js'
import { deployContract } from '../src/chain/deploy.js'
import { runContainment } from '../src/contain/runContainment.js'
import { drillActors } from '../src/drill/actors.js'
import { deployProtocol } from '../src/drill/deployProtocol.js'
import { depositAll, drainCalldata } from '../src/drill/scenario.js'
import { inspectProtocol } from '../src/inspect/inspectProtocol.js'
import { openIncident } from '../src/journal/index.js'
import { type Manifest, loadManifest } from '../src/manifest/index.js'
import { compileContracts } from '../src/solidity/compile.js'
import { armPlan } from '../src/watch/armPlan.js'
import type { ResponseOutcome } from '../src/watch/respond.js'
import { type StartWatcherParameters, type Watcher, startWatcher } from '../src/watch/watcher.js'
import { deployGuardedFleet } from '../test/fixtures/guardian.js'
import { writeTestManifest } from '../test/fixtures/manifest.js'

const settings = {
  CONTRACTS: Number(process.env.CONTRACTS ?? 100),
  TRIGGERS: Number(process.env.TRIGGERS ?? 100),
  COLD: Number(process.env.COLD ?? 10),
  ATTACKS: Number(process.env.ATTACKS ?? 100),
  BLOCKS: Number(process.env.BLOCKS ?? 25),
}
const defaults = { CONTRACTS: 100, TRIGGERS: 100, COLD: 10, ATTACKS: 100, BLOCKS: 25 }
const command = `${Object.entries(settings)
  .filter(([name, value]) => value !== defaults[name as keyof typeof defaults])
  .map(([name, value]) => `${name}=${value} `)
  .join('')}npm run bench:watch`
const actors = drillActors()
const { admin, guardian, attacker } = actors

// ---- every HTTP request to the node under test, seen by wrapping fetch (viem, the fork relay) ----

/** The pending-transaction poller's methods: on their own timer, not part of a block's refresh. */
const pendingMethods = new Set(['eth_getFilterChanges', 'eth_getTransactionByHash', 'eth_newPendingTransactionFilter', 'eth_uninstallFilter'])
type HttpRecord = { startedAt: number; endedAt: number; methods: string[]; headPoll: boolean; latestBlock?: bigint }
const originalFetch = globalThis.fetch
const node = {
  url: '',
  /** Set while requests are being counted. */
  records: undefined as HttpRecord[] | undefined,
  /** Set while waiting for the first broadcast: when the node answered it. */
  firstSend: undefined as { at?: number } | undefined,
}
globalThis.fetch = (async (input: string | URL | Request, init?: RequestInit) => {
  const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url
  const startedAt = performance.now()
  const response = await originalFetch(input, init)
  const endedAt = performance.now()
  if ((url !== node.url && url !== `${node.url}/`) || typeof init?.body !== 'string') return response
  if (node.firstSend && node.firstSend.at === undefined && init.body.includes('"eth_sendRawTransaction"')) node.firstSend.at = endedAt
  if (node.records) node.records.push(recordOf(init.body, response, startedAt, endedAt))
  return response
}) as typeof fetch

type JsonRpcRequest = { id: number; method: string; params?: unknown[] }
type JsonRpcAnswer = { id: number; result?: { number?: string } }

function recordOf(body: string, response: Response, startedAt: number, endedAt: number): HttpRecord {
  const parsed = JSON.parse(body) as JsonRpcRequest | JsonRpcRequest[]
  const requests = Array.isArray(parsed) ? parsed : [parsed]
  const head = requests.find((request) => request.method === 'eth_getBlockByNumber' && request.params?.[0] === 'latest')
  const record: HttpRecord = { startedAt, endedAt, methods: requests.map((request) => request.method), headPoll: head !== undefined }
  if (head) {
    // Read from a copy, after viem got the answer: which block this poll saw.
    void response
      .clone()
      .json()
      .then((body: unknown) => {
        const answer = body as JsonRpcAnswer | JsonRpcAnswer[]
        const mine = (Array.isArray(answer) ? answer : [answer]).find((each) => each.id === head.id)
        if (mine?.result?.number) record.latestBlock = BigInt(mine.result.number)
      })
      .catch(() => undefined)
  }
  return record
}

async function rpc(url: string, method: string, params: unknown[] = []): Promise<unknown> {
  const response = await originalFetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }) })
  const answer = (await response.json()) as { result?: unknown; error?: { message: string } }
  if (answer.error) throw new Error(`${method}: ${answer.error.message}`)
  return answer.result
}

// ---- everything started is stopped: on success, on error, and on Ctrl-C ----

const anvils = new Set<Anvil>()
const watchers = new Set<Watcher>()
const dir = mkdtempSync(join(tmpdir(), 'firebreak-bench-watch-'))
let interrupted = false

async function cleanUp(): Promise<void> {
  await Promise.allSettled([...watchers].map((watcher) => withTimeout(watcher.stop('benchmark ended'), 10_000)))
  watchers.clear()
  await Promise.allSettled([...anvils].map((anvil) => anvil.stop()))
  anvils.clear()
  rmSync(dir, { recursive: true, force: true })
}

// Persistent, and registered before any anvil: the chain layer's own handler stops its anvils and
// raises the signal again, which lands here instead of ending the process before the watchers stop.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    if (interrupted) return
    interrupted = true
    process.stderr.write(`\n${signal}: stopping watchers and anvils\n`)
    void cleanUp().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143))
  })
}

async function launchAnvil(): Promise<Anvil> {
  const anvil = await startAnvil()
  anvils.add(anvil)
  return anvil
}

async function launchWatcher(parameters: StartWatcherParameters): Promise<Watcher> {
  if (interrupted) throw new Error('interrupted')
  const watcher = await startWatcher(parameters)
  watchers.add(watcher)
  return watcher
}

async function stopWatcher(watcher: Watcher | undefined): Promise<void> {
  if (!watcher) return
  await watcher.stop('benchmark round done')
  watchers.delete(watcher)
}

try {
  const { artifacts } = await compileContracts()
  const fleetAnvil = await launchAnvil()
  node.url = fleetAnvil.rpcUrl
  const chain = await connect(fleetAnvil.rpcUrl)
  const fleet = await deployGuardedFleet(chain, { admin, guardianKey: guardian.address, count: settings.CONTRACTS, artifacts })
  const manifest = loadManifest(
    writeTestManifest(dir, {
      rpcUrl: fleetAnvil.rpcUrl,
      contracts: [...fleet.targets, fleet.guardian],
      authorities: [{ name: 'guardian-key', type: 'eoa', address: guardian.address, keyEnv: 'BENCH_GUARDIAN_KEY' }],
      watch: {
        automatic: ['guardian-key'],
        // Read on every block like any invariant; here the plan is fired by hand.
        triggers: [{ name: 'pokes-drop', invariant: { contract: 'market-1', function: 'pokes()', maxDropPercent: 10 } }],
      },
    }),
  )

  progress(`(3) refresh cost per block: ${settings.CONTRACTS} contracts, ${settings.BLOCKS} blocks`)
  const refresh = await fromSnapshot(chain, () => measureRefresh(manifest, fleetAnvil.rpcUrl))
  const inspectBaseline = await fromSnapshot(chain, () => measureInspect(fleet, fleetAnvil.rpcUrl))
  const rearmBaseline = await fromSnapshot(chain, () => measureRearm(manifest))

  progress(`(1) decision to broadcast: ${settings.TRIGGERS} armed triggers, ${settings.COLD} cold containments`)
  const decision = await measureDecision(chain, manifest)

  await fleetAnvil.stop()
  anvils.delete(fleetAnvil)

  progress(`(2) front-running: ${settings.ATTACKS} drill attacks in the mempool, a block a second`)
  const frontRun = await measureFrontRunning(artifacts)

  const ms = (value: number) => `${value.toFixed(value < 10 ? 2 : 0)} ms`
  const lines = [
    `firebreak watch, local anvil, ${settings.CONTRACTS} contracts behind an EmergencyGuardian (one pause transaction)`,
    '',
    `(1) decision → broadcast (node's answer to eth_sendRawTransaction)`,
    `    armed, watcher.fire()    n=${decision.armed.length}: median ${ms(median(decision.armed))}, p99 ${ms(percentile(decision.armed, 99))}, max ${ms(Math.max(...decision.armed))}; every pause mined, ${decision.contained}/${decision.armed.length} contained`,
    `      watcher's own figure   median ${ms(median(decision.reported))}, p99 ${ms(percentile(decision.reported, 99))} (decisionToBroadcastMs: until the node answered, journal writes included)`,
    `    cold, contain pause-all  n=${decision.cold.length}: median ${ms(median(decision.cold))}, max ${ms(Math.max(...decision.cold))} (first step.sent journaled: median ${ms(median(decision.coldJournaled))})`,
    `    ratio cold/armed         ${(median(decision.cold) / median(decision.armed)).toFixed(0)}× (medians), ${(median(decision.cold) / percentile(decision.armed, 99)).toFixed(0)}× (cold median / armed p99); goal < 50 ms and ≥ 20×`,
    `    (arming, not timed above: startWatcher median ${ms(median(decision.arming))})`,
    '',
    `(2) front-running, ${frontRun.attacks} attacks sent at a random moment of a 1 s block`,
    `    pause mined ahead of the attack in its block: ${frontRun.ahead}/${frontRun.attacks} = ${((frontRun.ahead / frontRun.attacks) * 100).toFixed(1)} % (goal ≥ 95 %); attack reverted: ${frontRun.attackReverted}/${frontRun.attacks}`,
    `    not ahead: pause in a later block ${frontRun.nextBlock}, behind in the same block ${frontRun.behind}, not mined ${frontRun.pauseNotMined}, fired only once the attack was mined ${frontRun.afterMined}, no response ${frontRun.noResponse}`,
    `    attack accepted by the node → pause broadcast: median ${ms(median(frontRun.attackToBroadcast))}, p99 ${ms(percentile(frontRun.attackToBroadcast, 99))}`,
    '',
    `(3) cost per block, median of ${refresh.blocks.length} blocks (watcher: head poll every 200 ms, pending poll every 50 ms)`,
    `    watcher refresh          ${median(refresh.blocks.map((block) => block.http))} HTTP requests, ${median(refresh.blocks.map((block) => block.calls))} calls, ${ms(median(refresh.blocks.map((block) => block.ms)))} (max ${ms(Math.max(...refresh.blocks.map((block) => block.ms)))})`,
    `    one inspect              ${inspectBaseline.http} HTTP requests, ${inspectBaseline.calls} calls, ${ms(inspectBaseline.ms)}`,
    `    one re-arm (armPlan)     ${rearmBaseline.http} HTTP requests, ${rearmBaseline.calls} calls, ${ms(rearmBaseline.ms)}`,
    `    ratio inspect/refresh    ${(inspectBaseline.http / median(refresh.blocks.map((block) => block.http))).toFixed(0)}× the HTTP requests, ${(inspectBaseline.calls / median(refresh.blocks.map((block) => block.calls))).toFixed(0)}× the calls, ${(inspectBaseline.ms / median(refresh.blocks.map((block) => block.ms))).toFixed(0)}× the time`,
    `    polling between blocks   ${refresh.idle.headPerSecond.toFixed(1)} head polls/s, ${refresh.idle.pendingPerSecond.toFixed(1)} pending-filter HTTP requests/s (${(refresh.idle.headPerSecond * 12 + refresh.idle.pendingPerSecond * 12).toFixed(0)} requests per 12 s block)`,
    '',
    `command: ${command}`,
  ]
  console.log(lines.join('\n'))
} catch (error) {
  if (!interrupted) {
    process.exitCode = 1
    console.error(error)
  }
} finally {
  if (!interrupted) await cleanUp()
}

// ---- (1) decision to broadcast ----

async function measureDecision(chain: ChainClients, manifest: Manifest) {
  const armed: number[] = []
  const reported: number[] = []
  const arming: number[] = []
  const cold: number[] = []
  const coldJournaled: number[] = []
  let contained = 0
  const coldEvery = settings.COLD > 0 ? Math.max(1, Math.floor(settings.TRIGGERS / settings.COLD)) : Infinity
  const trigger = manifest.watch!.triggers[0]!
  for (let round = 0; round < settings.TRIGGERS; round++) {
    // Cold runs interleaved with the armed ones, so that both see the same machine.
    if (round % coldEvery === 0 && cold.length < settings.COLD) {
      const run = await fromSnapshot(chain, () => coldContainment(manifest, round))
      cold.push(run.ms)
      coldJournaled.push(run.journaledMs)
    }
    await fromSnapshot(chain, async () => {
      let watcher: Watcher | undefined
      try {
        const started = performance.now()
        watcher = await launchWatcher({ manifest, accounts: [guardian], watchRoot: join(dir, 'watch', String(round)), incidentsRoot: join(dir, 'incidents') })
        arming.push(performance.now() - started)
        const ready = watcher.armed()
        if (ready.transactions.length !== 1) throw new Error(`armed ${ready.transactions.length} transactions, expected the guardian's one: ${ready.unarmed.map((alert) => alert.message).join('; ')}`)
        const blockNumber = await chain.public.getBlockNumber({ cacheTime: 0 })
        const sent: { at?: number } = {}
        node.firstSend = sent
        const decidedAt = performance.now()
        const outcome = await watcher.fire({ trigger, detail: 'benchmark: fired by hand', blockNumber })
        node.firstSend = undefined
        if (!outcome || sent.at === undefined) throw new Error('the armed plan was not broadcast')
        const receipt = await chain.public.getTransactionReceipt({ hash: outcome.hashes[0]! })
        if (receipt.status !== 'success') throw new Error(`the armed pause ${outcome.hashes[0]} reverted`)
        armed.push(sent.at - decidedAt)
        reported.push(outcome.decisionToBroadcastMs)
        if (outcome.status === 'contained') contained++
      } finally {
        node.firstSend = undefined
        await stopWatcher(watcher)
      }
    })
    if ((round + 1) % 10 === 0) progress(`  ${round + 1}/${settings.TRIGGERS} armed triggers (median so far ${median(armed).toFixed(2)} ms), ${cold.length} cold`)
  }
  return { armed, reported, arming, cold, coldJournaled, contained }
}

/** `contain pause-all` from cold, as bench/contain.ts times it: the call to the first broadcast. */
async function coldContainment(manifest: Manifest, round: number): Promise<{ ms: number; journaledMs: number }> {
  const incident = openIncident({ root: join(dir, 'incidents'), id: `cold-${round}` })
  const append = incident.journal.append.bind(incident.journal)
  let journaledAt = 0
  incident.journal.append = ((type, data) => {
    if (type === 'step.sent' && journaledAt === 0) journaledAt = performance.now()
    return append(type, data)
  }) as typeof incident.journal.append
  const sent: { at?: number } = {}
  node.firstSend = sent
  const started = performance.now()
  try {
    const outcome = await runContainment({ manifest, playbook: 'pause-all', incident, accounts: [guardian] })
    if (outcome.status !== 'contained') throw new Error(`contain ended ${outcome.status}`)
  } finally {
    node.firstSend = undefined
  }
  if (sent.at === undefined) throw new Error('contain pause-all broadcast nothing')
  return { ms: sent.at - started, journaledMs: journaledAt - started }
}

// ---- (2) front-running a pending attack ----

async function measureFrontRunning(artifacts: Awaited<ReturnType<typeof compileContracts>>['artifacts']) {
  const drillAnvil = await launchAnvil()
  node.url = drillAnvil.rpcUrl
  const chain = await connect(drillAnvil.rpcUrl)
  const protocol = await deployProtocol(chain, artifacts, actors)
  await depositAll(chain, protocol, actors)
  const exploit = await deployContract(chain, attacker, artifacts.get('DrillExploit'), [])
  const victims = [...actors.users]
    .sort((a, b) => (a.deposit > b.deposit ? -1 : 1))
    .slice(0, 3)
    .map((user) => user.account.address)
  const data = drainCalldata(artifacts, protocol, victims)
  const manifest = loadManifest(
    writeTestManifest(mkdtempSync(join(dir, 'drill-manifest-')), {
      rpcUrl: drillAnvil.rpcUrl,
      contracts: [{ name: 'vault', address: protocol.vault.address, abi: protocol.vault.abi }],
      authorities: [
        { name: 'guardian', type: 'eoa', address: guardian.address },
        { name: 'governance', type: 'eoa', address: admin.address },
      ],
      watch: {
        automatic: ['guardian'],
        triggers: [{ name: 'assets-drop', invariant: { contract: 'vault', function: 'totalAssets()', maxDropPercent: 10 } }],
      },
    }),
  )
  const result = { attacks: 0, ahead: 0, behind: 0, nextBlock: 0, pauseNotMined: 0, afterMined: 0, noResponse: 0, attackReverted: 0, attackToBroadcast: [] as number[] }
  try {
    for (let round = 0; round < settings.ATTACKS; round++) {
      const snapshot = (await rpc(drillAnvil.rpcUrl, 'evm_snapshot')) as string
      let watcher: Watcher | undefined
      try {
        await chain.test.setAutomine(false)
        await chain.test.setIntervalMining({ interval: 1 })
        let respond: (outcome: ResponseOutcome) => void = () => {}
        const responded = new Promise<ResponseOutcome>((resolve) => (respond = resolve))
        watcher = await launchWatcher({
          manifest,
          accounts: [guardian],
          watchRoot: join(dir, 'drill-watch', String(round)),
          incidentsRoot: join(dir, 'drill-incidents'),
          onResponse: (outcome) => respond(outcome),
        })
        // An attacker does not wait for the watcher's convenience: any moment of the block.
        await sleep(Math.random() * 1_000)
        const attack: Hash = await chain.wallet(attacker).sendTransaction({ to: exploit, data, gas: 1_000_000n })
        const acceptedAt = performance.now()
        // The next eth_sendRawTransaction the node answers is the watcher's pause.
        const pause: { at?: number } = {}
        node.firstSend = pause
        const outcome = await Promise.race([responded, sleep(30_000).then(() => undefined)])
        const attackReceipt = await chain.public.waitForTransactionReceipt({ hash: attack, pollingInterval: 50, timeout: 30_000 })
        result.attacks++
        if (attackReceipt.status === 'reverted') result.attackReverted++
        if (!outcome) result.noResponse++
        else if (outcome.ahead === true) result.ahead++
        else if (outcome.ahead === undefined) result.afterMined++
        else {
          // Where the pause landed instead: behind the attack in its block, in a later block, or nowhere.
          const pauseReceipt = await chain.public.getTransactionReceipt({ hash: outcome.hashes[0]! }).catch(() => undefined)
          if (!pauseReceipt) result.pauseNotMined++
          else if (pauseReceipt.blockNumber === attackReceipt.blockNumber) result.behind++
          else result.nextBlock++
        }
        if (pause.at !== undefined) result.attackToBroadcast.push(pause.at - acceptedAt)
      } finally {
        node.firstSend = undefined
        await stopWatcher(watcher)
        await chain.test.setIntervalMining({ interval: 0 })
        await chain.test.setAutomine(true)
        // Nothing left in the pool for the next round (a pause or an attack never mined).
        await rpc(drillAnvil.rpcUrl, 'anvil_dropAllTransactions')
        await rpc(drillAnvil.rpcUrl, 'evm_revert', [snapshot])
      }
      if ((round + 1) % 10 === 0) progress(`  ${round + 1}/${settings.ATTACKS} attacks, ${result.ahead} front-run`)
    }
  } finally {
    await drillAnvil.stop()
    anvils.delete(drillAnvil)
  }
  return result
}

// ---- (3) the refresh on every block, and what it saves ----

type RefreshCost = { http: number; calls: number; ms: number }

async function measureRefresh(manifest: Manifest, rpcUrl: string): Promise<{ blocks: RefreshCost[]; idle: { headPerSecond: number; pendingPerSecond: number } }> {
  let watcher: Watcher | undefined
  try {
    watcher = await launchWatcher({ manifest, accounts: [guardian], watchRoot: join(dir, 'watch', 'refresh'), incidentsRoot: join(dir, 'incidents') })
    // Between blocks: what the watcher asks while nothing happens.
    const idle: HttpRecord[] = []
    node.records = idle
    const idleStarted = performance.now()
    await sleep(2_000)
    const idleSeconds = (performance.now() - idleStarted) / 1000
    const blocks: RefreshCost[] = []
    for (let index = 0; index < settings.BLOCKS; index++) {
      const records: HttpRecord[] = []
      node.records = records
      await rpc(rpcUrl, 'evm_mine')
      const mined = BigInt((await rpc(rpcUrl, 'eth_blockNumber')) as string)
      const deadline = performance.now() + 10_000
      let cost: RefreshCost | undefined
      while (!(cost = refreshOf(records, mined))) {
        if (performance.now() > deadline) throw new Error(`the watcher did not refresh block ${mined} within 10 s`)
        await sleep(20)
      }
      blocks.push(cost)
      // Blocks a little apart, at no fixed phase of the watcher's poll.
      await sleep(100 + Math.random() * 200)
    }
    node.records = undefined
    return {
      blocks,
      idle: {
        headPerSecond: idle.filter((record) => record.headPoll).length / idleSeconds,
        pendingPerSecond: idle.filter((record) => !record.headPoll && record.methods.every((method) => pendingMethods.has(method))).length / idleSeconds,
      },
    }
  } finally {
    node.records = undefined
    await stopWatcher(watcher)
  }
}

/**
 * One block's refresh, from the head poll that first saw it to the end of the last read it caused,
 * once the next head poll has started (the loop reads, then sleeps, then polls). The pending
 * poller's requests run on their own timer and are left out.
 */
function refreshOf(records: readonly HttpRecord[], block: bigint): RefreshCost | undefined {
  const sorted = [...records].sort((a, b) => a.startedAt - b.startedAt)
  const seen = sorted.findIndex((record) => record.headPoll && record.latestBlock === block)
  if (seen < 0) return undefined
  const first = sorted[seen]!
  const next = sorted.find((record, index) => index > seen && record.headPoll && record.startedAt >= first.endedAt)
  if (!next) return undefined
  const reads = sorted.filter((record) => record !== first && record.startedAt >= first.endedAt && record.startedAt < next.startedAt && record.methods.some((method) => !pendingMethods.has(method)))
  const calls = [first, ...reads].reduce((sum, record) => sum + record.methods.filter((method) => !pendingMethods.has(method)).length, 0)
  const endedAt = Math.max(first.endedAt, ...reads.map((record) => record.endedAt))
  return { http: 1 + reads.length, calls, ms: endedAt - first.startedAt }
}

async function measureInspect(fleet: Awaited<ReturnType<typeof deployGuardedFleet>>, rpcUrl: string): Promise<RefreshCost> {
  const chain = await connect(rpcUrl)
  return medianCost(3, async () => {
    const inspection = await inspectProtocol(chain, { targets: [...fleet.targets, fleet.guardian], authorities: [{ name: 'guardian-key', address: guardian.address }] })
    const failed = inspection.contracts.filter((contract) => contract.error)
    if (failed.length > 0) throw new Error(`inspect: ${failed.length} contracts failed: ${failed[0]!.error}`)
  })
}

async function measureRearm(manifest: Manifest): Promise<RefreshCost> {
  const incident = openIncident({ root: join(dir, 'rearm'), id: 'rearm' })
  return medianCost(3, async () => {
    const armed = await armPlan({ manifest, watch: manifest.watch!, journal: incident.journal, outputDir: incident.dir, accounts: [guardian] })
    if (armed.transactions.length !== 1) throw new Error(`re-arm: ${armed.transactions.length} transactions armed`)
  })
}

/** Runs `work` `rounds` times counting its requests, and returns the median of each figure. */
async function medianCost(rounds: number, work: () => Promise<void>): Promise<RefreshCost> {
  const runs: RefreshCost[] = []
  for (let round = 0; round < rounds; round++) {
    const records: HttpRecord[] = []
    node.records = records
    const started = performance.now()
    try {
      await work()
    } finally {
      node.records = undefined
    }
    runs.push({ http: records.length, calls: records.reduce((sum, record) => sum + record.methods.length, 0), ms: performance.now() - started })
  }
  return { http: median(runs.map((run) => run.http)), calls: median(runs.map((run) => run.calls)), ms: median(runs.map((run) => run.ms)) }
}

// ---- small helpers ----

async function fromSnapshot<T>(chain: ChainClients, run: () => Promise<T>): Promise<T> {
  const snapshot = await chain.test.snapshot()
  try {
    return await run()
  } finally {
    await chain.test.revert({ id: snapshot })
  }
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2
}

/** Nearest rank: p99 of 100 values is the 99th smallest. */
function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!
}

function progress(line: string): void {
  process.stderr.write(`${line}\n`)
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  return Promise.race([promise, sleep(ms).then(() => undefined)])
}
