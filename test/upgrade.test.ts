import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type Address, getAddress, parseAbi, zeroAddress } from 'viem'
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { devAccount } from '../src/chain/devAccounts.js'
import type { ExecuteOptions } from '../src/engine/execute.js'
import type { Plan } from '../src/engine/plan.js'
import { runPhase } from '../src/engine/runPhase.js'
import { routeUpgrade } from '../src/eradicate/routeUpgrade.js'
import { inspectProtocol } from '../src/inspect/inspectProtocol.js'
import { buildUpgradePlan } from '../src/eradicate/buildUpgradePlan.js'
import { IMPLEMENTATION_SLOT } from '../src/eradicate/proxySlots.js'
import { WrongProxyKindError, readUpgradeRoute } from '../src/eradicate/upgradeRoute.js'
import { Journal } from '../src/journal/index.js'
import type { Artifacts } from '../src/solidity/artifacts.js'
import { TWO_DAYS, compileAuthorityFixtures, deployBeaconTarget, deployChecksummed, deployTransparentTarget } from './fixtures/authorities.js'
import { useLocalChain } from './fixtures/localChain.js'

/**
 * The upgrade plan through each proxy kind OpenZeppelin 5 ships: the route is read from the
 * proxy's EIP-1967 slots, the plan deploys the new implementation by CREATE2 and points the proxy
 * (through its ProxyAdmin, or its beacon) at it, verified by reading the slot or the beacon.
 */
const local = useLocalChain({ compile: false })
const governance = devAccount(0)
const authority = { kind: 'key', address: governance.address, label: 'governance' } as const
let fixtures: Artifacts
let journalDir: string

beforeAll(async () => {
  fixtures = await compileAuthorityFixtures()
})

beforeEach(() => {
  journalDir = mkdtempSync(join(tmpdir(), 'firebreak-upgrade-'))
})

afterEach(() => {
  rmSync(journalDir, { recursive: true, force: true })
})

/** A plan through the runner every phase uses, with nothing of a phase around it. */
function runBarePlan(plan: Plan, options: ExecuteOptions) {
  return runPhase({ ...options, build: async () => ({ chain: local.chain, plan }) })
}

function planFor(proxy: Address, route: Awaited<ReturnType<typeof readUpgradeRoute>>) {
  const implementation = fixtures.get('PausableTargetUpgradeable')
  return buildUpgradePlan({ proxy: { name: 'lending', address: proxy, abi: implementation.abi }, route, implementation, initData: '0x', authority, id: `upgrade-${route.kind}` })
}

async function implementationSlot(proxy: Address): Promise<Address> {
  const word = await local.chain.public.getStorageAt({ address: proxy, slot: IMPLEMENTATION_SLOT })
  return getAddress(`0x${word!.slice(-40)}`)
}

describe('upgrading each kind of proxy', () => {
  it('upgrades a transparent proxy through its ProxyAdmin', async () => {
    const target = await deployTransparentTarget(local.chain, fixtures, { owner: governance.address, proxyAdminOwner: governance.address })
    const route = await readUpgradeRoute(local.chain, { name: 'lending', address: target.proxy }, 'transparent')
    const plan = planFor(target.proxy, route)

    await runBarePlan(plan, { journal: Journal.open(journalDir), accounts: [governance] })

    expect(route).toEqual({ kind: 'transparent', proxy: target.proxy, proxyAdmin: target.proxyAdmin })
    expect(plan.steps[1]!.actions[0]!.decoded.text).toBe(`lending ProxyAdmin.upgradeAndCall(${target.proxy}, ${plan.implementationAddress}, 0x)`)
    expect(await implementationSlot(target.proxy)).toBe(plan.implementationAddress)
  })

  it('upgrades a beacon proxy through its beacon, and refuses initialisation calldata a beacon cannot run', async () => {
    const target = await deployBeaconTarget(local.chain, fixtures, { owner: governance.address, beaconOwner: governance.address })
    const route = await readUpgradeRoute(local.chain, { name: 'lending', address: target.proxy })
    const plan = planFor(target.proxy, route)

    await runBarePlan(plan, { journal: Journal.open(journalDir), accounts: [governance] })

    expect(route).toEqual({ kind: 'beacon', proxy: target.proxy, beacon: target.beacon })
    const beaconImplementation = await local.chain.public.readContract({ address: target.beacon, abi: parseAbi(['function implementation() view returns (address)']), functionName: 'implementation' })
    expect(beaconImplementation).toBe(plan.implementationAddress)
    const withInit = () => buildUpgradePlan({ proxy: { name: 'lending', address: target.proxy, abi: [] }, route, implementation: fixtures.get('PausableTargetUpgradeable'), authority, initData: '0x1234' })
    expect(withInit).toThrow(/beacon, whose upgradeTo cannot run initialisation calldata/)
  })

  it('schedules the upgrade on the timelock that owns the ProxyAdmin and executes it once the delay has passed', async () => {
    const timelock = await deployChecksummed(local.chain, governance, fixtures.get('TimelockController'), [TWO_DAYS, [governance.address], [zeroAddress], zeroAddress])
    const target = await deployTransparentTarget(local.chain, fixtures, { owner: governance.address, proxyAdminOwner: timelock })
    const route = await readUpgradeRoute(local.chain, { name: 'lending', address: target.proxy })
    const team = [{ name: 'governance', type: 'eoa' as const, address: governance.address }]
    const inspection = await inspectProtocol(local.chain, { targets: [{ name: 'lending', address: target.proxy }], authorities: team, kinds: ['upgrade'] })

    const holder = routeUpgrade(inspection, 'lending', route, team, () => true)
    if (holder.route.kind !== 'timelock') throw new Error(`expected the timelock route, got ${holder.route.kind}`)
    expect(holder.holder).toBe(timelock)
    const implementation = fixtures.get('PausableTargetUpgradeable')
    const plan = buildUpgradePlan({
      proxy: { name: 'lending', address: target.proxy, abi: implementation.abi },
      route,
      implementation,
      initData: '0x',
      authority: holder.route.proposer,
      timelock: { address: timelock, label: 'timelock', minDelay: holder.route.timelock.minDelay, executor: holder.route.executor, incidentId: 'upgrade-test' },
      id: 'upgrade-through-timelock',
    })
    const options = { journal: Journal.open(journalDir), accounts: [governance] }

    const first = await runBarePlan(plan, options)
    expect(first.waiting?.step).toBe('upgrade-lending')
    expect(await implementationSlot(target.proxy)).toBe(target.implementation)

    await local.chain.test.increaseTime({ seconds: Number(TWO_DAYS) })
    await local.chain.test.mine({ blocks: 1 })
    const second = await runBarePlan(plan, options)
    expect(second.waiting).toBeUndefined()
    expect(await implementationSlot(target.proxy)).toBe(plan.implementationAddress)
  })

  it('refuses to treat a transparent proxy as UUPS, naming the kind it is', async () => {
    const target = await deployTransparentTarget(local.chain, fixtures, { owner: governance.address, proxyAdminOwner: governance.address })

    const error = await readUpgradeRoute(local.chain, { name: 'lending', address: target.proxy }, 'uups').catch((caught: unknown) => caught)

    expect(error).toBeInstanceOf(WrongProxyKindError)
    expect((error as WrongProxyKindError).shortMessage).toBe(`lending (${target.proxy}) is a transparent proxy, not uups: upgrade it as transparent`)
  })

  it('refuses an address that is not a proxy', async () => {
    const error = await readUpgradeRoute(local.chain, { name: 'lending', address: governance.address }).catch((caught: unknown) => caught)

    expect((error as WrongProxyKindError).shortMessage).toMatch(/is not a proxy firebreak can upgrade/)
  })
})
