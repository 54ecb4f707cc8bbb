import type { Command } from 'commander'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'

export function registerReport(program: Command) {
  program
    .command('report')
    .description('write the post-mortem (report.md) of an incident from its journal alone')
    .argument('<incident>', 'incident folder, or incident id under --incidents')
    .option('--incidents <dir>', 'folder that holds incident folders', '.firebreak/incidents')
    .option('--stdout', 'print the report instead of writing report.md')
    .action(async (incident: string, options: { incidents: string; stdout?: boolean }) => {
      const [{ Journal, resolveIncidentDir }, { renderReport }] = await Promise.all([import('../../journal/index.js'), import('../../report/renderReport.js')])
      const dir = resolveIncidentDir(incident, options.incidents)
      // Opening verifies the hash chain: a report is never rendered from a tampered journal.
      const markdown = renderReport(Journal.open(dir).entries())
      if (options.stdout) process.stdout.write(markdown)
      else {
        writeFileSync(join(dir, 'report.md'), markdown)
        process.stdout.write(`report written to ${join(dir, 'report.md')}\n`)
      }
    })
}
