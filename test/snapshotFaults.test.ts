import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startFlakyNode } from './fixtures/flakyNode.js'
import { useDrillProtocol } from './fixtures/localChain.js'
import { writeTestManifest } from './fixtures/manifest.js'
import { runCli } from './fixtures/runCli.js'

/** `firebreak snapshot` through a node on a bad day: the same file through transient faults, or one line, no partial file and a journaled failure. */
const drill = useDrillProtocol({ snapshotEachTest: false })
let dir: string
let manifest: string

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'firebreak-snapshot-faults-'))
  manifest = writeTestManifest(dir, { rpcUrl: drill.anvil.rpcUrl, contracts: [drill.protocol.token, drill.protocol.vault] })
})

afterAll(() => rmSync(dir, { recursive: true, force: true }))

const snapshot = (incident: string, rpcUrl: string) =>
  runCli(['snapshot', 'dUSD', '--block', '5', '--json', '--manifest', manifest, '--rpc-url', rpcUrl, '--incidents', join(dir, 'incidents'), '--incident', incident])
const filesOf = (incident: string) => readdirSync(join(dir, 'incidents', incident))

describe('firebreak snapshot through a failing node', () => {
  it('writes the same snapshot through a node that drops every third answer and rate-limits others', async () => {
    const direct = await snapshot('direct', drill.anvil.rpcUrl)
    const node = await startFlakyNode(drill.anvil.rpcUrl, [{ fault: 'drop', every: 3 }, { fault: 'rpc-429', every: 4 }])
    try {
      const flaky = await snapshot('flaky', node.rpcUrl)

      expect(flaky.code, flaky.stderr).toBe(0)
      expect(JSON.parse(flaky.stdout).footer.sha256).toBe(JSON.parse(direct.stdout).footer.sha256)
    } finally {
      await node.stop()
    }
  })

  it('ends in one line naming the node, leaves no partial file and journals the failure, when the node keeps dropping its log reads', async () => {
    const node = await startFlakyNode(drill.anvil.rpcUrl, [{ fault: 'drop', method: 'eth_getLogs' }])
    try {
      const run = await snapshot('dropped', node.rpcUrl)

      expect(run.code).toBe(1)
      expect(run.stderr.split('\n').filter(Boolean)).toHaveLength(run.stderr.includes('--verbose') ? 2 : 1)
      expect(run.stderr).toMatch(/^firebreak: the node at http:\/\/127\.0\.0\.1:\d+ kept failing \(5 attempts: connection dropped\) on eth_getLogs/)
      expect(run.stderr).not.toMatch(/ERR_STREAM_DESTROYED|\n\s+at /)
      expect(filesOf('dropped').filter((name) => name.includes('.partial-'))).toEqual([])
      expect(readFileSync(join(dir, 'incidents', 'dropped', 'journal.jsonl'), 'utf8')).toContain('"type":"snapshot.failed"')
    } finally {
      await node.stop()
    }
  })
})
