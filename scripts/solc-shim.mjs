#!/usr/bin/env node
// A `solc` command line over solc-js, for `forge test --offline --use scripts/solc-shim.mjs`.
//
// forge downloads a native solc on first use; this machine and CI reach only the npm registry, so
// forge is handed the solc-js that firebreak already depends on (the compiler the TypeScript
// pipeline uses too, so both see the same bytecode). forge needs exactly two things of a solc:
//   solc --version                       the version, parsed from a `Version: …` line
//   solc [paths…] --standard-json        standard JSON in on stdin, standard JSON out on stdout
// solcjs's own CLI rejects `--allow-paths` and lacks `--include-path`, hence this file.
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { isAbsolute, join, resolve } from 'node:path'

const solc = createRequire(import.meta.url)('solc')
const args = process.argv.slice(2)

if (args.includes('--version')) {
  process.stdout.write(`solc, the solidity compiler commandline interface\nVersion: ${solc.version()}\n`)
  process.exit(0)
}

if (!args.includes('--standard-json')) {
  process.stderr.write(`solc-shim: only --version and --standard-json are supported (got: ${args.join(' ')})\n`)
  process.exit(2)
}

// Where an import not already in the input may be found: solc's own order, base path first.
const searchRoots = []
for (let index = 0; index < args.length; index++) {
  const flag = args[index]
  if (flag === '--base-path' || flag === '--include-path') searchRoots.push(resolve(args[++index]))
  else if (flag.startsWith('--base-path=') || flag.startsWith('--include-path=')) searchRoots.push(resolve(flag.split('=')[1]))
  // --allow-paths only widens native solc's file access; solc-js reads through findImport below.
  else if (flag === '--allow-paths') index++
}
if (searchRoots.length === 0) searchRoots.push(process.cwd())

function findImport(path) {
  const candidates = isAbsolute(path) ? [path] : searchRoots.map((root) => join(root, path))
  for (const file of candidates) {
    try {
      return { contents: readFileSync(file, 'utf8') }
    } catch {
      // try the next root
    }
  }
  return { error: `${path} not found under ${searchRoots.join(', ')}` }
}

const input = readFileSync(0, 'utf8')
process.stdout.write(solc.compile(input, { import: findImport }))
