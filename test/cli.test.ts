import { spawnSync } from 'node:child_process'
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const bin = resolve(import.meta.dirname, '..', 'bin', 'firebreak.js')
const dist = resolve(import.meta.dirname, '..', 'dist', 'cli', 'main.js')

function firebreak(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) {
  const result = spawnSync(process.execPath, [bin, ...args], {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    encoding: 'utf8',
    timeout: 60_000,
  })
  return { code: result.status, stdout: result.stdout, stderr: result.stderr, stderrLines: result.stderr.trim().split('\n') }
}

/** A user's mistake is one line on stderr: no stack trace, no dump of a transaction. */
function expectOneLineError(stderr: string, pattern: RegExp) {
  const lines = stderr.trim().split('\n')
  expect(lines[0]).toMatch(pattern)
  expect(stderr).not.toMatch(/^\s+at /m)
  expect(lines.length).toBeLessThanOrEqual(2)
}

describe('firebreak CLI', () => {
  let workdir: string
  let incidentDir: string
  let drillJson: Record<string, any>

  beforeAll(() => {
    if (!existsSync(dist)) throw new Error('dist/ is missing: run `npm run build` (npm test does it first)')
    workdir = mkdtempSync(join(tmpdir(), 'firebreak-cli-'))
    const drill = firebreak(['drill', '--json'], { cwd: workdir })
    expect(drill.code, drill.stderr).toBe(0)
    drillJson = JSON.parse(drill.stdout)
    incidentDir = drillJson.incident.dir
  })

  it('drill --json prints one object whose reimbursement equals the loss, amounts as decimal strings', () => {
    expect(drillJson.ok).toBe(true)
    expect(drillJson.attack.stolen).toBe('95000000000000000000000')
    expect(drillJson.recovery.reimbursed).toBe(drillJson.attack.stolen)
    expect(drillJson.phases.map((phase: { name: string }) => phase.name)).toEqual(['setup', 'attack', 'contain', 'eradicate', 'recover', 'report'])
    const report = readFileSync(join(incidentDir, 'report.md'), 'utf8')
    expect(report).toContain('95,000 dUSD claimed by 3 accounts; 0 dUSD unclaimed')
  })

  it('rejects an unknown command with exit code 2 and one line', () => {
    const result = firebreak(['contian'])
    expect(result.code).toBe(2)
    expectOneLineError(result.stderr, /^firebreak: unknown command 'contian'/)
  })

  it('rejects an unknown flag with exit code 2 and one line', () => {
    const result = firebreak(['drill', '--bogus'])
    expect(result.code).toBe(2)
    expectOneLineError(result.stderr, /^firebreak: unknown option '--bogus'/)
  })

  it('rejects a port that is not a number', () => {
    const result = firebreak(['drill', '--port', 'abc'])
    expect(result.code).toBe(2)
    expectOneLineError(result.stderr, /^firebreak: --port: expected a port \(1-65535\), got "abc"$/)
  })

  describe('with a port already in use', () => {
    let server: Server
    let port: number
    beforeAll(async () => {
      server = createServer()
      await new Promise<void>((done) => server.listen(0, '127.0.0.1', done))
      port = (server.address() as { port: number }).port
    })
    afterAll(() => new Promise<void>((done) => server.close(() => done())))

    it('says the port is in use, exits 1, and leaves no incident behind', () => {
      const cwd = mkdtempSync(join(tmpdir(), 'firebreak-port-'))
      const result = firebreak(['drill', '--port', String(port)], { cwd })
      expect(result.code).toBe(1)
      expect(result.stderr).toContain(`firebreak: anvil could not start: port ${port} is already in use`)
      expect(result.stderr).not.toMatch(/^\s+at /m)
      expect(existsSync(join(cwd, '.firebreak', 'incidents'))).toBe(false)
    })
  })

  it('reports an anvil that fails to start in one line', () => {
    const fakeAnvil = join(mkdtempSync(join(tmpdir(), 'firebreak-fake-anvil-')), 'anvil')
    writeFileSync(fakeAnvil, '#!/bin/sh\necho "error: unsupported hardfork" >&2\nexit 1\n')
    chmodSync(fakeAnvil, 0o755)
    const result = firebreak(['drill'], { cwd: mkdtempSync(join(tmpdir(), 'firebreak-fail-')), env: { FIREBREAK_ANVIL_PATH: fakeAnvil } })
    expect(result.code).toBe(1)
    expect(result.stderr).toContain('firebreak: anvil could not start: unsupported hardfork')
    expect(result.stderr).not.toMatch(/^\s+at /m)
  })

  it('journal verify passes on the drill\'s journal', () => {
    const result = firebreak(['journal', 'verify', incidentDir])
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/^journal intact: \d+ entries/)
  })

  describe('on a tampered journal', () => {
    let tampered: string
    beforeAll(() => {
      // Copy the incident, then change the stolen amount in the attack entry, as someone hiding losses would.
      tampered = mkdtempSync(join(tmpdir(), 'firebreak-tampered-'))
      for (const file of ['journal.jsonl', 'journal.head']) writeFileSync(join(tampered, file), readFileSync(join(incidentDir, file)))
      const lines = readFileSync(join(tampered, 'journal.jsonl'), 'utf8').split('\n')
      const index = lines.findIndex((line) => line.includes('"attack.detected"'))
      lines[index] = (lines[index] ?? '').replace('"95000000000000000000000"', '"1000000000000000000"')
      writeFileSync(join(tampered, 'journal.jsonl'), lines.join('\n'))
    })

    it('journal verify names the edited line and exits 1', () => {
      const result = firebreak(['journal', 'verify', tampered])
      expect(result.code).toBe(1)
      expect(result.stdout).toMatch(/journal TAMPERED/)
      expect(result.stdout).toMatch(/line \d+ \(seq \d+\).*edited/)
    })

    it('report refuses it with one line', () => {
      const result = firebreak(['report', tampered, '--stdout'])
      expect(result.code).toBe(1)
      expectOneLineError(result.stderr, /^firebreak: .*journal\.jsonl.*line \d+/)
    })
  })

  it('names the missing incident', () => {
    const result = firebreak(['journal', 'verify', 'no-such-incident'], { cwd: workdir })
    expect(result.code).toBe(1)
    expectOneLineError(result.stderr, /no-such-incident/)
  })

  it('prints a compile error as file:line from solc', () => {
    const contracts = mkdtempSync(join(tmpdir(), 'firebreak-broken-'))
    writeFileSync(join(contracts, 'Broken.sol'), '// SPDX-License-Identifier: MIT\npragma solidity ^0.8.24;\ncontract Broken {\n  uint256 x\n}\n')
    const result = firebreak(['compile', '--contracts', contracts, '--cache', join(contracts, 'cache')], { cwd: contracts })
    expect(result.code).toBe(1)
    expectOneLineError(result.stderr, /^firebreak: Broken\.sol:5:1: ParserError: Expected ';' but got '}'/)
  })
})
