import { type Address, getAddress, parseAbi } from 'viem'
import { beforeAll, describe, expect, it } from 'vitest'
import { compileAuthorityFixtures, deployBeaconTarget, deployChecksummed, deployTransparentTarget } from '../../test/fixtures/authorities.js'
import { useDrillProtocol } from '../../test/fixtures/localChain.js'
import { devAccount } from '../chain/devAccounts.js'
import type { Artifacts } from '../solidity/artifacts.js'
import { detectProxy } from './proxy.js'

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
})
