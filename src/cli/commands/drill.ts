import type { Command } from 'commander'
import { toJson } from '../output.js'
import { parsePort } from '../parse.js'
import { incidentsOption, jsonOption } from '../sharedOptions.js'

export function registerDrill(program: Command) {
  program
    .command('drill')
    .description('rehearse a whole incident on the embedded chain: attack, contain, fix, reimburse, restore, report')
    .addOption(jsonOption('print the summary as one JSON object (no live progress)'))
    .option('--port <port>', 'run the embedded chain on this port (default: a free one)', parsePort)
    .addOption(incidentsOption())
    .action(async (options: { json?: boolean; port?: number; incidents: string }) => {
      const [{ runDrill }, { formatDrillSummary }] = await Promise.all([import('../../drill/runDrill.js'), import('../printDrillSummary.js')])
      const summary = await runDrill({ incidentsRoot: options.incidents, port: options.port, progress: options.json ? 'silent' : 'default' })
      process.stdout.write(options.json ? `${toJson(summary)}\n` : formatDrillSummary(summary))
    })
}
