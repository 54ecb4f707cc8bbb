import { type Command, Option } from 'commander'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { incidentsOption } from '../sharedOptions.js'

export function registerReport(program: Command) {
  program
    .command('report')
    .description('write the post-mortem of an incident from its journal alone: report.md and report.html (self-contained, with charts)')
    .argument('<incident>', 'incident folder, or incident id under --incidents')
    .addOption(incidentsOption())
    .option('--stdout', 'print the report instead of writing the files')
    .addOption(new Option('--format <format>', 'with --stdout: which of the two to print').choices(['md', 'html']).default('md'))
    .action(async (incident: string, options: { incidents: string; stdout?: boolean; format: 'md' | 'html' }) => {
      const [{ Journal, resolveIncidentDir }, { buildReport }, { renderMarkdown }, { renderHtml }] = await Promise.all([
        import('../../journal/index.js'),
        import('../../report/buildReport.js'),
        import('../../report/renderMarkdown.js'),
        import('../../report/renderHtml.js'),
      ])
      const dir = resolveIncidentDir(incident, options.incidents)
      // Opening verifies the hash chain: a report is never rendered from a tampered journal.
      const document = buildReport(Journal.open(dir).entries())
      if (options.stdout) {
        process.stdout.write(options.format === 'html' ? renderHtml(document) : renderMarkdown(document))
        return
      }
      writeFileSync(join(dir, 'report.md'), renderMarkdown(document))
      writeFileSync(join(dir, 'report.html'), renderHtml(document))
      process.stdout.write(`report written to ${join(dir, 'report.md')} and ${join(dir, 'report.html')}\n`)
    })
}
