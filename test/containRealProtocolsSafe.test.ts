import { readFileSync, readdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { EXIT } from '../src/cli/output.js'
import { writeTestManifest } from './fixtures/manifest.js'
import { privateKeyOf, readRealProtocolsPaused, realProtocolsManifest, useRealProtocols } from './fixtures/realProtocols/index.js'
import { runCli } from './fixtures/runCli.js'

/**
 * Done when of "Contained means contained": Aave V3, Balancer V2's Vault and Optimism's
 * SuperchainConfig in one manifest, contained by `contain pause-all` as a war room runs it. Aave's
 * emergency admin is a key; the Vault's pause and the SuperchainConfig's guardianship are held by
 * one 2-of-3 Safe, which signs one transaction for both, in one round.
 */
const real = useRealProtocols({ snapshotEachTest: false })
let dir: string
let manifest: string
let env: Record<string, string>

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'firebreak-contain-real-safe-'))
  const written = realProtocolsManifest(real.deployment)
  env = written.env
  manifest = writeTestManifest(dir, { rpcUrl: real.anvil.rpcUrl, contracts: written.contracts, authorities: written.authorities, normalOperations: written.normalOperations })
})

afterAll(() => rmSync(dir, { recursive: true, force: true }))

const incidents = () => join(dir, 'incidents')
const contain = (...args: string[]) => runCli(['contain', 'pause-all', '--manifest', manifest, '--incidents', incidents(), '--incident', 'all', ...args], env)
const paused = () => readRealProtocolsPaused(real.chain, real.deployment)

describe('contain pause-all on Aave V3, Balancer V2, Optimism and a Safe together', () => {
  it('pauses Aave with its key at once, and asks the Safe for one transaction carrying both of its pauses', async () => {
    const run = await contain()

    expect(run.code, run.stdout + run.stderr).toBe(EXIT.signatures)
    expect(await paused()).toEqual({ aavePool: true, balancerVault: false, superchainConfig: false })
    const files = readdirSync(join(incidents(), 'all', 'safe-tx')).filter((name) => !name.endsWith('.tx-builder.json'))
    expect(files).toEqual(['contain-pause-all-safe-security-council.json'])
    const safeTx = readFileSync(join(incidents(), 'all', 'safe-tx', files[0]!), 'utf8')
    expect(safeTx).toContain('BalancerVault.setPaused(true)')
    expect(safeTx).toContain('SuperchainConfig.pause(firebreak: incident all)')
    expect(run.stdout).toMatch(/^NOT YET CONTAINED: 1 step done and verified on chain by 1 check; waiting for Safe owners to sign 1 transaction/m)
    expect(run.stdout).not.toMatch(/^contained/m)
  })

  it('contains everything once two owners have signed that one transaction, each verified on chain', async () => {
    const file = join(incidents(), 'all', 'safe-tx', 'contain-pause-all-safe-security-council.json')
    const signatures = real.deployment.safe.owners.slice(0, 2).map((owner, index) => join(dir, `owner-${index}.json`))
    for (const [index, owner] of real.deployment.safe.owners.slice(0, 2).entries()) {
      const signed = await runCli(['safe', 'sign', file, '--out', signatures[index]!, '--key-env', 'OWNER_KEY'], { OWNER_KEY: privateKeyOf(owner) })
      expect(signed.code, signed.stderr).toBe(0)
    }

    const run = await contain('--signature', ...signatures)

    expect(run.code, run.stdout + run.stderr).toBe(EXIT.ok)
    expect(run.stdout).toMatch(/^contained: \d+ steps? done and verified on chain by \d+ checks? \(incident all\)$/m)
    expect(await paused()).toEqual({ aavePool: true, balancerVault: true, superchainConfig: true })
  })
})
