import { type ChildProcess, spawn } from 'node:child_process'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { isDead, parentPid, waitUntilDead } from '../../test/fixtures/processes.js'
import { packageRoot } from '../packageRoot.js'

const holder = join(packageRoot, 'test', 'fixtures', 'anvil-holder.ts')

type Holder = { process: ChildProcess; anvilPid: Promise<number>; exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>; stderr: () => string }

/** Runs the fixture in its own node process, as a user's CLI or script would run firebreak. */
function runHolder(mode: 'crash' | 'wait'): Holder {
  const child = spawn(process.execPath, ['--import', 'tsx', holder, mode], { cwd: packageRoot, stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  const anvilPid = new Promise<number>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8')
      const found = /anvil-pid=(\d+)\n/.exec(stdout)
      if (found) resolve(Number(found[1]))
    })
    child.once('close', () => reject(new Error(`the fixture exited without printing anvil's pid: ${stderr}`)))
  })
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')))
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  )
  return { process: child, anvilPid, exited, stderr: () => stderr }
}

describe('no anvil outlives the process that started it', () => {
  it('when that process dies of an uncaught error', async () => {
    const run = runHolder('crash')
    const anvilPid = await run.anvilPid
    const { code } = await run.exited
    expect(code).toBe(1)
    expect(run.stderr()).toContain('fixture crashed on purpose')
    expect(await waitUntilDead(anvilPid)).toBe(true)
  })

  it('when that process is interrupted with SIGINT (Ctrl-C)', async () => {
    const run = runHolder('wait')
    const anvilPid = await run.anvilPid
    expect(isDead(anvilPid)).toBe(false)
    run.process.kill('SIGINT')
    // firebreak stops its anvils, then lets the signal end the process as it would have.
    expect(await run.exited).toEqual({ code: null, signal: 'SIGINT' })
    expect(await waitUntilDead(anvilPid)).toBe(true)
  })

  it('when that process is SIGKILLed and runs no cleanup at all', async () => {
    const run = runHolder('wait')
    const anvilPid = await run.anvilPid
    const watchdogPid = parentPid(anvilPid)
    expect(watchdogPid).toBeGreaterThan(1)
    run.process.kill('SIGKILL')
    expect(await run.exited).toEqual({ code: null, signal: 'SIGKILL' })
    expect(await waitUntilDead(anvilPid)).toBe(true)
    expect(await waitUntilDead(watchdogPid ?? 0)).toBe(true)
  })
})
