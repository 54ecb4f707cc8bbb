import { join } from 'node:path'
import { type Address, getAddress, zeroAddress } from 'viem'
import { generatePrivateKey, privateKeyToAddress } from 'viem/accounts'
import { beforeAll, describe, expect, it } from 'vitest'
import { depositAll } from '../src/drill/scenario.js'
import { deployProtocol } from '../src/drill/deployProtocol.js'
import { drillActors } from '../src/drill/actors.js'
import { inspectProtocol } from '../src/inspect/inspectProtocol.js'
import type { ContractInspection, Inspection } from '../src/inspect/types.js'
import { packageRoot } from '../src/packageRoot.js'
import { compileContracts } from '../src/solidity/compile.js'
import { TWO_DAYS, compileAuthorityFixtures, deployBeaconTarget, deployChecksummed, deployGovernedTarget, deployTransparentTarget, type GovernedTarget } from './fixtures/authorities.js'
import { useLocalChain } from './fixtures/localChain.js'

const local = useLocalChain({ snapshotEachTest: false })
const actors = drillActors()
const stranger: Address = privateKeyToAddress(generatePrivateKey())

let inspection: Inspection
let governed: GovernedTarget
let transparent: Awaited<ReturnType<typeof deployTransparentTarget>>
let beacon: Awaited<ReturnType<typeof deployBeaconTarget>>

const contract = (name: string): ContractInspection => {
  const found = inspection.contracts.find((candidate) => candidate.name === name)
  if (!found) throw new Error(`no contract ${name} in the inspection`)
  return found
}

/** signature → who holds it (last node of each path), or the confirmation status when nobody does. */
function holders(name: string): Record<string, string[] | string> {
  return Object.fromEntries(
    contract(name).levers.map((access) => [
      access.lever.signature,
      access.lever.confirmation.status === 'confirmed' ? [...new Set(access.paths.map((path) => path.nodes.at(-1)?.address as string))] : access.lever.confirmation.status,
    ]),
  )
}

beforeAll(async () => {
  const { chain, artifacts } = local
  const protocol = await deployProtocol(chain, artifacts, actors)
  await depositAll(chain, protocol, actors)
  const fixtures = await compileAuthorityFixtures()
  const leverFixtures = (await compileContracts({ sourcesDir: join(packageRoot, 'test', 'contracts', 'levers') })).artifacts
  governed = await deployGovernedTarget(chain, fixtures)
  transparent = await deployTransparentTarget(chain, fixtures, { owner: actors.guardian.address, proxyAdminOwner: actors.admin.address })
  beacon = await deployBeaconTarget(chain, fixtures, { owner: actors.guardian.address, beaconOwner: actors.admin.address })
  const plain = await deployChecksummed(chain, actors.admin, leverFixtures.get('PlainToken'), [actors.admin.address, 10n ** 24n])
  const upgradeable = fixtures.get('PausableTargetUpgradeable').abi

  inspection = await inspectProtocol(chain, {
    targets: [
      { name: 'vault', address: protocol.vault.address, abi: protocol.vault.abi },
      { name: 'governed', address: governed.target, abi: fixtures.get('PausableTarget').abi },
      { name: 'transparent', address: transparent.proxy, abi: upgradeable },
      { name: 'beacon', address: beacon.proxy, abi: upgradeable },
      { name: 'plain', address: plain, abi: leverFixtures.get('PlainToken').abi },
      { name: 'plain-from-bytecode', address: plain },
      { name: 'nothing-here', address: stranger },
      { name: 'wrong-abi', address: plain, abi: protocol.vault.abi },
    ],
    authorities: [
      { name: 'governance', address: actors.admin.address },
      { name: 'guardian', address: actors.guardian.address },
    ],
  })
})

describe('firebreak inspect on the drill deployment', () => {
  it('finds exactly the vault\'s levers and who holds each', () => {
    expect(holders('vault')).toEqual({
      'pause()': [actors.guardian.address],
      'unpause()': [actors.admin.address],
      'setDepositCap(uint256)': [actors.admin.address],
      'revokeRole(bytes32,address)': [actors.admin.address],
      'renounceRole(bytes32,address)': 'self-service',
      'upgradeToAndCall(address,bytes)': [actors.admin.address],
    })
  })

  it('sees the UUPS proxy and contains the vault in one block through the guardian\'s key', () => {
    expect(contract('vault').proxy.kind).toBe('uups')
    expect(contract('vault').timeToContain?.seconds).toBe(12)
    expect(contract('vault').timeToContain?.description).toContain('guardian')
  })

  it('flags the unpause as easy as the pause, and nothing graver, on the vault', () => {
    const codes = inspection.findings.filter((finding) => finding.contract === 'vault').map((finding) => `${finding.severity}:${finding.code}`)
    expect(codes).toEqual(['medium:unpause-as-easy-as-pause'])
  })
})

describe('firebreak inspect on real Safe, timelock and proxy contracts', () => {
  it('follows the pause of a timelock-owned contract out to the 2-of-3 Safe, with its delay', () => {
    const pause = contract('governed').levers.find((access) => access.lever.signature === 'pause()')
    expect(pause?.paths).toHaveLength(1)
    const [safe, timelock] = pause?.paths[0]?.nodes ?? []
    expect(safe).toMatchObject({ kind: 'safe', address: governed.safe, threshold: 2, owners: governed.safeOwners })
    expect(timelock).toMatchObject({ kind: 'timelock', address: governed.timelock, minDelay: TWO_DAYS, proposers: [governed.safe], executors: [zeroAddress] })
    expect(pause?.fastest?.seconds).toBe(2 * 15 * 60 + Number(TWO_DAYS) + 12)
  })

  it('reports that pausing it waits for the timelock', () => {
    const finding = inspection.findings.find((candidate) => candidate.contract === 'governed' && candidate.code === 'pause-behind-timelock')
    expect(finding?.severity).toBe('high')
  })

  it('reads a transparent proxy\'s ProxyAdmin and a beacon proxy\'s beacon', () => {
    expect(contract('transparent').proxy).toEqual({ kind: 'transparent', implementation: transparent.implementation, admin: getAddress(transparent.proxyAdmin) })
    expect(contract('beacon').proxy).toEqual({ kind: 'beacon', implementation: beacon.implementation, beacon: beacon.beacon })
    expect(holders('transparent')['pause()']).toEqual([actors.guardian.address])
    expect(holders('beacon')['pause()']).toEqual([actors.guardian.address])
  })

  it('finds the upgrade levers on the ProxyAdmin and the beacon, held by their owner', () => {
    const upgrade = (name: string) => contract(name).levers.find((access) => access.lever.kind === 'upgrade')
    expect(upgrade('transparent')?.lever).toMatchObject({ signature: 'upgradeAndCall(address,address,bytes)', address: getAddress(transparent.proxyAdmin) })
    expect(holders('transparent')['upgradeAndCall(address,address,bytes)']).toEqual([actors.admin.address])
    expect(upgrade('beacon')?.lever).toMatchObject({ signature: 'upgradeTo(address)', address: beacon.beacon })
    expect(holders('beacon')['upgradeTo(address)']).toEqual([actors.admin.address])
  })
})

describe('negatives and bad input', () => {
  it('reports a contract with no lever as having none, from its ABI and from its bytecode', () => {
    expect(contract('plain').levers).toEqual([])
    expect(contract('plain-from-bytecode').levers).toEqual([])
    expect(inspection.findings.filter((finding) => finding.contract === 'plain').map((finding) => finding.code)).toEqual(['no-pause-lever'])
  })

  it('never lists a random address as an authority', () => {
    const everyone = inspection.contracts.flatMap((inspected) => inspected.levers.flatMap((access) => access.paths.flatMap((path) => path.nodes.map((node) => node.address))))
    expect(everyone).not.toContain(stranger)
    expect(new Set(everyone)).toEqual(new Set([actors.admin.address, actors.guardian.address, governed.safe, governed.timelock]))
  })

  it('names an address with no code, and still reports every other contract', () => {
    expect(contract('nothing-here').error).toBe(`no code at ${stranger} (wrong address or wrong chain?)`)
    expect(contract('vault').levers.length).toBe(6)
  })

  it('refuses an ABI that does not match the bytecode, naming the contract', () => {
    expect(contract('wrong-abi').error).toMatch(/^the ABI given for wrong-abi does not match its bytecode: \d+ of \d+ functions are not in the code$/)
    expect(contract('wrong-abi').levers).toEqual([])
  })
})
