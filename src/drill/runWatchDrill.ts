import { dirname, join } from 'node:path'
import type { Address, Hash } from 'viem'
import { Listr, PRESET_TIMER } from 'listr2'
import type { ChainClients } from '../chain/clients.js'
import { deployContract } from '../chain/deploy.js'
import type { Manifest } from '../manifest/types.js'
import { writeReportFiles } from '../report/writeReport.js'
import type { ResponseOutcome } from '../watch/respond.js'
import { type Watcher, startWatcher } from '../watch/watcher.js'
import { GOVERNANCE, GUARDIAN } from './drillManifest.js'
import { formatAmount } from './format.js'
import { setupTasks } from './phases/setup.js'
import { drainCalldata } from './scenario.js'
import { type PartialDrillState, need } from './state.js'

export type RunWatchDrillOptions = {
  incidentsRoot?: string
  /** The watcher's own folder; default `watch` beside the incidents folder. */
  watchRoot?: string
  cacheDir?: string
  port?: number
  progress?: 'default' | 'silent'
  /** Seconds between blocks while the attack waits in the mempool. Default 1. */
  blockTime?: number
}

type Placed = { hash: Hash; blockNumber: bigint; index: number; status: 'success' | 'reverted' }

/** `ok` only when the pause was mined ahead of the attack in the attack's block and the checks read on chain say contained. */
export type WatchDrillSummary = {
  ok: boolean
  mode: 'watch'
  incident: { id: string; dir: string; report: string }
  chain: { rpcUrl: string; chainId: number }
  attack: Placed & { from: Address; stolen: bigint }
  pause: Placed
  aheadOfAttack: boolean
  sameBlock: boolean
  contained: boolean
  decisionToBroadcastMs: number
  wallMilliseconds: number
}

/** The trigger the drill's watcher is armed with: the vault's assets falling by more than a tenth at once. */
export const ASSETS_DROP = 'vault-assets-drop'

/**
 * `firebreak drill --watch`: the drill's protocol with a watcher armed through the guardian's key,
 * then the attack sent to the mempool of a chain that mines a block every second, transactions
 * ordered by tip. The watcher simulates the pending attack, sees the vault's assets fall, and
 * broadcasts the pause with a higher tip: the drill reports whether it was mined ahead of the
 * attack, in the attack's own block. The embedded chain and the watcher are stopped whatever happens.
 */
export async function runWatchDrill(options: RunWatchDrillOptions = {}): Promise<WatchDrillSummary> {
  const state: PartialDrillState = {}
  const started = Date.now()
  let watcher: Watcher | undefined
  let attack: { hash: Hash; exploit: Address } | undefined
  let response: ResponseOutcome | undefined
  let reportFile = ''
  const list = new Listr(
    [
      { title: 'Set up the drill protocol', task: (_, task) => task.newListr(setupTasks(state, options)) },
      {
        title: 'arm a watcher: pause-all through the guardian key, triggered by the vault losing over 10 % at once',
        task: async (_, task) => {
          watcher = await startWatcher({
            manifest: watchDrillManifest(state),
            accounts: [need(state, 'actors').guardian],
            incidentsRoot: options.incidentsRoot,
            // Beside the incidents folder (`.firebreak/watch` next to `.firebreak/incidents`), not wherever the drill runs.
            watchRoot: options.watchRoot ?? (options.incidentsRoot ? join(dirname(options.incidentsRoot), 'watch') : undefined),
            pollMs: 50,
          })
          task.title = `watcher armed at block ${watcher.armed().blockNumber}: ${watcher.armed().transactions.map((each) => each.title).join('; ')}`
        },
      },
      {
        title: 'attacker sends the drain to the mempool',
        task: async (_, task) => {
          const { chain, artifacts, protocol, actors } = { chain: need(state, 'chain'), artifacts: need(state, 'artifacts'), protocol: need(state, 'protocol'), actors: need(state, 'actors') }
          const exploit = await deployContract(chain, actors.attacker, artifacts.get('DrillExploit'), [])
          // From here on blocks come every second and wait for transactions, as on a real chain.
          await chain.test.setAutomine(false)
          await chain.test.setIntervalMining({ interval: options.blockTime ?? 1 })
          const victims = [...actors.users].sort((a, b) => (a.deposit > b.deposit ? -1 : 1)).slice(0, 3).map((user) => user.account.address)
          // Sent as a block begins: the rehearsal shows the watcher's whole path, not the ~5 % of
          // attacks that reach the node in a block's last few tens of milliseconds (bench:watch measures those).
          await blockJustMined(chain)
          const hash = await chain.wallet(actors.attacker).sendTransaction({ to: exploit, data: drainCalldata(artifacts, protocol, victims), gas: 1_000_000n })
          attack = { hash, exploit }
          task.title = `attack ${hash} pending, aimed at ${victims.length} depositors`
        },
      },
      {
        title: 'watcher responds',
        task: async (_, task) => {
          if (!watcher) throw new Error('drill phase order: the watcher is not armed yet')
          response = await waitForResponse(watcher)
          task.title = `pause broadcast ${response.decisionToBroadcastMs.toFixed(1)} ms after the trigger; ${response.status}${response.ahead ? ', mined ahead of the attack' : ', NOT mined ahead of the attack'}`
        },
      },
      {
        title: 'write the post-mortem from the journal',
        task: (_, task) => {
          reportFile = writeReportFiles(response!.incident).markdown
          task.title = `post-mortem written to ${reportFile}`
        },
      },
    ],
    { renderer: options.progress === 'silent' ? 'silent' : 'default', fallbackRenderer: 'simple', rendererOptions: { timer: PRESET_TIMER }, fallbackRendererOptions: { timer: PRESET_TIMER }, registerSignalListeners: false, exitOnError: true },
  )
  try {
    await list.run()
    return await summarize(state, attack!, response!, reportFile, Date.now() - started)
  } finally {
    await watcher?.stop('drill finished')
    await state.anvil?.stop()
  }
}

/** Resolves as soon as the chain's next block is mined. */
export async function blockJustMined(chain: ChainClients): Promise<void> {
  const start = await chain.public.getBlockNumber({ cacheTime: 0 })
  while ((await chain.public.getBlockNumber({ cacheTime: 0 })) === start) await new Promise((resolve) => setTimeout(resolve, 10))
}

function waitForResponse(watcher: Watcher, timeoutMs = 60_000): Promise<ResponseOutcome> {
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + timeoutMs
    const poll = () => {
      const [outcome] = watcher.responses
      if (outcome) return resolve(outcome)
      if (Date.now() > deadline) return reject(new Error(`the watcher did not respond within ${timeoutMs / 1000} s of the attack: see its journal in ${watcher.journal.dir}`))
      setTimeout(poll, 50)
    }
    poll()
  })
}

async function summarize(state: PartialDrillState, attack: { hash: Hash }, response: ResponseOutcome, report: string, wallMilliseconds: number): Promise<WatchDrillSummary> {
  const chain = need(state, 'chain')
  const actors = need(state, 'actors')
  const protocol = need(state, 'protocol')
  const place = async (hash: Hash): Promise<Placed> => {
    const receipt = await chain.public.getTransactionReceipt({ hash })
    return { hash, blockNumber: receipt.blockNumber, index: receipt.transactionIndex, status: receipt.status }
  }
  const [attackPlaced, pausePlaced] = await Promise.all([place(attack.hash), place(response.hashes[0]!)])
  const before = (await chain.public.readContract({ ...protocol.token, functionName: 'balanceOf', args: [actors.attacker.address], blockNumber: attackPlaced.blockNumber - 1n })) as bigint
  const after = (await chain.public.readContract({ ...protocol.token, functionName: 'balanceOf', args: [actors.attacker.address], blockNumber: attackPlaced.blockNumber })) as bigint
  const aheadOfAttack = response.ahead === true
  const contained = response.status === 'contained'
  return {
    ok: aheadOfAttack && contained,
    mode: 'watch',
    incident: { id: response.incident.id, dir: response.incident.dir, report },
    chain: { rpcUrl: need(state, 'anvil').rpcUrl, chainId: chain.chain.id },
    attack: { ...attackPlaced, from: actors.attacker.address, stolen: after - before },
    pause: pausePlaced,
    aheadOfAttack,
    sameBlock: attackPlaced.blockNumber === pausePlaced.blockNumber,
    contained,
    decisionToBroadcastMs: Math.round(response.decisionToBroadcastMs * 100) / 100,
    wallMilliseconds,
  }
}

/** The manifest a team would write to keep the drill's vault armed: the guardian's key acts alone, governance never automatically. */
function watchDrillManifest(state: PartialDrillState): Manifest {
  const chain = need(state, 'chain')
  const { vault } = need(state, 'protocol')
  const actors = need(state, 'actors')
  return {
    file: '(drill --watch)',
    chains: [{ name: 'drill', rpcUrl: need(state, 'anvil').rpcUrl, chainId: chain.chain.id }],
    contracts: [{ name: vault.name, address: vault.address, chain: 'drill', abi: vault.abi }],
    authorities: [
      { name: GUARDIAN, type: 'eoa', address: actors.guardian.address },
      { name: GOVERNANCE, type: 'eoa', address: actors.admin.address },
    ],
    playbooks: [],
    normalOperations: [],
    restore: [],
    watch: {
      playbook: 'pause-all',
      automatic: [GUARDIAN],
      webhooks: [],
      triggers: [{ kind: 'invariant', name: ASSETS_DROP, view: { contract: vault.name, function: 'totalAssets()', args: [] }, maxDropPercent: 10 }],
      pauseWindowWarningSeconds: 604_800,
      pending: true,
      privateRpcUrls: {},
      privateFallbackMs: 3_000,
    },
  }
}

/** The watch drill's outcome in a few lines. */
export function formatWatchDrillSummary(summary: WatchDrillSummary): string {
  const rows: [string, string][] = [
    ['attack', `${summary.attack.hash} mined in block ${summary.attack.blockNumber} at index ${summary.attack.index}: ${summary.attack.status}, attacker gained ${formatAmount(summary.attack.stolen)}`],
    ['pause', `${summary.pause.hash} mined in block ${summary.pause.blockNumber} at index ${summary.pause.index}, broadcast ${summary.decisionToBroadcastMs} ms after the trigger`],
    ['verdict', `${summary.aheadOfAttack ? `pause mined AHEAD of the attack${summary.sameBlock ? ", in the attack's own block" : ''}` : 'pause NOT mined ahead of the attack'}; ${summary.contained ? 'contained (checks read on chain)' : 'NOT contained'}`],
    ['report', summary.incident.report],
  ]
  const width = Math.max(...rows.map(([label]) => label.length))
  return ['', `Watch drill ${summary.ok ? 'passed' : 'FAILED'}: incident ${summary.incident.id}`, ...rows.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`), ''].join('\n')
}
