import { DEFAULT_MANIFEST_FILE } from './defaults.js'
import { readFileSync } from 'node:fs'
import { type Document, LineCounter, parseDocument, type YAMLError } from 'yaml'
import { type ManifestLocator, type ManifestPath, ManifestError } from './ManifestError.js'

/**
 * The parsed YAML of a manifest, and where each of its values sits in the file: `locate` gives the
 * line and column (1-based) of the value at a path, or of its nearest parent present in the file.
 */
export type ManifestYaml = ManifestLocator & { data: unknown }


/** Reads and parses firebreak.yaml; a missing file or a YAML syntax error becomes a ManifestError. */
export function readManifestYaml(file: string): ManifestYaml {
  const text = readText(file)
  const lineCounter = new LineCounter()
  const document = parseDocument(text, {
    lineCounter,
    // YAML 1.2 reads an unquoted 0x… as a hexadecimal number, so an unquoted address would arrive
    // as a float that has lost its digits. Without the hex rule it stays the string the user wrote.
    customTags: (tags) => tags.filter((tag) => !(typeof tag === 'object' && tag.tag === 'tag:yaml.org,2002:int' && tag.format === 'HEX')),
  })
  const syntaxError = document.errors[0]
  if (syntaxError) throw yamlSyntaxError(file, syntaxError)

  const locate = (path: ManifestPath) => locateNode(document, lineCounter, path)
  try {
    return { file, data: document.toJS() ?? undefined, locate }
  } catch (cause) {
    // toJS refuses alias bombs (an anchor expanded many times): the file is YAML but not a manifest.
    throw new ManifestError({ file, problem: `expected plain YAML, got ${(cause as Error).message}`, cause })
  }
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8')
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code
    if (code === 'ENOENT') {
      const init = file === DEFAULT_MANIFEST_FILE ? 'firebreak init' : `firebreak init --path ${file}`
      throw new ManifestError({ file, problem: `expected a manifest, found no such file: run ${init} to write one`, cause })
    }
    if (code === 'EISDIR') throw new ManifestError({ file, problem: 'expected a YAML file, got a directory', cause })
    throw new ManifestError({ file, problem: `expected a readable YAML file, got ${code ?? (cause as Error).message}`, cause })
  }
}

function yamlSyntaxError(file: string, error: YAMLError): ManifestError {
  const position = error.linePos?.[0]
  // yaml appends " at line L, column C:" and a snippet of the file; the snippet goes to --verbose.
  const [headline = error.message, snippet = ''] = error.message.split(/ at line \d+, column \d+:\n/)
  const problem =
    error.code === 'MULTIPLE_DOCS' ? 'expected a single YAML document, got a second one (after ---)' : lowerFirst(headline.trim())
  return new ManifestError({
    file,
    path: position ? `line ${position.line}, column ${position.col}` : undefined,
    problem,
    line: position?.line,
    column: position?.col,
    metaMessages: snippet.trim() === '' ? [] : snippet.replace(/\n+$/, '').split('\n'),
    cause: error,
  })
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1)
}

function locateNode(document: Document, lineCounter: LineCounter, path: ManifestPath) {
  for (let length = path.length; length >= 0; length--) {
    const prefix = path.slice(0, length)
    const node = prefix.length === 0 ? document.contents : document.getIn(prefix, true)
    const offset = (node as { range?: [number, number, number] } | undefined)?.range?.[0]
    if (offset !== undefined) {
      const { line, col } = lineCounter.linePos(offset)
      return { line, column: col }
    }
  }
  return undefined
}
