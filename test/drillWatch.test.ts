import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { anvilsOnPort } from './fixtures/processes.js'
import { runCli } from './fixtures/runCli.js'

// The CLI runs from dist/: `npm test` builds first.
describe('firebreak drill --watch', () => {
  const dir = mkdtempSync(join(tmpdir(), 'firebreak-drill-watch-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it("front-runs the drill's attack from the mempool: the pause is mined ahead of it in its own block, and the attack takes nothing", async () => {
    const run = await runCli(['drill', '--watch', '--json', '--incidents', join(dir, 'incidents')])
    expect(run.code, run.stderr).toBe(0)
    const summary = JSON.parse(run.stdout) as Record<string, any>
    expect(summary.ok).toBe(true)
    expect(summary.aheadOfAttack).toBe(true)
    expect(summary.sameBlock).toBe(true)
    expect(summary.pause.blockNumber).toBe(summary.attack.blockNumber)
    expect(summary.pause.index).toBeLessThan(summary.attack.index)
    expect(summary.attack.status).toBe('reverted')
    expect(summary.attack.stolen).toBe('0')
    expect(summary.contained).toBe(true)
    expect(summary.incident.dir.startsWith(join(dir, 'incidents'))).toBe(true)
    expect(anvilsOnPort(Number(new URL(summary.chain.rpcUrl).port))).toEqual([])
  })
})
