import { type ChildProcess, spawn } from 'node:child_process'
import { FirebreakError } from '../errors.js'
import { anvilBinaryPath } from './anvilBinary.js'
import { childEnvironment } from './childEnvironment.js'
import { freePort, isPortInUse } from './freePort.js'

export type StartAnvilParameters = {
  /** A fixed port; by default a free one is chosen. */
  port?: number
  /** Fork another node (the engine simulates every plan on a fork). */
  forkUrl?: string
  forkBlockNumber?: bigint
  chainId?: number
  /** Seconds between blocks; by default anvil mines one block per transaction. */
  blockTime?: number
  /** Give up waiting for anvil to answer after this long. */
  startTimeoutMs?: number
  /** Extra command-line arguments, passed as they are. */
  args?: string[]
}

export type Anvil = {
  rpcUrl: string
  port: number
  /** Process id of anvil itself (not of the watchdog shell around it). */
  pid: number
  stop(): Promise<void>
}

export class AnvilStartError extends FirebreakError {
  override name = 'AnvilStartError'
}

/**
 * anvil runs under a small shell watchdog that kills it when its stdin closes: the pipe closes
 * when firebreak exits for any reason, SIGKILL included, so no anvil outlives the process that
 * started it. The shell prints anvil's pid first so that stop() and the tests can see it, and
 * exits as soon as anvil does, so that a failed start (a taken port, a bad fork URL) is reported
 * at once instead of after the start timeout. The stdin reader runs in the background on a copy
 * of stdin (fd 3): a background job's own stdin is /dev/null.
 */
const watchdogScript = [
  'bin="$1"; shift',
  '"$bin" "$@" </dev/null &',
  'child=$!',
  'echo "firebreak-anvil-pid=$child"',
  'exec 3<&0',
  '( read _ignored; kill $child 2>/dev/null ) <&3 &',
  'reader=$!',
  'exec 3<&-',
  'trap \'kill $child $reader 2>/dev/null; wait $child 2>/dev/null; exit 0\' INT TERM HUP',
  'wait $child',
  'status=$?',
  'kill $reader 2>/dev/null',
  'exit $status',
].join('\n')

const running = new Set<ChildProcess>()

export async function startAnvil(parameters: StartAnvilParameters = {}): Promise<Anvil> {
  const host = '127.0.0.1'
  if (parameters.port !== undefined && (await isPortInUse(parameters.port, host))) {
    throw new AnvilStartError(`anvil could not start: port ${parameters.port} is already in use`, {
      metaMessages: ['Stop whatever listens there, or choose another port (or none, to get a free one).'],
    })
  }
  const port = parameters.port ?? (await freePort(host))
  const args = anvilArguments(host, port, parameters)
  const child = spawn('/bin/sh', ['-c', watchdogScript, 'firebreak-anvil', anvilBinaryPath(), ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
    // Not the operator's keys, passwords or RPC URLs: the fork URL, all anvil needs of them, is an argument.
    env: childEnvironment(),
  })
  registerCleanup()
  running.add(child)
  child.once('exit', () => running.delete(child))

  const output = collectOutput(child)
  const rpcUrl = `http://${host}:${port}`
  try {
    const pid = await output.anvilPid
    await waitUntilAnswering(rpcUrl, child, output, parameters.startTimeoutMs ?? 30_000)
    return { rpcUrl, port, pid, stop: () => stopChild(child, pid) }
  } catch (error) {
    await stopChild(child, await output.anvilPid.catch(() => undefined))
    throw error
  }
}

function anvilArguments(host: string, port: number, parameters: StartAnvilParameters): string[] {
  const args = ['--host', host, '--port', String(port)]
  // No disk cache of the forked chain's state: anvil keys it by chain id and block only, so a
  // local chain restarted (or another with the same id) would be simulated on a stale copy.
  if (parameters.forkUrl) args.push('--fork-url', parameters.forkUrl, '--no-storage-caching')
  if (parameters.forkBlockNumber !== undefined) args.push('--fork-block-number', String(parameters.forkBlockNumber))
  if (parameters.chainId !== undefined) args.push('--chain-id', String(parameters.chainId))
  if (parameters.blockTime !== undefined) args.push('--block-time', String(parameters.blockTime))
  return [...args, ...(parameters.args ?? [])]
}

type Output = {
  anvilPid: Promise<number>
  /** Settles once every line anvil wrote has been read ('exit' can come before the last of them). */
  closed: Promise<void>
  lastLines: () => string[]
}

/** Keeps reading anvil's output (a full pipe would block it) and remembers the tail for errors. */
function collectOutput(child: ChildProcess): Output {
  const lines: string[] = []
  let resolvePid: (pid: number) => void = () => {}
  let rejectPid: (error: Error) => void = () => {}
  const anvilPid = new Promise<number>((resolve, reject) => {
    resolvePid = resolve
    rejectPid = reject
  })
  anvilPid.catch(() => {})
  const onData = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) {
      const pid = /^firebreak-anvil-pid=(\d+)/.exec(line)
      if (pid) resolvePid(Number(pid[1]))
      else if (line.trim()) lines.push(line.trim())
    }
    if (lines.length > 50) lines.splice(0, lines.length - 50)
  }
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()))
  child.stdout?.on('data', onData)
  child.stderr?.on('data', onData)
  child.once('exit', () => rejectPid(new AnvilStartError('anvil exited before it started')))
  child.once('error', (error) => rejectPid(new AnvilStartError(`anvil could not be launched: ${error.message}`)))
  return { anvilPid, closed, lastLines: () => [...lines] }
}

async function waitUntilAnswering(rpcUrl: string, child: ChildProcess, output: Output, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs
  let exited = false
  child.once('exit', () => (exited = true))
  while (Date.now() < deadline) {
    if (exited || child.exitCode !== null) {
      await Promise.race([output.closed, new Promise((resolve) => setTimeout(resolve, 1_000).unref())])
      throw startFailure(output.lastLines())
    }
    if (await answersChainId(rpcUrl)) return
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
  throw new AnvilStartError(`anvil did not answer at ${rpcUrl} within ${Math.round(timeoutMs / 1000)} s`, {
    metaMessages: output.lastLines().slice(-5),
  })
}

function startFailure(lastLines: string[]): AnvilStartError {
  const reason = lastLines.find((line) => /error/i.test(line)) ?? lastLines.at(-1) ?? 'no output'
  const hint = /address already in use/i.test(reason)
    ? 'the port is already in use; choose another one'
    : /fork/i.test(reason)
      ? 'check that the fork URL answers and the block exists'
      : 'see the output above with --verbose'
  return new AnvilStartError(`anvil could not start: ${reason.replace(/^error:\s*/i, '')}`, {
    metaMessages: [...lastLines.slice(-5), `Hint: ${hint}.`],
  })
}

async function answersChainId(rpcUrl: string): Promise<boolean> {
  try {
    const response = await fetch(rpcUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_chainId', params: [] }),
      signal: AbortSignal.timeout(1_000),
    })
    return response.ok
  } catch {
    return false
  }
}

async function stopChild(child: ChildProcess, anvilPid: number | undefined): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  child.stdin?.end()
  child.kill('SIGTERM')
  const timer = setTimeout(() => {
    // The watchdog did not finish in time: kill both directly rather than leave anvil behind.
    if (anvilPid !== undefined) killQuietly(anvilPid, 'SIGKILL')
    child.kill('SIGKILL')
  }, 3_000)
  await exited
  clearTimeout(timer)
}

function killQuietly(pid: number, signal: NodeJS.Signals) {
  try {
    process.kill(pid, signal)
  } catch {
    // already gone
  }
}

let cleanupRegistered = false

/** On exit and on Ctrl-C/termination, stop every anvil this process started, then let it die. */
function registerCleanup() {
  if (cleanupRegistered) return
  cleanupRegistered = true
  process.once('exit', () => {
    for (const child of running) child.kill('SIGTERM')
  })
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, async () => {
      await Promise.allSettled([...running].map((child) => stopChild(child, undefined)))
      process.kill(process.pid, signal)
    })
  }
}
