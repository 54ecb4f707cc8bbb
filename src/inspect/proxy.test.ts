import { type Address, getAddress, pad, parseAbi } from 'viem'
import { beforeAll, describe, expect, it } from 'vitest'
import { compileAuthorityFixtures, deployBeaconTarget, deployChecksummed, deployTransparentTarget } from '../../test/fixtures/authorities.js'
import { useDrillProtocol } from '../../test/fixtures/localChain.js'
import { devAccount } from '../chain/devAccounts.js'
import type { Artifacts } from '../solidity/artifacts.js'
import { ZEPPELINOS_ADMIN_SLOT, ZEPPELINOS_IMPLEMENTATION_SLOT, detectProxy } from './proxy.js'

const drill = useDrillProtocol()
const governance = devAccount(9).address
let fixtures: Artifacts

beforeAll(async () => {
  fixtures = await compileAuthorityFixtures()
})

describe('detectProxy', () => {
  it("finds the drill vault's UUPS implementation through ERC-1822", async () => {
    const proxy = await detectProxy(drill.chain, drill.protocol.vault.address)
    expect(proxy).toEqual({ kind: 'uups', implementation: getAddress(drill.protocol.implementationV1) })
  })

  it('finds the ProxyAdmin that an OpenZeppelin 5 transparent proxy deploys for itself', async () => {
    const deployed = await deployTransparentTarget(drill.chain, fixtures, { owner: governance, proxyAdminOwner: governance })
    const proxy = await detectProxy(drill.chain, deployed.proxy)

    expect(proxy).toEqual({ kind: 'transparent', implementation: deployed.implementation, admin: deployed.proxyAdmin })
    const adminOwner = await drill.chain.public.readContract({ address: deployed.proxyAdmin, abi: parseAbi(['function owner() view returns (address)']), functionName: 'owner' })
    expect(adminOwner).toBe(governance)
  })

  it("reads a beacon proxy's implementation from its UpgradeableBeacon", async () => {
    const deployed = await deployBeaconTarget(drill.chain, fixtures, { owner: governance, beaconOwner: governance })

    expect(await detectProxy(drill.chain, deployed.proxy)).toEqual({ kind: 'beacon', implementation: deployed.implementation, beacon: deployed.beacon })
  })

  it('reports an ordinary contract, an implementation and an EOA as no proxy', async () => {
    const plain: Address = await deployChecksummed(drill.chain, devAccount(0), fixtures.get('PausableTarget'), [governance])

    expect(await detectProxy(drill.chain, plain)).toEqual({ kind: 'none' })
    expect(await detectProxy(drill.chain, drill.protocol.implementationV1)).toEqual({ kind: 'none' })
    expect(await detectProxy(drill.chain, drill.protocol.token.address)).toEqual({ kind: 'none' })
    expect(await detectProxy(drill.chain, governance)).toEqual({ kind: 'none' })
  })

  it("reads OpenZeppelin's pre-EIP-1967 slots as a transparent proxy of that layout", async () => {
    const deployed = await deployTransparentTarget(drill.chain, fixtures, { owner: governance, proxyAdminOwner: governance })
    const legacy = drill.protocol.token.address
    const slot = (address: Address) => pad(address, { size: 32 })
    await drill.chain.test.setStorageAt({ address: legacy, index: ZEPPELINOS_IMPLEMENTATION_SLOT, value: slot(deployed.implementation) })
    await drill.chain.test.setStorageAt({ address: legacy, index: ZEPPELINOS_ADMIN_SLOT, value: slot(deployed.proxyAdmin) })

    expect(await detectProxy(drill.chain, legacy)).toEqual({ kind: 'transparent', implementation: deployed.implementation, admin: deployed.proxyAdmin, layout: 'zeppelinos' })
  })

  it('does not take a contract whose slot 0 holds a contract address (an owner) for a Safe-style proxy', async () => {
    const owned: Address = await deployChecksummed(drill.chain, devAccount(0), fixtures.get('PausableTarget'), [drill.protocol.vault.address])

    expect(await detectProxy(drill.chain, owned)).toEqual({ kind: 'none' })
  })
})
