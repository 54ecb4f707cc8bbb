import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Abi, AbiFunction } from 'viem'
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest'
import { startAnvil } from '../src/chain/anvil.js'
import { runContainment } from '../src/contain/runContainment.js'
import { inspectManifest } from '../src/inspect/inspectManifest.js'
import { type Incident, openIncident } from '../src/journal/index.js'
import { loadManifest } from '../src/manifest/index.js'
import { startCappedNode } from './fixtures/cappedNode.js'
import { startFlakyNode } from './fixtures/flakyNode.js'
import { writeTestManifest } from './fixtures/manifest.js'
import {
  REAL_PROTOCOL_CONTRACTS as names,
  type RealProtocolsManifestContract,
  expirePauseWindow,
  readRealProtocolsPaused,
  realProtocolsManifest,
  useRealProtocols,
} from './fixtures/realProtocols/index.js'
import { runCli } from './fixtures/runCli.js'

/**
 * `contain pause-all` on real protocols whose pauses are each held by one EOA, and every way a run
 * could have ended "contained" while something was not: an expired pause window, an address with
 * no code, an ABI of another contract, a lever that cannot be pulled without naming an asset, a
 * node that is gone, one that caps log ranges, one that drops answers. A run ends 0 only when the
 * chain shows every target paused.
 */
const real = useRealProtocols({ holders: { aaveEmergencyAdmin: 'eoa', balancerPauser: 'eoa', superchainGuardian: 'eoa' } })

let dir: string
let incident: Incident

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'firebreak-contain-real-'))
  incident = openIncident({ root: join(dir, 'incidents'), id: 'real' })
})

afterEach(() => rmSync(dir, { recursive: true, force: true }))

function manifestFile(options: { rpcUrl?: string; contracts?: (contracts: RealProtocolsManifestContract[]) => RealProtocolsManifestContract[] } = {}) {
  const manifest = realProtocolsManifest(real.deployment)
  const contracts = options.contracts ? options.contracts(manifest.contracts) : manifest.contracts
  return {
    file: writeTestManifest(dir, {
      rpcUrl: options.rpcUrl ?? real.anvil.rpcUrl,
      contracts,
      authorities: manifest.authorities,
      normalOperations: manifest.normalOperations.filter((operation) => contracts.some((contract) => contract.name === operation.contract)),
    }),
    env: manifest.env,
  }
}

async function containAll(options: Parameters<typeof manifestFile>[0] = {}) {
  const { file, env } = manifestFile(options)
  Object.assign(process.env, env)
  return runContainment({ manifest: loadManifest(file), playbook: 'pause-all', incident })
}

const paused = () => readRealProtocolsPaused(real.chain, real.deployment)
const allPaused = { aavePool: true, balancerVault: true, superchainConfig: true }

describe('contain pause-all on Aave V3, Balancer V2 and Optimism, each pause held by a key', () => {
  it('pauses all three through their own levers and arguments, each verified by what its pull showed', async () => {
    const outcome = await containAll()

    expect(outcome.status).toBe('contained')
    expect(outcome.exposed).toEqual([])
    expect(outcome.plan.steps.map((step) => step.actions.map((action) => action.decoded.text)).flat().sort()).toEqual([
      'AavePoolConfigurator.setPoolPause(true)',
      'BalancerVault.setPaused(true)',
      'SuperchainConfig.pause(firebreak: incident real)',
    ])
    expect(outcome.skipped).toEqual([{ contract: names.aavePool, reason: 'paused through pause AavePoolConfigurator with setPoolPause(true): its ordinary calls are checked to revert' }])
    expect(outcome.steps.every((step) => step.checks.length > 0 && step.checks.every((check) => check.passed))).toBe(true)
    expect(await paused()).toEqual(allPaused)
  })

  it('says nothing is to be done only once the chain shows every target paused, and never guesses', async () => {
    await containAll()
    incident = openIncident({ root: join(dir, 'incidents'), id: 'again' })
    const withoutAave = (contracts: RealProtocolsManifestContract[]) => contracts.filter((contract) => !contract.name.startsWith('Aave'))

    const again = await containAll({ contracts: withoutAave })

    expect(again.status).toBe('nothing-to-do')
    expect(again.skipped).toEqual([
      { contract: names.balancerVault, reason: 'already paused: BalancerVault.getPausedState() reads true' },
      { contract: names.superchainConfig, reason: 'already paused: SuperchainConfig.paused() reads true' },
    ])

    // Aave's pause shows only in its calls reverting, which no longer tells a paused Pool from a broken probe.
    const withAave = await containAll()
    expect(withAave.status).toBe('exposed')
    expect(withAave.exposed.map(({ contract }) => contract)).toEqual([names.aavePool, names.aavePoolConfigurator])
    expect(withAave.exposed[1]?.reason).toContain('setPoolPause(bool): every normal operation already reverts (a user supplies the listed asset to the Aave Pool: Error("29"); anyone registers a pool with the Balancer Vault: Error("BAL#402"))')

    // In the incident that paused it, the journal knows which step did, and its checks are read again.
    incident = openIncident({ root: join(dir, 'incidents'), id: 'real' })
    const sameIncident = await containAll()
    expect(sameIncident.status).toBe('nothing-to-do')
    expect(sameIncident.skipped.find((skip) => skip.contract === names.aavePoolConfigurator)?.reason).toBe(
      'contained by step setPoolPause-AavePoolConfigurator of this incident, whose checks hold on chain now: a user supplies the listed asset to the Aave Pool now reverts',
    )
  })

  it('ends exposed, naming the Vault, when its pause window has expired in chain time; the others are paused all the same', async () => {
    await expirePauseWindow(real.chain, real.deployment.balancer)

    const outcome = await containAll()

    expect(outcome.status).toBe('exposed')
    expect(outcome.exposed).toEqual([{ contract: names.balancerVault, reason: expect.stringMatching(/^cannot be paused by firebreak: setPaused\(bool\): pulled by 0x[0-9a-fA-F]{40}, it reverts with Error\("BAL#403"\)$/) }])
    expect(await paused()).toEqual({ ...allPaused, balancerVault: false })
    const inspection = await inspectManifest({ manifest: loadManifest(manifestFile().file) })
    expect(inspection.findings.filter((finding) => finding.contract === names.balancerVault).map((finding) => finding.code)).toContain('pause-window-expired')
  })

  it('ends exposed when a contract has no code, or its ABI is another contract’s, or its only pause needs an asset named', async () => {
    const onlyReservePause = (abi: Abi) => abi.filter((item) => item.type !== 'function' || (item as AbiFunction).name === 'setReservePause' || (item as AbiFunction).stateMutability === 'view')
    const outcome = await containAll({
      contracts: (contracts) =>
        contracts.map((contract) => {
          if (contract.name === names.balancerVault) return { ...contract, address: real.deployment.accounts.stranger.address }
          if (contract.name === names.superchainConfig) return { ...contract, abi: real.deployment.balancer.abis.vault }
          if (contract.name === names.aavePoolConfigurator) return { ...contract, abi: onlyReservePause(contract.abi) }
          return contract
        }),
    })

    expect(outcome.status).toBe('exposed')
    expect(outcome.exposed.map(({ contract }) => contract).sort()).toEqual([names.aavePool, names.aavePoolConfigurator, names.balancerVault, names.superchainConfig].sort())
    const reasons = Object.fromEntries(outcome.exposed.map(({ contract, reason }) => [contract, reason]))
    expect(reasons[names.balancerVault]).toBe(`could not be inspected: no code at ${real.deployment.accounts.stranger.address} (wrong address or wrong chain?)`)
    expect(reasons[names.superchainConfig]).toMatch(/^could not be inspected: the ABI given for SuperchainConfig does not match its bytecode/)
    expect(reasons[names.aavePoolConfigurator]).toBe('cannot be paused by firebreak: setReservePause(address,bool): its asset argument (address) names what to pause: give it in a playbook step')
    expect(await paused()).toEqual({ aavePool: false, balancerVault: false, superchainConfig: false })
  })
})

describe('contain pause-all through a node that fails', () => {
  it('exits 1 with one line naming the node when it cannot be reached, and pauses nothing', async () => {
    const { file, env } = manifestFile({ rpcUrl: 'http://127.0.0.1:9' })
    const run = await runCli(['contain', 'pause-all', '--manifest', file, '--incidents', join(dir, 'incidents')], env)

    expect(run.code).toBe(1)
    expect(run.stderr.trim().split('\n')[0]).toMatch(/^firebreak: cannot reach the node at http:\/\/127\.0\.0\.1:9/)
    expect(run.stdout).not.toMatch(/contained/)
  })

  for (const [name, start] of [
    ['caps eth_getLogs at 3 blocks', (upstream: string) => startCappedNode(upstream, 3n)],
    ['drops every fifth answer', (upstream: string) => startFlakyNode(upstream, [{ fault: 'drop', every: 5 }])],
    ['answers every third request with HTTP 429', (upstream: string) => startFlakyNode(upstream, [{ fault: 'http-429', every: 3 }])],
  ] as const) {
    it(`contains everything, verified on chain, through a node that ${name}`, async () => {
      const node = await start(real.anvil.rpcUrl)
      try {
        const { file, env } = manifestFile()
        const run = await runCli(['contain', 'pause-all', '--manifest', file, '--rpc-url', node.rpcUrl, '--incidents', join(dir, 'incidents')], env)

        expect(run.code, run.stdout + run.stderr).toBe(0)
        expect(run.stdout).toMatch(/^contained: 3 steps done and verified on chain by \d+ checks/m)
        expect(await paused()).toEqual(allPaused)
      } finally {
        await node.stop()
      }
    })
  }

  it('refuses the wrong node (another chain id) before inspecting anything', async () => {
    const other = await startAnvil({ chainId: 10 })
    try {
      const { file, env } = manifestFile()
      const run = await runCli(['contain', 'pause-all', '--manifest', file, '--rpc-url', other.rpcUrl, '--incidents', join(dir, 'incidents')], env)

      expect(run.code).toBe(1)
      expect(run.stderr.split('\n')[0]).toMatch(/^firebreak: .*firebreak\.yaml: chains\.local\.chainId: expected chain id 31337, but the node at .* reports 10$/)
      expect(run.stdout).not.toMatch(/^contained/m)
    } finally {
      await other.stop()
    }
  })

  it('ends non-zero, never contained, through a node that keeps dropping every answer to eth_simulateV1 and eth_call', async () => {
    const node = await startFlakyNode(real.anvil.rpcUrl, [{ fault: 'drop', method: 'eth_simulateV1' }, { fault: 'drop', method: 'eth_call' }])
    try {
      const { file, env } = manifestFile()
      const run = await runCli(['contain', 'pause-all', '--manifest', file, '--rpc-url', node.rpcUrl, '--incidents', join(dir, 'incidents')], env)

      expect(run.code).toBe(1)
      expect(run.stderr.split('\n')[0]).toMatch(/^firebreak: the node at http:\/\/127\.0\.0\.1:\d+ kept failing \(5 attempts: connection dropped\) on eth_/)
      expect(run.stdout).not.toMatch(/^contained/m)
      expect(await paused()).toEqual({ aavePool: false, balancerVault: false, superchainConfig: false })
    } finally {
      await node.stop()
    }
  })
})

afterAll(() => {
  for (const key of Object.keys(realProtocolsManifest(real.deployment).env)) delete process.env[key]
})
