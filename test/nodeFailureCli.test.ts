import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { main } from '../src/cli/main.js'
import { parseAbi } from 'viem'
import { EXIT, reportError } from '../src/cli/output.js'
import { connect } from '../src/chain/clients.js'
import { drillActors } from '../src/drill/actors.js'
import { type DrillProtocol, deployProtocol } from '../src/drill/deployProtocol.js'
import { type FlakyNode, startFlakyNode } from './fixtures/flakyNode.js'
import { useLocalChain } from './fixtures/localChain.js'

const local = useLocalChain({ snapshotEachTest: false })
const actors = drillActors()
let protocol: DrillProtocol
let node: FlakyNode
let dir: string

/** The CLI in this process (the flaky node and its anvil live here), with what it printed. */
async function firebreak(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = ''
  let stderr = ''
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((stdout += String(chunk)), true))
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((stderr += String(chunk)), true))
  try {
    const code = await main(['node', 'firebreak', ...args])
    return { code, stdout, stderr }
  } finally {
    vi.restoreAllMocks()
  }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'firebreak-node-failure-'))
  protocol = await deployProtocol(local.chain, local.artifacts, actors)
  writeFileSync(join(dir, 'vault.json'), JSON.stringify({ abi: protocol.vault.abi }))
  node = await startFlakyNode(local.anvil.rpcUrl)
  process.env.FIREBREAK_FLAKY_NODE_URL = node.rpcUrl
  writeFileSync(
    join(dir, 'firebreak.yaml'),
    [
      'chains:',
      '  local:',
      // The flaky node's URL carries a stand-in API key in its path: from the environment, as a team's would.
      '    rpcUrlEnv: FIREBREAK_FLAKY_NODE_URL',
      '    chainId: 31337',
      'contracts:',
      '  - name: vault',
      `    address: "${protocol.vault.address}"`,
      `    abi: ${join(dir, 'vault.json')}`,
      'authorities:',
      '  - name: guardian',
      '    type: eoa',
      `    address: "${actors.guardian.address}"`,
      '',
    ].join('\n'),
  )
})

afterEach(() => {
  node.setRules([])
})

afterAll(async () => {
  delete process.env.FIREBREAK_FLAKY_NODE_URL
  await node?.stop()
})

describe('a node that keeps failing, seen from the CLI', () => {
  it('inspect ends non-zero, never 0 nor "a bug in firebreak", when every eth_call is rate-limited inside its batch', async () => {
    node.setRules([{ fault: 'rpc-429', method: 'eth_call' }])
    const result = await firebreak(['inspect', '--manifest', join(dir, 'firebreak.yaml')])
    expect(result.code).toBe(EXIT.failed)
    expect(result.stderr).not.toContain('bug in firebreak')
    expect(result.stderr).toMatch(/the node at http:\/\/127\.0\.0\.1:\d+ kept failing \(5 attempts: rate limited\) on eth_call/)
    expect(result.stderr + result.stdout).not.toContain(node.secret)
  })

  it('inspect ends non-zero when every eth_call loses its connection', async () => {
    node.setRules([{ fault: 'drop', method: 'eth_call' }])
    const result = await firebreak(['inspect', '--manifest', join(dir, 'firebreak.yaml')])
    expect(result.code).toBe(EXIT.failed)
    expect(result.stderr).not.toContain('bug in firebreak')
    expect(result.stderr).toMatch(/the node at http:\/\/127\.0\.0\.1:\d+ kept failing \(5 attempts: connection dropped\) on eth_call/)
    expect(result.stderr + result.stdout).not.toContain(node.secret)
  })

  it('inspect reads through a node that drops every third request, and succeeds as through anvil itself', async () => {
    node.setRules([{ fault: 'drop', every: 3 }])
    const result = await firebreak(['inspect', '--manifest', join(dir, 'firebreak.yaml')])
    expect(result.code, result.stderr).toBe(EXIT.ok)
    expect(result.stdout).toMatch(/pause\(\)\s+pause\s+EOA guardian: one transaction/)
    expect(node.stats().faults.drop).toBeGreaterThan(0)
  })

  it('reports a failure viem wrapped in its contract error (a read outside tryRead) as the node\'s, in one line, exit 1', async () => {
    const flaky = await connect(node.rpcUrl, { retry: { baseDelayMs: 10 } })
    node.setRules([{ fault: 'rpc-429', method: 'eth_call' }])
    const failure = await flaky.public
      .readContract({ address: protocol.vault.address, abi: parseAbi(['function paused() view returns (bool)']), functionName: 'paused' })
      .catch((error: unknown) => error)
    let stderr = ''
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((stderr += String(chunk)), true))
    const code = reportError(failure, false)
    vi.restoreAllMocks()
    expect(code).toBe(EXIT.failed)
    expect(stderr.trimEnd().split('\n')).toHaveLength(1)
    expect(stderr).toMatch(/^firebreak: the node did not answer \(the node at http:\/\/127\.0\.0\.1:\d+ kept failing \(5 attempts: rate limited\) on eth_call\)/)
  })
})
