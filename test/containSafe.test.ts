import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type Address, bytesToHex, getAddress, keccak256, parseAbi, toHex } from 'viem'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { devAccount } from '../src/chain/devAccounts.js'
import { sendAll } from '../src/drill/deployProtocol.js'
import { EXIT } from '../src/cli/output.js'
import { packageRoot } from '../src/packageRoot.js'
import { useDrillProtocol } from './fixtures/localChain.js'
import { writeTestManifest } from './fixtures/manifest.js'
import { deploySafe, installMultiSendCallOnly } from './fixtures/safe.js'

/**
 * The war-room flow through a 2-of-3 Safe, each part its own process as on separate machines: the
 * first `contain` stops at the threshold and writes the Safe transaction; two owners each sign it
 * with `firebreak safe sign` into their own file; `contain --signature a b` executes it.
 */
const drill = useDrillProtocol({ snapshotEachTest: false })
const { actors } = drill
const cli = join(packageRoot, 'bin', 'firebreak.js')
const owners = [devAccount(10), devAccount(11), devAccount(12)]
const keyOf = (index: number) => bytesToHex(devAccount(index).getHdKey().privateKey!)
const safeAbi = parseAbi(['function nonce() view returns (uint256)'])

let dir: string
let manifest: string
let safe: Address

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'firebreak-contain-safe-'))
  safe = getAddress(await deploySafe(drill.chain, { deployer: actors.admin, owners: owners.map((owner) => owner.address), threshold: 2 }))
  await installMultiSendCallOnly(drill.chain)
  const pauser = keccak256(toHex('PAUSER_ROLE'))
  const { vault } = drill.protocol
  // The team moved the pause from a single key to its security council.
  await sendAll(drill.chain, actors.admin, [
    { address: vault.address, abi: vault.abi, functionName: 'grantRole', args: [pauser, safe] },
    { address: vault.address, abi: vault.abi, functionName: 'revokeRole', args: [pauser, actors.guardian.address] },
  ])
  manifest = writeTestManifest(dir, {
    rpcUrl: drill.anvil.rpcUrl,
    contracts: [drill.protocol.vault, drill.protocol.token],
    authorities: [
      { name: 'council', type: 'safe', address: safe, submitter: 'relayer' },
      { name: 'relayer', type: 'eoa', address: actors.guardian.address, keyEnv: 'RELAYER_KEY' },
    ],
  })
})

afterAll(() => {
  rmSync(dir, { recursive: true, force: true })
})

function firebreak(args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, [cli, ...args], { env: { ...process.env, ...env }, encoding: 'utf8', cwd: dir })
  return { code: result.status, stdout: result.stdout, stderr: result.stderr }
}

const contain = (...args: string[]) => firebreak(['contain', 'pause-all', '--manifest', manifest, '--incident', 'council', ...args], { RELAYER_KEY: keyOf(1) })

async function vaultPaused(): Promise<boolean> {
  return (await drill.chain.public.readContract({ ...drill.protocol.vault, functionName: 'paused' })) as boolean
}

describe('firebreak contain pause-all through a 2-of-3 Safe', () => {
  const safeTxFile = () => join(dir, '.firebreak', 'incidents', 'council', 'safe-tx', 'contain-pause-all-safe-council.json')

  it('stops before sending anything when the threshold is not met, and writes the Safe transaction to sign', async () => {
    const run = contain()

    expect(run.code).toBe(EXIT.signatures)
    expect(run.stdout + run.stderr).toContain(`Safe council (${safe}) has 0 of 2 signatures, needs 2 more from any 2 of ${owners.map((owner) => owner.address).join(', ')}, on ${safeTxFile()}`)
    expect(run.stdout).toContain(`signer: Safe council ${safe}, 2 of 3 owners must sign`)
    expect(run.stdout).toContain('call:   vault.pause()')
    expect(existsSync(safeTxFile())).toBe(true)
    expect(await vaultPaused()).toBe(false)
    expect(await drill.chain.public.readContract({ address: safe, abi: safeAbi, functionName: 'nonce' })).toBe(0n)
  })

  it('refuses a signature from an account that is not an owner', () => {
    const run = firebreak(['safe', 'sign', safeTxFile(), '--out', join(dir, 'stranger.json'), '--key-env', 'SIGNER_KEY'], { SIGNER_KEY: keyOf(13) })

    expect(run.code).toBe(1)
    expect(run.stderr).toContain(`${devAccount(13).address} is not an owner of Safe ${safe}`)
  })

  it('pauses the vault once two owners have each signed on their own machine', async () => {
    const signatures = [10, 11].map((index) => {
      const out = join(dir, `owner-${index}.json`)
      const signed = firebreak(['safe', 'sign', safeTxFile(), '--out', out, '--key-env', 'SIGNER_KEY'], { SIGNER_KEY: keyOf(index) })
      expect(signed.code, signed.stderr).toBe(0)
      expect(signed.stdout).toMatch(/safeTxHash/i)
      return out
    })
    const safeTxHash = JSON.parse(readFileSync(safeTxFile(), 'utf8')).safeTxHash

    const run = contain('--signature', ...signatures)

    expect(run.code, run.stderr).toBe(0)
    expect(run.stdout).toContain('contained: 1 step done and verified on chain')
    expect(await vaultPaused()).toBe(true)
    expect(await drill.chain.public.readContract({ address: safe, abi: safeAbi, functionName: 'nonce' })).toBe(1n)
    const journal = readFileSync(join(dir, '.firebreak', 'incidents', 'council', 'journal.jsonl'), 'utf8')
    expect(journal).toContain(safeTxHash)
    expect(journal.match(/"type":"safe.approved"/g)).toHaveLength(2)
  })
})
