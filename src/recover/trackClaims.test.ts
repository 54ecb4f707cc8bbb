import { beforeAll, describe, expect, it } from 'vitest'
import { type FundedClaim, deployFundedClaim, entryAt, submitClaim } from '../../test/fixtures/claim.js'
import { useLocalChain } from '../../test/fixtures/localChain.js'
import { devAccount } from '../chain/devAccounts.js'
import { buildDistribution } from '../distribution/buildDistribution.js'
import { trackClaims } from './trackClaims.js'

const unit = 10n ** 18n
const admin = devAccount(0)
const treasury = devAccount(2)
const [alice, bob, carol] = [devAccount(4), devAccount(5), devAccount(6)]

const local = useLocalChain()
const distribution = buildDistribution([
  { account: alice.address, before: 50_000n * unit, after: 0n, loss: 50_000n * unit },
  { account: bob.address, before: 30_000n * unit, after: 0n, loss: 30_000n * unit },
  { account: carol.address, before: 15_000n * unit, after: 0n, loss: 15_000n * unit },
])
let claim: FundedClaim

beforeAll(async () => {
  claim = await deployFundedClaim(local.chain, local.artifacts, distribution, { admin, treasury: treasury.address })
})

async function claimEntry(index: number) {
  await submitClaim(local.chain, claim, entryAt(distribution, index), admin)
}

describe('trackClaims', () => {
  it('reports every entry unclaimed before anyone claims', async () => {
    const status = await trackClaims(local.chain, claim.address, distribution)

    expect(status.claimed).toEqual([])
    expect(status.unclaimed.map((entry) => entry.index)).toEqual([0, 1, 2])
    expect(status.claimedAmount).toBe(0n)
    expect(status.unclaimedAmount).toBe(95_000n * unit)
  })

  it('reports 2 claimed and 1 unclaimed, with their amounts, after two of three claims', async () => {
    await claimEntry(0)
    await claimEntry(2)

    const status = await trackClaims(local.chain, claim.address, distribution)

    expect(status.claimed).toEqual([
      { index: 0, account: alice.address, amount: 50_000n * unit },
      { index: 2, account: carol.address, amount: 15_000n * unit },
    ])
    expect(status.unclaimed).toEqual([{ index: 1, account: bob.address, amount: 30_000n * unit }])
    expect(status.claimedAmount).toBe(65_000n * unit)
    expect(status.unclaimedAmount).toBe(30_000n * unit)
  })
})
