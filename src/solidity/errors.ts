import { existsSync } from 'node:fs'
import { join, relative } from 'node:path'
import { FirebreakError } from '../errors.js'

/** One entry of solc's standard-JSON `errors` array. */
export type SolcMessage = {
  severity: 'error' | 'warning' | 'info'
  type: string
  message: string
  formattedMessage?: string
  sourceLocation?: { file: string; start: number; end: number }
}

/**
 * solc rejected the sources. The short message is the first error in the form editors jump to
 * (`contracts/drill/Vault.sol:12:5: ParserError: Expected ';'`); the meta messages are solc's own
 * formatted reports, excerpt and caret included.
 */
export class CompileError extends FirebreakError {
  override name = 'CompileError'
  readonly errors: SolcMessage[]

  constructor(errors: SolcMessage[], sourcesDir: string) {
    const [first] = errors
    const more = errors.length > 1 ? ` (and ${errors.length - 1} more error${errors.length > 2 ? 's' : ''})` : ''
    super(`${first ? describe(first, sourcesDir) : 'solc failed without a message'}${more}`, {
      metaMessages: errors.map((error) => (error.formattedMessage ?? error.message).trimEnd()),
    })
    this.errors = errors
  }
}

function describe(error: SolcMessage, sourcesDir: string): string {
  const location = /-->\s+(.+?):(\d+):(\d+):/.exec(error.formattedMessage ?? '')
  if (!location) return `${error.type}: ${error.message}`
  const [, file = '', line, column] = location
  // solc names files by source unit name; show the path the user can open.
  const onDisk = join(sourcesDir, file)
  const shown = existsSync(onDisk) ? relative(process.cwd(), onDisk) : file
  return `${shown}:${line}:${column}: ${error.type}: ${error.message}`
}

export class SourcesNotFoundError extends FirebreakError {
  override name = 'SourcesNotFoundError'
  constructor(sourcesDir: string) {
    super(`no Solidity sources found in ${sourcesDir}`, {
      metaMessages: ['Give the folder that holds your .sol files.'],
    })
  }
}

export class ArtifactNotFoundError extends FirebreakError {
  override name = 'ArtifactNotFoundError'
}
