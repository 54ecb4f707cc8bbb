import { FirebreakError } from '../errors.js'

/** A position inside the manifest: `['contracts', 2, 'address']`. */
export type ManifestPath = readonly (string | number)[]

export type ManifestErrorOptions = {
  /** The manifest as the user named it (`firebreak.yaml`), so the message points where they look. */
  file: string
  /**
   * Where inside the file: a path to a value, or already-worded text (`line 3, column 5` for a YAML
   * syntax error, which has no path). Absent when the whole file is at fault (missing, empty).
   */
  path?: ManifestPath | string
  /** What was expected and what was found instead. */
  problem: string
  /** 1-based, when the YAML node is known. */
  line?: number
  column?: number
  metaMessages?: string[]
  cause?: unknown
}

/**
 * Anything wrong with firebreak.yaml or what it points to (an env variable, an ABI file).
 *
 * The short message is one line — `firebreak.yaml: contracts[2].address: expected …, got …` — because
 * in an incident the person reading it is editing the file under pressure and needs the place and
 * the fix, not a stack trace or a dump of every validation rule.
 */
export class ManifestError extends FirebreakError {
  override name = 'ManifestError'
  readonly file: string
  /** `contracts[2].address` (or `line 3, column 5`), or undefined for the whole file. */
  readonly path: string | undefined
  readonly line: number | undefined
  readonly column: number | undefined

  constructor(options: ManifestErrorOptions) {
    const path = typeof options.path === 'string' ? options.path : options.path?.length ? formatManifestPath(options.path) : undefined
    // A worded path already says where; a value's path gains its line for editors that jump to it.
    const where =
      options.line === undefined || typeof options.path === 'string' ? [] : [`at line ${options.line}, column ${options.column ?? 1} of ${options.file}`]
    super([options.file, path, options.problem].filter(Boolean).join(': '), {
      metaMessages: [...where, ...(options.metaMessages ?? [])],
      cause: options.cause,
    })
    this.file = options.file
    this.path = path
    this.line = options.line
    this.column = options.column
  }
}

/** `['contracts', 2, 'address']` → `contracts[2].address`; odd keys are quoted: `chains["my chain"]`. */
export function formatManifestPath(path: ManifestPath): string {
  let text = ''
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`
    else if (/^[A-Za-z_][\w-]*$/.test(segment)) text += text === '' ? segment : `.${segment}`
    else text += `[${JSON.stringify(segment)}]`
  }
  return text
}

/** Where the values of a parsed manifest sit in its file. */
export type ManifestLocator = {
  file: string
  locate: (path: ManifestPath) => { line: number; column: number } | undefined
}

/** A ManifestError about the value at `path`, with its line for --verbose. */
export function manifestErrorAt(
  source: ManifestLocator,
  path: ManifestPath,
  problem: string,
  options: Pick<ManifestErrorOptions, 'metaMessages' | 'cause'> = {},
): ManifestError {
  const position = source.locate(path)
  return new ManifestError({ file: source.file, path, problem, line: position?.line, column: position?.column, ...options })
}
