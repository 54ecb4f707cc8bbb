import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { Command, CommanderError } from 'commander'
import { formatHeadLine, writtenHeads } from '../journal/writtenHeads.js'
import { packageRoot } from '../packageRoot.js'
import { registerCompile } from './commands/compile.js'
import { registerContain } from './commands/contain.js'
import { registerDrill } from './commands/drill.js'
import { registerInit } from './commands/init.js'
import { registerInspect } from './commands/inspect.js'
import { registerJournal } from './commands/journal.js'
import { registerReport } from './commands/report.js'
import { registerSafe } from './commands/safe.js'
import { registerServe } from './commands/serve.js'
import { registerSnapshot } from './commands/snapshot.js'
import { registerUpgrade } from './commands/upgrade.js'
import { registerClaims } from './commands/claims.js'
import { registerLosses } from './commands/losses.js'
import { registerMigrate } from './commands/migrate.js'
import { registerReimburse } from './commands/reimburse.js'
import { registerRestore } from './commands/restore.js'
import { registerArm, registerWatch } from './commands/watch.js'
import { EXIT, reportError } from './output.js'
import { formatInvalidValue } from './parse.js'

/** Runs the CLI and returns its exit code; commands only parse, call the library and print. */
export async function main(argv: readonly string[]): Promise<number> {
  // `firebreak drill --json | head` closes the pipe early: that is the reader's choice, not an error.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(EXIT.ok)
    throw error
  })
  const program = new Command('firebreak')
    .description('smart-contract incident response: contain, eradicate, recover — simulated first, verified after, journaled')
    .version(readVersion(), '-V, --version')
    .option('-v, --verbose', 'show the context of errors')
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({ outputError: (message, write) => write(`firebreak: ${formatInvalidValue(message.replace(/^error: /, '').trim())}\n`) })
  registerDrill(program)
  registerInspect(program)
  registerContain(program)
  registerJournal(program)
  registerReport(program)
  registerServe(program)
  registerSafe(program)
  registerUpgrade(program)
  registerSnapshot(program)
  registerMigrate(program)
  registerLosses(program)
  registerReimburse(program)
  registerClaims(program)
  registerRestore(program)
  registerArm(program)
  registerWatch(program)
  registerCompile(program)
  registerInit(program)
  for (const command of program.commands) command.exitOverride()
  for (const command of program.commands.flatMap((command) => command.commands)) command.exitOverride()

  try {
    await program.parseAsync([...argv])
    printJournalHeads()
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version are exits too, with code 0; everything else here is a usage mistake.
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage
    }
    const code = reportError(error, Boolean(program.opts().verbose) || argv.includes('--verbose') || argv.includes('-v'))
    // Waiting for signatures is a stop, not a failure; a failure keeps its one line.
    if (code === EXIT.signatures) printJournalHeads()
    return code
  }
}

/**
 * The last line of every command that journaled: the head, to keep somewhere the incident folder
 * is not (a chat, a ticket), for `firebreak journal verify --anchor` to prove later that nothing up
 * to it was rewritten. On stderr, so `--json` output stays one document.
 */
function printJournalHeads(): void {
  for (const head of writtenHeads()) process.stderr.write(`${formatHeadLine(head)}
`)
}

function readVersion(): string {
  return (JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { version: string }).version
}
