import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ChildProcess } from 'node:child_process'
import { parseAbi } from 'viem'
import { afterEach, describe, expect, it } from 'vitest'
import { deployContract } from '../src/chain/deploy.js'
import { blockJustMined } from '../src/drill/runWatchDrill.js'
import { drainCalldata } from '../src/drill/scenario.js'
import { Journal } from '../src/journal/journal.js'
import { useDrillProtocol } from './fixtures/localChain.js'
import { privateKeyOf } from './fixtures/realProtocols/index.js'
import { startFlakyNode } from './fixtures/flakyNode.js'
import { writeTestManifest } from './fixtures/manifest.js'
import { descendantsOf, isDead, waitUntilDead } from './fixtures/processes.js'
import { type CliRun, finished, spawnCli } from './fixtures/runCli.js'

const pausedAbi = parseAbi(['function paused() view returns (bool)'])
const roleAbi = parseAbi(['function revokeRole(bytes32 role, address account)', 'function PAUSER_ROLE() view returns (bytes32)'])

// The CLI runs from dist/: `npm test` builds first.
describe('firebreak watch, as processes', () => {
  const local = useDrillProtocol()
  let dir: string
  const running: ChildProcess[] = []
  const onCleanup: (() => Promise<void>)[] = []

  afterEach(async () => {
    for (const cleanup of onCleanup.splice(0)) await cleanup()
    for (const child of running) if (child.exitCode === null) child.kill('SIGKILL')
    running.length = 0
    rmSync(dir, { recursive: true, force: true })
  })

  function setUp() {
    dir = mkdtempSync(join(tmpdir(), 'firebreak-watch-cli-'))
    const { vault } = local.protocol
    return writeTestManifest(dir, {
      rpcUrl: local.anvil.rpcUrl,
      contracts: [{ name: 'vault', address: vault.address, abi: vault.abi }],
      authorities: [
        { name: 'guardian', type: 'eoa', address: local.actors.guardian.address, keyEnv: 'GUARDIAN_KEY' },
        { name: 'governance', type: 'eoa', address: local.actors.admin.address },
      ],
      watch: { automatic: ['guardian'], triggers: [{ name: 'assets-drop', invariant: { contract: 'vault', function: 'totalAssets()', maxDropPercent: 10 } }] },
    })
  }

  /** A watcher process, as on its own machine: its own folders; resolves once it prints that it is watching. */
  async function watcher(manifest: string, name: string): Promise<{ child: ChildProcess; done: Promise<CliRun>; output: () => string }> {
    const child = spawnCli(['watch', '--manifest', manifest, '--watch-dir', join(dir, name, 'watch'), '--incidents', join(dir, name, 'incidents'), '--poll-ms', '50'], { GUARDIAN_KEY: privateKeyOf(local.actors.guardian) })
    running.push(child)
    let output = ''
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')))
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')))
    const done = finished(child)
    await waitFor(() => /watching /.test(output) || child.exitCode !== null, 60_000, () => output)
    if (child.exitCode !== null) throw new Error(`watcher ${name} exited: ${output}`)
    return { child, done, output: () => output }
  }

  it('two watchers of the same protocol send the same pause once, ahead of a pending attack, and Ctrl-C stops them with no anvil left', async () => {
    const { chain, artifacts, protocol, actors } = local
    const manifest = setUp()
    const exploit = await deployContract(chain, actors.attacker, artifacts.get('DrillExploit'), [])
    const nonceBefore = await chain.public.getTransactionCount({ address: actors.guardian.address })
    await chain.test.setAutomine(false)
    await chain.test.setIntervalMining({ interval: 1 })
    try {
      const [first, second] = await Promise.all([watcher(manifest, 'machine-a'), watcher(manifest, 'machine-b')])
      const victims = actors.users.slice(0, 3).map((user) => user.account.address)
      // As a block begins, with both watchers at the same head: at a block's last instant no pause can win (bench:watch counts those).
      await blockJustMined(chain)
      await new Promise((resolve) => setTimeout(resolve, 150))
      const attack = await chain.wallet(actors.attacker).sendTransaction({ to: exploit, data: drainCalldata(artifacts, protocol, victims), gas: 1_000_000n })
      await waitFor(() => /RESPONSE assets-drop/.test(first.output()) && /RESPONSE assets-drop/.test(second.output()), 30_000, () => `${first.output()}\n---\n${second.output()}`)
      const hashOf = (output: string) => /BROADCAST (0x[0-9a-f]{64})/.exec(output)?.[1]
      expect(hashOf(first.output())).toBeDefined()
      expect(hashOf(first.output()), `${first.output()}\n---\n${second.output()}`).toBe(hashOf(second.output()))
      expect(await chain.public.getTransactionCount({ address: actors.guardian.address })).toBe(nonceBefore + 1)
      expect((await chain.public.getTransactionReceipt({ hash: attack })).status).toBe('reverted')
      expect(await chain.public.readContract({ address: protocol.vault.address, abi: pausedAbi, functionName: 'paused' })).toBe(true)

      const descendants = [...descendantsOf(first.child.pid!), ...descendantsOf(second.child.pid!)]
      first.child.kill('SIGINT')
      second.child.kill('SIGINT')
      const [a, b] = await Promise.all([first.done, second.done])
      expect([a.code, b.code]).toEqual([0, 0])
      for (const pid of descendants) expect(await waitUntilDead(pid)).toBe(true)
      const journal = Journal.open(join(dir, 'machine-a', 'watch', 'watch-local'))
      expect(journal.entries().at(-1)?.type).toBe('watch.stopped')
    } finally {
      await chain.test.setIntervalMining({ interval: 0 })
      await chain.test.setAutomine(true)
    }
  })

  it('kill stops a watcher while it arms, leaving no process behind; restarted, it says what changed while it was down', async () => {
    const { chain, protocol, actors } = local
    const manifest = setUp()
    const first = await watcher(manifest, 'machine-a')
    first.child.kill('SIGTERM')
    expect((await first.done).code).toBe(0)

    // Killed while arming: the forks it started go with it. Through a node without eth_simulateV1, as
    // many providers are, every simulation of the arming runs on a throwaway anvil fork.
    const noSimulate = await startFlakyNode(local.anvil.rpcUrl, [{ fault: 'method-not-found', method: 'eth_simulateV1' }])
    onCleanup.push(() => noSimulate.stop())
    const early = spawnCli(['watch', '--manifest', manifest, '--rpc-url', noSimulate.rpcUrl, '--watch-dir', join(dir, 'machine-a', 'watch'), '--incidents', join(dir, 'machine-a', 'incidents')], { GUARDIAN_KEY: privateKeyOf(actors.guardian) })
    running.push(early)
    const earlyDone = finished(early)
    await waitFor(() => descendantsOf(early.pid!).length > 0 || early.exitCode !== null, 30_000)
    const forks = descendantsOf(early.pid!)
    early.kill('SIGTERM')
    const stoppedEarly = await earlyDone
    expect(stoppedEarly.code, stoppedEarly.stderr).toBe(0)
    expect(stoppedEarly.stdout).toMatch(/stopped while arming \(SIGTERM\)/)
    for (const pid of forks) expect(await waitUntilDead(pid)).toBe(true)
    expect(isDead(early.pid!)).toBe(true)

    // While no watcher runs, governance takes the pause right away from the guardian.
    const role = await chain.public.readContract({ address: protocol.vault.address, abi: roleAbi, functionName: 'PAUSER_ROLE' })
    await chain.wallet(actors.admin).writeContract({ address: protocol.vault.address, abi: roleAbi, functionName: 'revokeRole', args: [role, actors.guardian.address] })
    const restarted = await watcher(manifest, 'machine-a')
    await waitFor(() => /PAUSER_ROLE revoked from guardian/.test(restarted.output()), 30_000, restarted.output)
    expect(restarted.output()).toMatch(/ALERT critical not-automatic vault/)
    restarted.child.kill('SIGINT')
    expect((await restarted.done).code).toBe(0)
  })
})

async function waitFor(condition: () => boolean, timeoutMs: number, shown: () => string = () => ''): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out; output:\n${shown()}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}
