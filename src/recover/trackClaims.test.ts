import { type Abi, type Address, type Hex } from 'viem'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { type Anvil, startAnvil } from '../chain/anvil.js'
import { type ChainClients, connect } from '../chain/clients.js'
import { deployContract } from '../chain/deploy.js'
import { devAccount } from '../chain/devAccounts.js'
import { compileContracts } from '../solidity/compile.js'
import { type Distribution, buildDistribution } from './buildDistribution.js'
import { trackClaims } from './trackClaims.js'

const unit = 10n ** 18n
const admin = devAccount(0)
const treasury = devAccount(2)
const [alice, bob, carol] = [devAccount(4), devAccount(5), devAccount(6)]

let anvil: Anvil
let chain: ChainClients
let claimAbi: Abi
let claim: Address
let distribution: Distribution
let snapshot: Hex

beforeAll(async () => {
  anvil = await startAnvil()
  chain = await connect(anvil.rpcUrl)
  const { artifacts } = compileContracts()
  claimAbi = artifacts.get('ReimbursementClaim').abi
  distribution = buildDistribution([
    { account: alice.address, before: 50_000n * unit, after: 0n, loss: 50_000n * unit },
    { account: bob.address, before: 30_000n * unit, after: 0n, loss: 30_000n * unit },
    { account: carol.address, before: 15_000n * unit, after: 0n, loss: 15_000n * unit },
  ])
  const deadline = (await chain.public.getBlock()).timestamp + 86_400n
  const tokenArtifact = artifacts.get('DrillToken')
  const token = await deployContract(chain, admin, tokenArtifact, [admin.address])
  claim = await deployContract(chain, admin, artifacts.get('ReimbursementClaim'), [token, distribution.root, deadline, treasury.address])
  const hash = await chain.wallet(admin).writeContract({ address: token, abi: tokenArtifact.abi, functionName: 'mint', args: [claim, distribution.total] })
  await chain.public.waitForTransactionReceipt({ hash })
})

afterAll(async () => {
  await anvil?.stop()
})

beforeEach(async () => {
  snapshot = await chain.test.snapshot()
})

afterEach(async () => {
  await chain.test.revert({ id: snapshot })
})

async function claimEntry(index: number) {
  const entry = distribution.entries[index]
  if (!entry) throw new Error(`no entry ${index}`)
  const hash = await chain.wallet(admin).writeContract({
    address: claim,
    abi: claimAbi,
    functionName: 'claim',
    args: [BigInt(entry.index), entry.account, entry.amount, entry.proof],
  })
  await chain.public.waitForTransactionReceipt({ hash })
}

describe('trackClaims', () => {
  it('reports every entry unclaimed before anyone claims', async () => {
    const status = await trackClaims(chain, claim, distribution)

    expect(status.claimed).toEqual([])
    expect(status.unclaimed.map((entry) => entry.index)).toEqual([0, 1, 2])
    expect(status.claimedAmount).toBe(0n)
    expect(status.unclaimedAmount).toBe(95_000n * unit)
  })

  it('reports 2 claimed and 1 unclaimed, with their amounts, after two of three claims', async () => {
    await claimEntry(0)
    await claimEntry(2)

    const status = await trackClaims(chain, claim, distribution)

    expect(status.claimed).toEqual([
      { index: 0, account: alice.address, amount: 50_000n * unit },
      { index: 2, account: carol.address, amount: 15_000n * unit },
    ])
    expect(status.unclaimed).toEqual([{ index: 1, account: bob.address, amount: 30_000n * unit }])
    expect(status.claimedAmount).toBe(65_000n * unit)
    expect(status.unclaimedAmount).toBe(30_000n * unit)
  })
})
