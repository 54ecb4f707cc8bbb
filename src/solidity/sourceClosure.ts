import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join, posix, sep } from 'node:path'
import { packageRoot } from '../packageRoot.js'
import { SourcesNotFoundError } from './errors.js'

export type Sources = Record<string, { content: string }>

// `import "a.sol";`, `import "a.sol" as A;`, `import * as A from "a.sol";`, `import {A, B} from "a.sol";`
const importPattern = /^\s*import\s+(?:[^;"']*?\s+from\s+)?["']([^"']+)["']/gm

/**
 * Every .sol file under `sourcesDir` plus everything they import, transitively, keyed by source
 * unit name (`drill/Vault.sol`, `@openzeppelin/contracts/access/Ownable.sol`). Collecting the
 * closure here means the cache key covers the exact library sources, and solc needs no file
 * access of its own. An import that resolves nowhere is left out: solc then reports it, with the
 * importing file and line.
 */
export function collectSources(sourcesDir: string): Sources {
  const roots = listSolidityFiles(sourcesDir)
  if (roots.length === 0) throw new SourcesNotFoundError(sourcesDir)
  const sources: Sources = {}
  const pending = [...roots]
  while (pending.length > 0) {
    const unit = pending.pop() as string
    if (sources[unit]) continue
    const file = resolveUnit(unit, sourcesDir)
    if (!file) continue
    const content = readFileSync(file, 'utf8')
    sources[unit] = { content }
    for (const imported of importsOf(content)) pending.push(unitName(imported, unit))
  }
  return Object.fromEntries(Object.entries(sources).sort(([a], [b]) => a.localeCompare(b)))
}

function listSolidityFiles(sourcesDir: string): string[] {
  if (!existsSync(sourcesDir)) throw new SourcesNotFoundError(sourcesDir)
  return readdirSync(sourcesDir, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.sol'))
    .map((file) => file.split(sep).join('/'))
    .sort()
}

function importsOf(content: string): string[] {
  return [...content.matchAll(importPattern)].map((match) => match[1] as string)
}

/** Relative imports are relative to the importing unit; others are unit names as written. */
function unitName(imported: string, importer: string): string {
  return imported.startsWith('.') ? posix.normalize(posix.join(posix.dirname(importer), imported)) : imported
}

/**
 * A unit is a file under the sources folder, one of firebreak's own contracts named from the
 * package root (`contracts/contain/EmergencyGuardian.sol`, as forge resolves it too), or a path
 * inside an npm package.
 */
function resolveUnit(unit: string, sourcesDir: string): string | undefined {
  for (const local of [join(sourcesDir, unit), join(packageRoot, unit)]) {
    if (existsSync(local)) return local
  }
  for (const base of [sourcesDir, process.cwd(), packageRoot]) {
    try {
      return createRequire(join(base, 'noop.js')).resolve(unit)
    } catch {
      // try the next base
    }
  }
  return undefined
}
