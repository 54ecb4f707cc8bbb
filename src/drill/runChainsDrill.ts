import { Listr, type ListrTask, PRESET_TIMER } from 'listr2'
import { containAcrossChains } from '../contain/containAcrossChains.js'
import { errorMessage } from '../errors.js'
import { type Incident, incidentOnChain, openIncident } from '../journal/incident.js'
import type { Manifest } from '../manifest/types.js'
import { writeReportFiles } from '../report/writeReport.js'
import { attackTasks } from './phases/attack.js'
import { containTasks } from './phases/contain.js'
import { eradicateTasks } from './phases/eradicate.js'
import { recoverTasks } from './phases/recover.js'
import { reportTasks } from './phases/report.js'
import { setupTasks } from './phases/setup.js'
import type { RunDrillOptions } from './runDrill.js'
import { type DrillState, type PartialDrillState, need } from './state.js'
import { type DrillSummary, summarize } from './summary.js'

export type RunChainsDrillOptions = Omit<RunDrillOptions, 'port'> & { chains: number }

/** Every chain's drill summary under its chain's name, with the one incident they share. */
export type ChainsDrillSummary = {
  ok: true
  incident: { id: string; dir: string; report: string }
  /** Each chain's summary, under the name the incident gives the chain (`chain-1`…). */
  chains: (DrillSummary & { name: string })[]
  phases: DrillSummary['phases']
  wallMilliseconds: number
}

/** Anvil's chain ids for the drill's chains: 31337 (anvil's own) and the ones after it. */
const FIRST_CHAIN_ID = 31337

/**
 * `firebreak drill --chains N`: the drill's protocol on N local chains (an anvil each, a chain id
 * each), the attack on every one of them, containment as one command over all chains
 * (containAcrossChains), then each chain fixed, reimbursed and reopened by its own runs, at once,
 * all in one incident whose report covers every chain. Every anvil is stopped whatever happens.
 */
export async function runChainsDrill(options: RunChainsDrillOptions): Promise<ChainsDrillSummary> {
  const lanes: PartialDrillState[] = Array.from({ length: options.chains }, (_, index) => ({ chainName: `chain-${index + 1}` }))
  const phases: DrillSummary['phases'] = []
  let incident: Incident | undefined
  let reportFile = ''
  const started = Date.now()
  const opened = (): Incident => {
    if (!incident) throw new Error('drill phase order: the incident is not opened yet')
    return incident
  }
  const everyChain = (tasks: (lane: PartialDrillState) => ListrTask[]): ListrTask['task'] => (_, task) =>
    task.newListr(lanes.map((lane) => ({ title: lane.chainName!, task: (_, inner) => inner.newListr(tasks(lane), { concurrent: false }) })), { concurrent: true, exitOnError: true })
  const timed = (name: string, title: string, task: ListrTask['task']): ListrTask => ({
    title,
    task: async (context, wrapper) => {
      const phaseStart = Date.now()
      const result = await task(context, wrapper)
      // A task that returns a sub-list is done when the list is: run it here to time it.
      if (result instanceof Listr) await result.run()
      phases.push({ name, milliseconds: Date.now() - phaseStart })
    },
  })
  const list = new Listr(
    [
      // One after the other: the first compiles into the cache, the others read it.
      timed('setup', `Set up the drill protocol on ${lanes.length} chains`, (_, task) =>
        task.newListr(lanes.map((lane, index) => ({ title: lane.chainName!, task: (_, inner) => inner.newListr(setupTasks(lane, { cacheDir: options.cacheDir, chainId: FIRST_CHAIN_ID + index })) }))),
      ),
      timed('attack', 'Attack every chain', (_, task) => {
        incident = openIncident({ root: options.incidentsRoot, title: `drill vault drain on ${lanes.length} chains` })
        for (const lane of lanes) lane.incident = incidentOnChain(incident, lane.chainName!)
        return everyChain((lane) => attackTasks(lane, options))(_, task)
      }),
      timed('contain', 'Contain every chain with one command (contain pause-all)', async (_, task) => {
        await containEveryChain(lanes, opened(), (title) => (task.title = title))
        return everyChain((lane) => containTasks(lane).slice(1))(_, task)
      }),
      timed('eradicate', 'Eradicate on every chain', everyChain(eradicateTasks)),
      timed('recover', 'Recover on every chain', everyChain(recoverTasks)),
      timed('report', 'Report', (_, task) =>
        task.newListr([
          { title: 'read the dUSD held across the incident on every chain', task: everyChain((lane) => reportTasks(lane).slice(0, 1)) },
          {
            title: 'write the post-mortem from the journal',
            task: (_, inner) => {
              reportFile = writeReportFiles(opened()).markdown
              for (const lane of lanes) lane.reportFile = reportFile
              inner.title = `post-mortem of every chain written to ${reportFile}`
            },
          },
        ]),
      ),
    ],
    {
      renderer: options.progress === 'silent' ? 'silent' : 'default',
      fallbackRenderer: 'simple',
      rendererOptions: { timer: PRESET_TIMER, collapseSubtasks: false },
      fallbackRendererOptions: { timer: PRESET_TIMER },
      registerSignalListeners: false,
      exitOnError: true,
    },
  )
  try {
    await list.run()
    const shared = opened()
    const wallMilliseconds = Date.now() - started
    shared.journal.append('drill.completed', { phases, wallMilliseconds })
    return {
      ok: true,
      incident: { id: shared.id, dir: shared.dir, report: reportFile },
      chains: lanes.map((lane) => ({ name: lane.chainName!, ...summarize(lane as DrillState, [], wallMilliseconds) })),
      phases,
      wallMilliseconds,
    }
  } catch (error) {
    incident?.journal.append('drill.failed', { reason: errorMessage(error) })
    throw error
  } finally {
    await Promise.all(lanes.map((lane) => lane.anvil?.stop()))
  }
}

/** One command for every chain, as `firebreak contain pause-all` runs on a manifest of several chains. */
async function containEveryChain(lanes: PartialDrillState[], incident: Incident, say: (title: string) => void): Promise<void> {
  const across = await containAcrossChains({ manifest: everyChainManifest(lanes), playbook: 'pause-all', incident, accounts: need(lanes[0]!, 'accounts') })
  for (const result of across.chains) {
    const lane = lanes.find((candidate) => candidate.chainName === result.chain)!
    if (!result.outcome || result.outcome.status !== 'contained') throw new Error(`containment on ${result.chain} ended ${result.outcome ? result.outcome.status : `in failure: ${result.reason}`}: the drill's guardian key should pause every vault at once`)
    const pauseBlock = result.outcome.steps.at(-1)?.blockNumber
    if (pauseBlock === undefined) throw new Error(`containment on ${result.chain} sent no transaction`)
    lane.containment = { pauseBlock, secondAttempt: { txHash: '0x', reverted: false, reason: '' } }
  }
  say(`contained on ${across.contained.join(', ')} in one command, each verified on its chain`)
}

/**
 * The manifest a team would write for the protocol on every chain: one vault per chain under one
 * name, the same guardian and governance keys. Each chain's own manifest (with its restore stage,
 * whose exploit lives at that chain's address) stays its own.
 */
function everyChainManifest(lanes: PartialDrillState[]): Manifest {
  const views = lanes.map((lane) => need(lane, 'manifest'))
  const operations = new Map(views.flatMap((view) => view.normalOperations).map((operation) => [JSON.stringify(operation, (_, value) => (typeof value === 'bigint' ? value.toString() : value)), operation]))
  return {
    file: `(drill --chains ${lanes.length})`,
    chains: views.flatMap((view) => view.chains),
    contracts: views.flatMap((view) => view.contracts),
    authorities: views[0]!.authorities,
    playbooks: [],
    normalOperations: [...operations.values()],
    restore: [],
  }
}
