import type { Command } from 'commander'
import { EXIT, toJson } from '../output.js'
import { UsageError } from '../../errors.js'
import { parseCount, parsePort } from '../parse.js'
import { incidentsOption, jsonOption } from '../sharedOptions.js'

type DrillOptions = { json?: boolean; port?: number; incidents: string; watch?: boolean; chains?: number }

export function registerDrill(program: Command) {
  program
    .command('drill')
    .description('rehearse a whole incident on the embedded chain: attack, contain, fix, reimburse, restore, report')
    .addOption(jsonOption('print the summary as one JSON object (no live progress)'))
    .option('--port <port>', 'run the embedded chain on this port (default: a free one)', parsePort)
    .option('--watch', 'instead: arm a watcher, send the attack to the mempool, and report whether the pause was mined ahead of it')
    .option('--chains <n>', 'run the incident on n local chains at once (an anvil each): attacked on all, contained with one command, one report', parseCount)
    .addOption(incidentsOption())
    .action(async (options: DrillOptions) => {
      if (options.watch) return watchDrill(options)
      if (options.chains !== undefined && options.chains > 1) return chainsDrill(options)
      const [{ runDrill }, { formatDrillSummary }] = await Promise.all([import('../../drill/runDrill.js'), import('../printDrillSummary.js')])
      const summary = await runDrill({ incidentsRoot: options.incidents, port: options.port, progress: options.json ? 'silent' : 'default' })
      process.stdout.write(options.json ? `${toJson(summary)}\n` : formatDrillSummary(summary))
    })
}

async function watchDrill(options: DrillOptions): Promise<void> {
  const { runWatchDrill, formatWatchDrillSummary } = await import('../../drill/runWatchDrill.js')
  const summary = await runWatchDrill({ incidentsRoot: options.incidents, port: options.port, progress: options.json ? 'silent' : 'default' })
  process.stdout.write(options.json ? `${toJson(summary)}\n` : formatWatchDrillSummary(summary))
  // Never a false success: a pause that lost the race, or checks that do not read contained, fail the drill.
  process.exitCode = summary.ok ? EXIT.ok : EXIT.failed
}

async function chainsDrill(options: DrillOptions): Promise<void> {
  if (options.port !== undefined) throw new UsageError('--port names one chain\'s port: with --chains, each chain takes a free port')
  const [{ runChainsDrill }, { formatChainsDrillSummary }] = await Promise.all([import('../../drill/runChainsDrill.js'), import('../printDrillSummary.js')])
  const summary = await runChainsDrill({ chains: options.chains!, incidentsRoot: options.incidents, progress: options.json ? 'silent' : 'default' })
  process.stdout.write(options.json ? `${toJson(summary)}\n` : formatChainsDrillSummary(summary))
}
