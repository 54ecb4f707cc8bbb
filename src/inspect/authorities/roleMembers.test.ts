import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { type Abi, type Address, type Hex, getAddress, keccak256, toHex, zeroHash } from 'viem'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startCappedNode } from '../../../test/fixtures/cappedNode.js'
import { useLocalChain } from '../../../test/fixtures/localChain.js'
import { type ChainClients, connect } from '../../chain/clients.js'
import { deployContract } from '../../chain/deploy.js'
import { devAccount } from '../../chain/devAccounts.js'
import { describeAccount } from './describeAccount.js'
import { roleMembers } from './roleMembers.js'

const PROPOSER_ROLE = keccak256(toHex('PROPOSER_ROLE'))
const EXECUTOR_ROLE = keccak256(toHex('EXECUTOR_ROLE'))
const CANCELLER_ROLE = keccak256(toHex('CANCELLER_ROLE'))

/** OpenZeppelin's TimelockController as its npm package ships it. */
function timelockArtifact(): { contractName: string; abi: Abi; bytecode: Hex } {
  const file = createRequire(import.meta.url).resolve('@openzeppelin/contracts/build/contracts/TimelockController.json')
  return JSON.parse(readFileSync(file, 'utf8')) as { contractName: string; abi: Abi; bytecode: Hex }
}

const local = useLocalChain({ compile: false, snapshotEachTest: false })
const admin = devAccount(0)
const [first, second, third, fourth, fifth, sixth, seventh] = [1, 2, 3, 4, 5, 6, 7].map((index) => devAccount(index).address) as [Address, Address, Address, Address, Address, Address, Address]
let timelock: Address
let capped: { rpcUrl: string; refused(): number; stop(): Promise<void> }
let throughCap: ChainClients

beforeAll(async () => {
  const artifact = timelockArtifact()
  timelock = getAddress(await deployContract(local.chain, admin, artifact, [0n, [first], [second], admin.address]))
  const wallet = local.chain.wallet(admin)
  const change = async (functionName: 'grantRole' | 'revokeRole', role: Hex, account: Address) => {
    const hash = await wallet.writeContract({ address: timelock, abi: artifact.abi, functionName, args: [role, account] })
    await local.chain.public.waitForTransactionReceipt({ hash })
  }
  // Role changes spread over ~25 blocks, each in its own block: a node capped at 5 blocks sees them in 5 or more ranges.
  await change('grantRole', PROPOSER_ROLE, third)
  await local.chain.test.mine({ blocks: 3 })
  await change('grantRole', PROPOSER_ROLE, fourth)
  await change('revokeRole', PROPOSER_ROLE, first)
  await local.chain.test.mine({ blocks: 4 })
  await change('grantRole', EXECUTOR_ROLE, fifth)
  await change('grantRole', CANCELLER_ROLE, sixth)
  await local.chain.test.mine({ blocks: 2 })
  await change('revokeRole', EXECUTOR_ROLE, second)
  await change('grantRole', PROPOSER_ROLE, first)
  await change('grantRole', PROPOSER_ROLE, seventh)
  await local.chain.test.mine({ blocks: 6 })
  await change('revokeRole', PROPOSER_ROLE, seventh)

  capped = await startCappedNode(local.anvil.rpcUrl, 5n)
  throughCap = await connect(capped.rpcUrl)
})

afterAll(async () => {
  await capped?.stop()
})

describe('roleMembers', () => {
  it('lists exactly the current members of every role through a node that caps eth_getLogs at 5 blocks', async () => {
    const latest = await local.chain.public.getBlockNumber({ cacheTime: 0 })
    expect(latest).toBeGreaterThan(20n)

    const memberships = await roleMembers(throughCap, timelock)

    expect(memberships).toEqual([
      { role: zeroHash, members: [timelock, admin.address] },
      // The first proposer was revoked, then granted again: it holds the role; the seventh was granted and revoked.
      { role: PROPOSER_ROLE, members: [third, fourth, first] },
      { role: CANCELLER_ROLE, members: [first, sixth] },
      { role: EXECUTOR_ROLE, members: [fifth] },
    ])
    expect(capped.refused()).toBeGreaterThan(0)
    expect(await roleMembers(local.chain, timelock)).toEqual(memberships)
  })

  it('reads only the roles asked for, through the capped node', async () => {
    expect(await roleMembers(throughCap, timelock, { roles: [PROPOSER_ROLE] })).toEqual([{ role: PROPOSER_ROLE, members: [third, fourth, first] }])
  })

  it('describes the timelock’s proposers and executors through the capped node', async () => {
    expect(await describeAccount(throughCap, timelock)).toEqual({ kind: 'timelock', address: timelock, minDelay: 0n, proposers: [third, fourth, first], executors: [fifth] })
  })
})
