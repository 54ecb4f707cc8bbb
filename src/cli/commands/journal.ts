import type { Command } from 'commander'
import { EXIT, toJson } from '../output.js'
import { incidentsOption, jsonOption } from '../sharedOptions.js'

export function registerJournal(program: Command) {
  const journal = program.command('journal').description('inspect an incident journal')
  journal
    .command('verify')
    .description('check that no journal entry was edited, removed or reordered')
    .argument('<incident>', 'incident folder, or incident id under --incidents')
    .addOption(incidentsOption())
    .addOption(jsonOption('print the result as JSON'))
    .action(async (incident: string, options: { incidents: string; json?: boolean }) => {
      const { resolveIncidentDir, verifyJournal } = await import('../../journal/index.js')
      const dir = resolveIncidentDir(incident, options.incidents)
      const result = verifyJournal(dir)
      if (options.json) process.stdout.write(`${toJson({ dir, ...result })}\n`)
      else if (result.ok) process.stdout.write(`journal intact: ${result.count} entries, hash chain and head verified (${dir})\n`)
      else {
        process.stdout.write(`journal TAMPERED: ${result.problems.length} problem${result.problems.length === 1 ? '' : 's'} in ${dir}\n`)
        for (const problem of result.problems) process.stdout.write(`  ${problem.message}\n`)
      }
      process.exitCode = result.ok ? EXIT.ok : EXIT.failed
    })
}
