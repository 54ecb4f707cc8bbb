import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { getAddress } from 'viem'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { inspectManifest } from '../src/inspect/inspectManifest.js'
import type { ContractInspection, Inspection, LeverAccess } from '../src/inspect/types.js'
import { loadManifest } from '../src/manifest/index.js'
import { writeTestManifest } from './fixtures/manifest.js'
import { REAL_PROTOCOL_CONTRACTS as names, realProtocolsManifest, useRealProtocols } from './fixtures/realProtocols/index.js'

/**
 * inspect on protocols deployed from their own npm artifacts, none of them shaped like the drill:
 * Aave V3 (a pool paused through its configurator, proxies whose admin lives in their code),
 * Balancer V2's Vault (a pause through its Authorizer, with a window), Optimism's SuperchainConfig
 * (`pause(string)` behind a Proxy and ProxyAdmin), and the Safe that holds two of those pauses.
 */
const real = useRealProtocols({ snapshotEachTest: false })
let dir: string
let inspection: Inspection

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'firebreak-inspect-real-'))
  const manifest = realProtocolsManifest(real.deployment, { includeAdmins: true })
  const contracts = [...manifest.contracts, { name: 'council', address: real.deployment.safe.address }]
  const file = writeTestManifest(dir, { rpcUrl: real.anvil.rpcUrl, contracts, authorities: manifest.authorities, normalOperations: manifest.normalOperations })
  inspection = await inspectManifest({ manifest: loadManifest(file) })
})

afterAll(() => rmSync(dir, { recursive: true, force: true }))

const contract = (name: string): ContractInspection => inspection.contracts.find((candidate) => candidate.name === name)!
const lever = (name: string, signature: string): LeverAccess => contract(name).levers.find((access) => access.lever.signature === signature)!
const holdersOf = (access: LeverAccess) => (access.lever.confirmation.status === 'confirmed' ? access.lever.confirmation.holders : access.lever.confirmation.status)

describe('inspect on Aave V3, Balancer V2, Optimism and a Safe, deployed from their npm artifacts', () => {
  it('sees each proxy as it is: admins kept in code, a ProxyAdmin, a Safe singleton', () => {
    const { aave, superchain, safe } = real.deployment
    expect(contract(names.aavePool).proxy).toEqual({ kind: 'transparent', implementation: aave.addresses.poolImplementation, admin: aave.addresses.poolAddressesProvider })
    expect(contract(names.aavePoolConfigurator).proxy).toEqual({ kind: 'transparent', implementation: aave.addresses.poolConfiguratorImplementation, admin: aave.addresses.poolAddressesProvider })
    expect(contract(names.superchainConfig).proxy).toEqual({ kind: 'transparent', implementation: superchain.addresses.implementation, admin: superchain.addresses.proxyAdmin })
    expect(contract(names.balancerVault).proxy).toEqual({ kind: 'none' })
    expect(contract('council').proxy).toEqual({ kind: 'singleton', implementation: safe.infrastructure.singleton })
    expect(inspection.contracts.filter((inspected) => inspected.error)).toEqual([])
  })

  it("finds the Aave proxies' upgrade levers on the PoolAddressesProvider, held by its owner", () => {
    const { aave, accounts } = real.deployment
    for (const [name, signature] of [
      [names.aavePool, 'setPoolImpl(address)'],
      [names.aavePoolConfigurator, 'setPoolConfiguratorImpl(address)'],
    ] as const) {
      const upgrade = lever(name, signature)
      expect(upgrade.lever).toMatchObject({ kind: 'upgrade', address: aave.addresses.poolAddressesProvider })
      expect(holdersOf(upgrade)).toEqual([accounts.governance.address])
    }
    expect(contract(names.aavePool).levers.filter((access) => access.lever.kind === 'upgrade').map((access) => access.lever.signature)).toEqual(['setPoolImpl(address)'])
    expect(holdersOf(lever(names.superchainConfig, 'upgradeAndCall(address,address,bytes)'))).toEqual([accounts.governance.address])
  })

  it('classifies each pause by what pulling it does, with the arguments a pull would use', () => {
    const { aave, balancer, superchain, safe, accounts } = real.deployment
    const poolPause = lever(names.aavePoolConfigurator, 'setPoolPause(bool)')
    expect(holdersOf(poolPause)).toEqual(expect.arrayContaining([accounts.aaveEmergencyAdmin.address]))
    expect(poolPause.effect).toMatchObject({ status: 'pauses', args: [true], evidence: [{ kind: 'operation', operation: { contract: names.aavePool, to: aave.addresses.pool }, revert: 'Error("29")' }] })

    const vaultPause = lever(names.balancerVault, 'setPaused(bool)')
    expect(holdersOf(vaultPause)).toEqual([safe.address])
    expect(vaultPause.effect).toMatchObject({ status: 'pauses', puller: safe.address, args: [true] })
    expect(vaultPause.effect?.status === 'pauses' && vaultPause.effect.evidence.map((item) => (item.kind === 'getter' ? item.getter.signature : item.operation.description))).toEqual([
      'getPausedState()',
      'anyone registers a pool with the Balancer Vault',
    ])

    const guardianPause = lever(names.superchainConfig, 'pause(string)')
    expect(holdersOf(guardianPause)).toEqual([safe.address])
    expect(guardianPause.effect).toMatchObject({ status: 'pauses', args: ['firebreak: emergency pause'], evidence: [{ kind: 'getter', getter: { signature: 'paused()', address: superchain.addresses.superchainConfig } }] })

    // A per-asset pause needs the asset named: it is listed, not guessed at.
    expect(lever(names.aavePoolConfigurator, 'setReservePause(address,bool)').effect).toMatchObject({ status: 'untested' })
    expect(balancer.addresses.vault).toBe(getAddress(balancer.addresses.vault))
  })

  it('reports the time to contain, and no pause gap for the Pool, which its configurator pauses', () => {
    expect(contract(names.aavePool).timeToContain).toBeUndefined()
    expect(inspection.findings.filter((finding) => finding.contract === names.aavePool)).toEqual([])
    expect(contract(names.balancerVault).timeToContain?.description).toBe('2-of-3 Safe security-council: collect 2 signatures (~30 min)')
    expect(contract(names.aavePoolConfigurator).timeToContain?.seconds).toBe(12)
  })

  it("claims no lever anyone can call: Balancer's revokeRoles with empty lists is a no-op, not an open door", () => {
    expect(inspection.findings.filter((finding) => finding.severity === 'critical')).toEqual([])
    expect(lever(names.balancerAuthorizer, 'revokeRoles(bytes32[],address)').lever.confirmation).toMatchObject({ status: 'unconfirmed', detail: expect.stringContaining('changes no storage') })
  })
})
