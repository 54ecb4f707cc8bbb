import { spawn } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { generatePrivateKey, privateKeyToAddress } from 'viem/accounts'
import { beforeAll, describe, expect, it } from 'vitest'
import { drillActors } from '../src/drill/actors.js'
import { type DrillProtocol, deployProtocol } from '../src/drill/deployProtocol.js'
import { useLocalChain } from './fixtures/localChain.js'

const bin = resolve(import.meta.dirname, '..', 'bin', 'firebreak.js')
const local = useLocalChain({ snapshotEachTest: false })
const actors = drillActors()
let protocol: DrillProtocol
let dir: string

/** Runs the CLI without blocking this process: the anvil it talks to lives in this process. */
function firebreak(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd: dir, env: { ...process.env, FIREBREAK_RPC_URL: '' } })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk) => (stdout += chunk))
    child.stderr.on('data', (chunk) => (stderr += chunk))
    child.on('close', (code) => done({ code, stdout, stderr }))
  })
}

function manifest(name: string, { chainId = 31337, rpcUrl = local.anvil.rpcUrl, contracts = '' } = {}) {
  const file = join(dir, name)
  writeFileSync(
    file,
    [
      'chains:',
      '  local:',
      `    rpcUrl: ${rpcUrl}`,
      `    chainId: ${chainId}`,
      'contracts:',
      '  - name: vault',
      `    address: "${protocol.vault.address}"`,
      '    abi: ./vault.json',
      contracts,
      'authorities:',
      '  - name: guardian',
      '    type: eoa',
      `    address: "${actors.guardian.address}"`,
      '',
    ].join('\n'),
  )
  // As a user in that folder would type it: messages show the path as given.
  return name
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'firebreak-inspect-cli-'))
  protocol = await deployProtocol(local.chain, local.artifacts, actors)
  writeFileSync(join(dir, 'vault.json'), JSON.stringify({ abi: protocol.vault.abi }))
})

describe('firebreak inspect --manifest', () => {
  it('prints the readiness report of the manifest\'s contracts, naming the team\'s guardian', async () => {
    const result = await firebreak(['inspect', '--manifest', manifest('ok.yaml')])
    expect(result.code, result.stderr).toBe(0)
    expect(result.stdout).toMatch(/pause\(\)\s+pause\s+EOA guardian: one transaction/)
    expect(result.stdout).toContain('Time to contain everything: EOA guardian')
  })

  it('refuses a node on another chain than the manifest expects, in one line', async () => {
    const result = await firebreak(['inspect', '--manifest', manifest('mainnet.yaml', { chainId: 1 })])
    expect(result.code).toBe(1)
    expect(result.stderr.split('\n')[0]).toBe('firebreak: mainnet.yaml: chains.local.chainId: expected chain id 1, but the node at rpcUrl reports 31337')
  })

  it('says which node it cannot reach', async () => {
    const result = await firebreak(['inspect', '--manifest', manifest('down.yaml', { rpcUrl: 'http://127.0.0.1:9' })])
    expect(result.code).toBe(1)
    expect(result.stderr.split('\n')[0]).toMatch(/^firebreak: cannot reach the node at http:\/\/127\.0\.0\.1:9/)
  })

  it('names the file, the path and the typo in a malformed manifest', async () => {
    const file = join(dir, 'typo.yaml')
    writeFileSync(file, `chains:\n  local:\n    rpcUrl: ${local.anvil.rpcUrl}\n    chainId: 31337\ncontracts:\n  - name: vault\n    adress: "${protocol.vault.address}"\n`)
    const result = await firebreak(['inspect', '--manifest', file])
    expect(result.code).toBe(1)
    expect(result.stderr.split('\n')[0]).toMatch(/^firebreak: .*typo\.yaml: contracts\[0\]\.adress: unknown key/)
  })

  it('still reports the other contracts when one has no code, and exits 1', async () => {
    const ghost = privateKeyToAddress(generatePrivateKey())
    const file = manifest('ghost.yaml', { contracts: `  - name: ghost\n    address: "${ghost}"` })
    const result = await firebreak(['inspect', '--manifest', file, '--json'])
    expect(result.code).toBe(1)
    const inspection = JSON.parse(result.stdout)
    expect(inspection.contracts.find((inspected: { name: string }) => inspected.name === 'ghost').error).toBe(`no code at ${ghost} (wrong address or wrong chain?)`)
    expect(inspection.contracts.find((inspected: { name: string }) => inspected.name === 'vault').levers).toHaveLength(6)
  })
})
