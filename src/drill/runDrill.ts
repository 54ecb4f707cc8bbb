import { Listr, type ListrTask, PRESET_TIMER } from 'listr2'
import { errorMessage } from '../errors.js'
import { attackTasks } from './phases/attack.js'
import { containTasks } from './phases/contain.js'
import { eradicateTasks } from './phases/eradicate.js'
import { recoverTasks } from './phases/recover.js'
import { reportTasks } from './phases/report.js'
import { setupTasks } from './phases/setup.js'
import type { DrillState, PartialDrillState } from './state.js'
import { type DrillSummary, summarize } from './summary.js'

export type RunDrillOptions = {
  /** Where the incident folder is created; default `.firebreak/incidents` in the working directory. */
  incidentsRoot?: string
  /** Where compiled contracts are cached; default `.firebreak/cache/solc`. */
  cacheDir?: string
  /** A fixed port for the embedded chain; default a free one. */
  port?: number
  /** `default`: live step list on a terminal (plain lines elsewhere); `silent`: nothing (for --json). */
  progress?: 'default' | 'silent'
}

/**
 * The whole incident, rehearsed on the embedded chain: a protocol is deployed and drained, then
 * contained, fixed and recovered through the same engine a real incident uses, and reported from
 * the journal. The embedded chain is stopped whatever happens.
 */
export async function runDrill(options: RunDrillOptions = {}): Promise<DrillSummary> {
  const state: PartialDrillState = {}
  const phases: DrillSummary['phases'] = []
  const started = Date.now()
  /** A phase is a titled group of steps; untitled first and last steps time it for the summary. */
  const phase = (name: string, title: string, tasks: () => ListrTask[]): ListrTask => ({
    title,
    task: (_, task) => {
      let phaseStart = 0
      return task.newListr(
        [
          { task: () => void (phaseStart = Date.now()) },
          ...tasks(),
          { task: () => void phases.push({ name, milliseconds: Date.now() - phaseStart }) },
        ],
        { rendererOptions: { collapseSubtasks: false } },
      )
    },
  })
  const renderer = options.progress === 'silent' ? 'silent' : 'default'
  const list = new Listr(
    [
      phase('setup', 'Set up the drill protocol', () => setupTasks(state, options)),
      phase('attack', 'Attack', () => attackTasks(state, options)),
      phase('contain', 'Contain', () => containTasks(state)),
      phase('eradicate', 'Eradicate', () => eradicateTasks(state)),
      phase('recover', 'Recover', () => recoverTasks(state)),
      phase('report', 'Report', () => reportTasks(state)),
    ],
    {
      renderer,
      fallbackRenderer: 'simple',
      rendererOptions: { timer: PRESET_TIMER, collapseSubtasks: false },
      fallbackRendererOptions: { timer: PRESET_TIMER },
      registerSignalListeners: false,
      exitOnError: true,
    },
  )
  // Ctrl-C: the chain module stops anvil and re-raises the signal; the journal says why it ended.
  const onSignal = (signal: NodeJS.Signals) => state.incident?.journal.append('drill.interrupted', { signal })
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const
  for (const signal of signals) process.once(signal, onSignal)
  try {
    await list.run()
    const summary = summarize(state as DrillState, phases, Date.now() - started)
    state.incident?.journal.append('drill.completed', { phases, wallMilliseconds: summary.wallMilliseconds })
    return summary
  } catch (error) {
    state.incident?.journal.append('drill.failed', { reason: errorMessage(error) })
    throw error
  } finally {
    for (const signal of signals) process.removeListener(signal, onSignal)
    await state.anvil?.stop()
  }
}
