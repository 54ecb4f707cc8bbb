import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { verifySnapshot } from '../src/snapshot/index.js'
import { packageRoot } from '../src/packageRoot.js'
import { startCappedNode } from './fixtures/cappedNode.js'
import { useDrillProtocol } from './fixtures/localChain.js'
import { writeTestManifest } from './fixtures/manifest.js'
import { runCli } from './fixtures/runCli.js'

const drill = useDrillProtocol({ snapshotEachTest: false })
const cli = join(packageRoot, 'bin', 'firebreak.js')
let dir: string
let manifest: string

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'firebreak-snapshot-cli-'))
  manifest = writeTestManifest(dir, { rpcUrl: drill.anvil.rpcUrl, contracts: [drill.protocol.token, drill.protocol.vault] })
})

afterAll(() => {
  rmSync(dir, { recursive: true, force: true })
})

function snapshot(...args: string[]) {
  const result = spawnSync(process.execPath, [cli, 'snapshot', ...args, '--manifest', manifest, '--incidents', join(dir, 'incidents'), '--incident', 'snap'], { encoding: 'utf8' })
  return { code: result.status, stdout: result.stdout, stderr: result.stderr }
}

describe('firebreak snapshot', () => {
  it("records every dUSD holder's balance into the incident folder, totalling the supply, and journals the file's hash", async () => {
    const run = snapshot('dUSD', '--json')

    expect(run.code, run.stderr).toBe(0)
    const { file, footer } = JSON.parse(run.stdout)
    const verified = await verifySnapshot(file)
    const supply = await drill.chain.public.readContract({ ...drill.protocol.token, functionName: 'totalSupply' })
    expect(verified.total).toBe(supply)
    // The treasury, the vault holding the deposits: the users deposited all they had.
    expect(footer.accounts).toBe(2)
    const journal = readFileSync(join(dir, 'incidents', 'snap', 'journal.jsonl'), 'utf8')
    expect(journal).toContain(`"sha256":"${footer.sha256}"`)
  })

  it('refuses a block in the future, in one line, and journals that the snapshot failed', () => {
    const run = snapshot('dUSD', '--block', '99999999')

    expect(run.code).toBe(1)
    expect(run.stderr).toMatch(/^firebreak: block 99999999 is in the future: the chain is at block \d+\n/)
    expect(readFileSync(join(dir, 'incidents', 'snap', 'journal.jsonl'), 'utf8')).toContain('"type":"snapshot.failed"')
  })

  it('adapts to a node that caps eth_getLogs at 2 blocks: the same snapshot, read in small ranges', async () => {
    const direct = snapshot('dUSD', '--json', '--block', '5')
    expect(direct.code, direct.stderr).toBe(0)
    expect(JSON.parse(direct.stdout).footer.accounts).toBeGreaterThan(0)
    const node = await startCappedNode(drill.anvil.rpcUrl, 2n)
    try {
      // Asynchronous: the capping node answers from this process, which spawnSync would block.
      const { code, stdout } = await runCli(['snapshot', 'dUSD', '--json', '--block', '5', '--rpc-url', node.rpcUrl, '--manifest', manifest, '--incidents', join(dir, 'incidents'), '--incident', 'snap-capped'])
      expect(code).toBe(0)
      expect(node.refused()).toBeGreaterThan(0)
      expect(JSON.parse(stdout).footer).toEqual(JSON.parse(direct.stdout).footer)
    } finally {
      await node.stop()
    }
  })
})
