import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { packageRoot } from '../src/packageRoot.js'

/**
 * The Solidity contracts' own tests (test/forge: fuzz and invariant tests of the guardian, the
 * outflow limiter, the function switches, the reimbursement claim and the migration token) run by
 * forge, once, while this file is collected.
 * Each forge test becomes a vitest test, so that the suite has one count and one closing line.
 */
type ForgeTest = { status: string; reason: string | null; counterexample: unknown }
type ForgeSuites = Record<string, { test_results: Record<string, ForgeTest> }>

const run = spawnSync(process.execPath, [join(packageRoot, 'scripts', 'forge.mjs'), 'test', '--json'], { encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 })
const suites = parse(run.stdout)

if (!suites) {
  it('forge compiles and runs the Solidity tests', () => {
    expect.fail(`forge exited ${run.status}: ${run.stderr.trim().split('\n').slice(-15).join('\n') || run.stdout.slice(0, 2000)}`)
  })
} else {
  for (const [suite, { test_results: tests }] of Object.entries(suites)) {
    describe(`forge ${suite.split(':').at(-1)}`, () => {
      for (const [name, result] of Object.entries(tests)) {
        it(name, () => {
          const counterexample = result.counterexample ? ` counterexample: ${JSON.stringify(result.counterexample)}` : ''
          expect(result.status, `${result.reason ?? 'failed'}${counterexample}`).toBe('Success')
        })
      }
    })
  }
}

function parse(stdout: string): ForgeSuites | undefined {
  try {
    const suites = JSON.parse(stdout) as ForgeSuites
    return Object.keys(suites).length > 0 ? suites : undefined
  } catch {
    return undefined
  }
}
