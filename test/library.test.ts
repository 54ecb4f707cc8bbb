import { execFile, spawn } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { packageRoot } from '../src/packageRoot.js'
import { useDrillProtocol } from './fixtures/localChain.js'
import { writeTestManifest } from './fixtures/manifest.js'
import { finished } from './fixtures/runCli.js'

const drill = useDrillProtocol({ snapshotEachTest: false })
const { actors } = drill

/** A project of the user's, outside this repository, with firebreak installed in its node_modules. */
let project: string

/** The first `js` block of README.md's "Use it as a library" section: what a reader copies. */
function readmeExample(): string {
  const readme = readFileSync(join(packageRoot, 'README.md'), 'utf8')
  const section = readme.split(/^## /m).find((part) => part.startsWith('Use it as a library'))
  const code = section?.match(/^```js\n([\s\S]*?)^```$/m)?.[1]
  if (!code) throw new Error('README.md has no ```js block under "## Use it as a library"')
  return code
}

/** Runs `node args…` in the user's project, as they would. */
function nodeIn(cwd: string, args: readonly string[]) {
  return finished(spawn(process.execPath, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 }))
}

beforeAll(() => {
  if (!existsSync(join(packageRoot, 'dist', 'index.js'))) throw new Error('dist/index.js is missing: `npm run build` first (npm test does)')
  project = mkdtempSync(join(tmpdir(), 'firebreak-library-'))
  // `npm install /path/to/firebreak` links the folder just so: resolution goes through package.json's exports.
  mkdirSync(join(project, 'node_modules'))
  symlinkSync(packageRoot, join(project, 'node_modules', 'firebreak'), 'dir')
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'protocol-ops', private: true, type: 'module' }))
  writeTestManifest(project, {
    rpcUrl: drill.anvil.rpcUrl,
    contracts: [drill.protocol.vault, drill.protocol.token],
    authorities: [
      { name: 'guardian', type: 'eoa', address: actors.guardian.address },
      { name: 'governance', type: 'eoa', address: actors.admin.address },
    ],
  })
  writeFileSync(join(project, 'inspect.mjs'), readmeExample())
})

afterAll(() => {
  if (project) rmSync(project, { recursive: true, force: true })
})

describe('firebreak as a library', () => {
  it('runs the README\'s example: the vault contained in one block by the guardian, the token not pausable', async () => {
    const run = await nodeIn(project, ['inspect.mjs'])

    expect(run.stderr).toBe('')
    expect(run.stdout).toBe(['vault: EOA guardian: one transaction (~12 s)', 'dUSD: no pause lever anyone holds', 'time to contain everything: EOA guardian: one transaction (~12 s)', ''].join('\n'))
    expect(run.code).toBe(0)
  })

  it('exports every phase\'s runner, the journal, the report and the error classes by the package\'s name', async () => {
    const run = await nodeIn(project, ['-e', "import('firebreak').then((m) => console.log(JSON.stringify(Object.keys(m))))"])

    expect(run.stderr).toBe('')
    expect(JSON.parse(run.stdout)).toEqual(
      expect.arrayContaining([
        'loadManifest',
        'inspectManifest',
        'inspectProtocol',
        'runContainment',
        'runUpgrade',
        'takeSnapshot',
        'runMigration',
        'runLosses',
        'computeLosses',
        'runReimbursement',
        'runRestore',
        'openIncident',
        'readJournal',
        'verifyJournal',
        'buildReport',
        'renderReport',
        'renderReportHtml',
        'writeReportFiles',
        'FirebreakError',
        'ManifestError',
        'UpgradeRefusedError',
      ]),
    )
  })

  it('types the README\'s example from the published declarations (dist/index.d.ts, through exports)', async () => {
    const tsc = join(packageRoot, 'node_modules', 'typescript', 'bin', 'tsc')
    const options = ['--noEmit', '--allowJs', '--checkJs', '--strict', '--skipLibCheck', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', '--types', 'node', '--typeRoots', join(packageRoot, 'node_modules', '@types')]
    const run = await promisify(execFile)(process.execPath, [tsc, ...options, 'inspect.mjs'], { cwd: project }).catch((error: { stdout: string }) => ({ stdout: error.stdout }))

    expect(run.stdout).toBe('')
  })

  it('packs dist/index.js and its declarations, with the CLI, into the published package', async () => {
    const { stdout } = await promisify(execFile)('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: packageRoot })
    const files = new Set((JSON.parse(stdout) as { files: { path: string }[] }[])[0]!.files.map((file) => file.path))

    for (const file of ['package.json', 'README.md', 'bin/firebreak.js', 'dist/index.js', 'dist/index.d.ts', 'dist/cli/main.js']) expect(files, file).toContain(file)
    expect([...files].filter((file) => file.startsWith('test/') || file.startsWith('src/'))).toEqual([])
  })
})
