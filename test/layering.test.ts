import { readFileSync, readdirSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { packageRoot } from '../src/packageRoot.js'

/**
 * The layers of DESIGN.md, lowest first: a module imports only from its own layer or the ones
 * below it, and the three phases never import each other. What two phases share (snapshots,
 * distributions, attack transactions, routing a call to its authority) lives in a lower layer.
 */
const layers: readonly (readonly string[])[] = [
  ['(root)'],
  ['chain'],
  ['solidity'],
  ['manifest'],
  ['journal'],
  ['inspect'],
  ['engine'],
  ['snapshot', 'distribution', 'attack'],
  ['contain', 'eradicate', 'recover'],
  ['watch'],
  ['report', 'serve'],
  ['drill'],
  ['cli'],
  ['index.ts'],
]
const phases = new Set(['contain', 'eradicate', 'recover'])
const src = join(packageRoot, 'src')

function rankOf(folder: string): number {
  const rank = layers.findIndex((layer) => layer.includes(folder))
  if (rank === -1) throw new Error(`src/${folder} is in no layer of test/layering.test.ts: add it where DESIGN.md puts it`)
  return rank
}

/** `src/recover/merkle/x.ts` → `recover`; `src/errors.ts` → `(root)`; `src/index.ts` → `index.ts`. */
function folderOf(file: string): string {
  const [first, ...rest] = relative(src, file).split('/')
  if (rest.length === 0) return first === 'index.ts' ? 'index.ts' : '(root)'
  return first!
}

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return sources(path)
    return name.endsWith('.ts') && !name.endsWith('.test.ts') ? [path] : []
  })
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8')
  const specifiers = [...text.matchAll(/(?:import|export)[^'"]*?from\s+'(\.[^']+)'|import\(\s*'(\.[^']+)'\s*\)/g)].map((match) => match[1] ?? match[2]!)
  return specifiers.map((specifier) => resolve(dirname(file), specifier))
}

function violations(): string[] {
  const found: string[] = []
  for (const file of sources(src)) {
    const from = folderOf(file)
    for (const target of importsOf(file)) {
      if (!target.startsWith(src)) {
        found.push(`${relative(packageRoot, file)} imports ${relative(packageRoot, target)}, outside src/`)
        continue
      }
      const to = folderOf(target)
      if (to === from) continue
      if (phases.has(from) && phases.has(to)) found.push(`${relative(packageRoot, file)} (phase ${from}) imports the phase ${to}: ${relative(packageRoot, target)}`)
      else if (rankOf(to) > rankOf(from)) found.push(`${relative(packageRoot, file)} (${from}) imports ${relative(packageRoot, target)} (${to}), a higher layer`)
    }
  }
  return found
}

describe('the layers of src/', () => {
  it('has no phase importing another phase, and no layer importing a higher one', () => {
    expect(violations()).toEqual([])
  })
})
