import { type Command, InvalidArgumentError, Option } from 'commander'
import { UsageError } from '../../errors.js'
import { EXIT, toJson } from '../output.js'
import { databaseUrlOption, incidentsOption, jsonOption } from '../sharedOptions.js'

/**
 * `journal verify`'s exit codes. 6 is its own: the journal is not intact, but only because a crash
 * cut an append short; scripts can tell it from tampering (1) and rerun the command that was
 * interrupted, which repairs the journal and records the repair.
 */
export const JOURNAL_EXIT = { intact: EXIT.ok, tampered: EXIT.failed, interrupted: 6 } as const

const HEADLINE = {
  intact: 'journal intact',
  interrupted: 'journal interrupted, not tampered',
  tampered: 'journal TAMPERED',
} as const

// Not the transaction-hash parser: the message must say what an anchor is.
function parseAnchor(value: string): `0x${string}` {
  if (!/^0x[0-9a-fA-F]{64}$/.test(value)) throw new InvalidArgumentError(`expected a journal head hash (0x and 64 hex digits), got "${value}"`)
  return value.toLowerCase() as `0x${string}`
}

export function registerJournal(program: Command) {
  const journal = program.command('journal').description('inspect an incident journal')
  journal
    .command('verify')
    .description('check that no journal entry was edited, removed, reordered or appended, and that the journal still extends an anchor')
    .argument('<incident>', 'incident folder, or incident id under --incidents')
    .addOption(incidentsOption())
    .addOption(new Option('--anchor <hash>', 'a journal head printed earlier (journal head <hash>): prove the journal still extends it').argParser(parseAnchor))
    .addOption(jsonOption('print the result as JSON'))
    .addHelpText('after', '\nExit codes: 0 intact; 1 tampered (or the anchor is gone); 6 interrupted: a crash cut the last write short (a torn last line, or a last entry journal.head does not confirm), and the next command on the incident repairs it and journals the repair.')
    .action(async (incident: string, options: { incidents: string; anchor?: `0x${string}`; json?: boolean }) => {
      const { resolveIncidentDir, verifyJournal } = await import('../../journal/index.js')
      const dir = resolveIncidentDir(incident, options.incidents)
      const result = verifyJournal(dir, { anchor: options.anchor })
      if (options.json) process.stdout.write(`${toJson({ dir, ...result })}\n`)
      else if (result.ok) {
        const anchored = result.anchor === undefined ? '' : `; it extends anchor ${result.anchor.hash} (seq ${result.anchor.seq}) by ${result.anchor.entriesAfter} entr${result.anchor.entriesAfter === 1 ? 'y' : 'ies'}`
        process.stdout.write(`journal intact: ${result.count} entries, hash chain and head verified${anchored} (${dir})\n`)
      } else {
        const count = `${result.problems.length} problem${result.problems.length === 1 ? '' : 's'}`
        process.stdout.write(`${HEADLINE[result.verdict]}: ${count} in ${dir}\n`)
        for (const problem of result.problems) process.stdout.write(`  ${problem.message}\n`)
      }
      process.exitCode = JOURNAL_EXIT[result.verdict]
    })
  journal
    .command('export')
    .description("write an incident's shared journal (PostgreSQL) as an incident folder: <out>/<incident>/journal.jsonl and journal.head, which journal verify and report read")
    .argument('<incident>', 'incident id in the database')
    .requiredOption('--out <dir>', 'folder to write the incident folder into (like --incidents)')
    .addOption(databaseUrlOption())
    .addOption(jsonOption())
    .action(async (incident: string, options: { out: string; databaseUrl?: string; json?: boolean }) => {
      const { exportJournal } = await import('../../journal/exportJournal.js')
      const exported = exportJournal({ databaseUrl: requireDatabaseUrl(options.databaseUrl), incident, out: options.out })
      if (options.json) process.stdout.write(`${toJson(exported)}\n`)
      else process.stdout.write(`exported ${exported.count} entries of incident ${incident} to ${exported.dir}${exported.head ? ` (head ${exported.head.hash})` : ''}\n`)
    })
  journal
    .command('import')
    .description('load an incident folder\'s journal into the shared journal (PostgreSQL); refused unless it verifies intact, and when the incident is already there with another chain')
    .argument('<dir>', 'incident folder holding journal.jsonl and journal.head')
    .addOption(databaseUrlOption())
    .addOption(jsonOption())
    .action(async (dir: string, options: { databaseUrl?: string; json?: boolean }) => {
      const { importJournal } = await import('../../journal/importJournal.js')
      const imported = importJournal({ databaseUrl: requireDatabaseUrl(options.databaseUrl), dir })
      if (options.json) process.stdout.write(`${toJson(imported)}\n`)
      else process.stdout.write(`imported incident ${imported.incident}: ${imported.added} entries added, ${imported.alreadyStored} already stored${imported.head ? ` (head ${imported.head.hash})` : ''}\n`)
    })
}

function requireDatabaseUrl(databaseUrl: string | undefined): string {
  if (databaseUrl === undefined || databaseUrl === '') throw new UsageError('journal export and import need the shared journal\'s database: pass --database-url or set FIREBREAK_DATABASE_URL')
  return databaseUrl
}
