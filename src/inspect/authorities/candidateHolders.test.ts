import { type Address, keccak256, parseAbi, toHex } from 'viem'
import { privateKeyToAddress } from 'viem/accounts'
import { beforeAll, describe, expect, it } from 'vitest'
import {
  compileAuthorityFixtures,
  deployBeaconTarget,
  deployChecksummed,
  deployGovernedTarget,
  deployTransparentTarget,
} from '../../../test/fixtures/authorities.js'
import { useDrillProtocol } from '../../../test/fixtures/localChain.js'
import { devAccount } from '../../chain/devAccounts.js'
import type { Artifacts } from '../../solidity/artifacts.js'
import { detectProxy } from '../proxy.js'
import { authorityGetters, candidateHolders } from './candidateHolders.js'

const drill = useDrillProtocol()
const { actors } = drill
const PAUSER_ROLE = keccak256(toHex('PAUSER_ROLE'))
/** An address nobody ever gave anything to. */
const stranger = privateKeyToAddress(keccak256(toHex('firebreak: a stranger to every contract')))
let fixtures: Artifacts

beforeAll(async () => {
  fixtures = await compileAuthorityFixtures()
})

async function holdersOf(address: Address, abi = drill.protocol.vault.abi): Promise<Address[]> {
  return candidateHolders(drill.chain, { address, abi }, await detectProxy(drill.chain, address))
}

describe('candidateHolders', () => {
  it("lists exactly the drill vault's admin and guardian, who hold its DEFAULT_ADMIN, UPGRADER and PAUSER roles", async () => {
    const holders = await holdersOf(drill.protocol.vault.address)

    expect(holders).toEqual([actors.admin.address, actors.guardian.address])
    expect(holders).not.toContain(stranger)
    expect(holders).not.toContain(actors.attacker.address)
  })

  it('drops a role member once the role is revoked, and lists a new one', async () => {
    const vault = drill.protocol.vault
    const admin = drill.chain.wallet(actors.admin)
    for (const [functionName, account] of [
      ['revokeRole', actors.guardian.address],
      ['grantRole', actors.treasury.address],
    ] as const) {
      const hash = await admin.writeContract({ ...vault, functionName, args: [PAUSER_ROLE, account] } as never)
      await drill.chain.public.waitForTransactionReceipt({ hash })
    }

    expect(await holdersOf(vault.address)).toEqual([actors.admin.address, actors.treasury.address])
  })

  it('lists an owner, but nobody once ownership is renounced', async () => {
    const owner = devAccount(9)
    const target = await deployChecksummed(drill.chain, owner, fixtures.get('PausableTarget'), [owner.address])
    const abi = fixtures.get('PausableTarget').abi
    expect(await holdersOf(target, abi)).toEqual([owner.address])

    const hash = await drill.chain.wallet(owner).writeContract({ address: target, abi, functionName: 'renounceOwnership' } as never)
    await drill.chain.public.waitForTransactionReceipt({ hash })
    expect(await holdersOf(target, abi)).toEqual([])
  })

  it("lists a transparent proxy's owner, its ProxyAdmin and the ProxyAdmin's owner", async () => {
    const [owner, upgrader] = [devAccount(10).address, devAccount(11).address]
    const deployed = await deployTransparentTarget(drill.chain, fixtures, { owner, proxyAdminOwner: upgrader })

    expect(await holdersOf(deployed.proxy, fixtures.get('PausableTargetUpgradeable').abi)).toEqual([owner, deployed.proxyAdmin, upgrader])
  })

  it("lists a beacon proxy's owner and its beacon's owner", async () => {
    const [owner, upgrader] = [devAccount(10).address, devAccount(11).address]
    const deployed = await deployBeaconTarget(drill.chain, fixtures, { owner, beaconOwner: upgrader })

    expect(await holdersOf(deployed.proxy, fixtures.get('PausableTargetUpgradeable').abi)).toEqual([owner, upgrader])
  })

  it('lists the timelock that owns a governed contract, not the Safe behind it', async () => {
    const governed = await deployGovernedTarget(drill.chain, fixtures)

    expect(await holdersOf(governed.target, fixtures.get('PausableTarget').abi)).toEqual([governed.timelock])
  })

  it('lists nobody for an address without code', async () => {
    expect(await candidateHolders(drill.chain, { address: stranger }, { kind: 'none' })).toEqual([])
  })
})

describe('authorityGetters', () => {
  it('reads getters named for an authority, never a pending one or an asset', () => {
    const abi = parseAbi([
      'function guardian() view returns (address)',
      'function emergencyAdmin() view returns (address)',
      'function pendingOwner() view returns (address)',
      'function pendingAdmin() view returns (address)',
      'function asset() view returns (address)',
      'function owner() view returns (address)',
      'function admin(uint256 market) view returns (address)',
      'function setGuardian(address guardian)',
    ])
    expect(authorityGetters(abi)).toEqual(['guardian', 'emergencyAdmin'])
  })
})
