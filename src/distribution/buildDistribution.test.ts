import { StandardMerkleTree } from '@openzeppelin/merkle-tree'
import { type Address, erc20Abi } from 'viem'
import { beforeAll, describe, expect, it } from 'vitest'
import { type FundedClaim, deployFundedClaim, entryAt, submitClaim } from '../../test/fixtures/claim.js'
import { useLocalChain } from '../../test/fixtures/localChain.js'
import { devAccount } from '../chain/devAccounts.js'
import { type DecodedRevert, decodeRevert } from '../chain/revert.js'
import { buildDistribution, rootOfDump } from './buildDistribution.js'
import type { AccountLoss } from '../recover/computeLosses.js'

const unit = 10n ** 18n
const admin = devAccount(0)
const treasury = devAccount(2)
const alice = devAccount(4)
const bob = devAccount(5)
const carol = devAccount(6)

const losses: AccountLoss[] = [
  { account: alice.address, before: 50_000n * unit, after: 0n, loss: 50_000n * unit },
  { account: bob.address, before: 30_000n * unit, after: 0n, loss: 30_000n * unit },
  { account: carol.address, before: 15_000n * unit, after: 0n, loss: 15_000n * unit },
]

describe('buildDistribution (pure)', () => {
  it('has the root OpenZeppelin StandardMerkleTree gives for (index, account, amount) leaves', () => {
    const distribution = buildDistribution(losses)
    const reference = StandardMerkleTree.of(
      [
        [0n, alice.address, 50_000n * unit],
        [1n, bob.address, 30_000n * unit],
        [2n, carol.address, 15_000n * unit],
      ],
      ['uint256', 'address', 'uint256'],
    )

    expect(distribution.root).toBe(reference.root)
    expect(distribution.total).toBe(95_000n * unit)
    expect(distribution.entries.map(({ index, account, amount }) => [index, account, amount])).toEqual([
      [0, alice.address, 50_000n * unit],
      [1, bob.address, 30_000n * unit],
      [2, carol.address, 15_000n * unit],
    ])
    for (const entry of distribution.entries) {
      expect(StandardMerkleTree.verify(reference.root, ['uint256', 'address', 'uint256'], [BigInt(entry.index), entry.account, entry.amount], entry.proof)).toBe(true)
    }
  })

  it('publishes a dump from which anyone rebuilds the same root, also after a JSON round trip', () => {
    const distribution = buildDistribution(losses)
    const published = JSON.parse(JSON.stringify(distribution.dump, (_, value) => (typeof value === 'bigint' ? value.toString() : value)))

    expect(rootOfDump(distribution.dump)).toBe(distribution.root)
    expect(rootOfDump(published)).toBe(distribution.root)
  })

  it('refuses a dump whose amount was edited without rebuilding the tree', () => {
    const distribution = buildDistribution(losses)
    const edited = structuredClone(distribution.dump)
    const first = edited.values[0]
    if (!first) throw new Error('the dump has no values')
    first.value[2] = 500_000n * unit

    expect(() => rootOfDump(edited)).toThrow('Merkle tree does not contain the expected value')
  })

  it('gives a different root for a dump whose amount was edited and whose tree was rebuilt', () => {
    const distribution = buildDistribution(losses)
    const inflated = buildDistribution(losses.map((row) => (row.account === alice.address ? { ...row, loss: 500_000n * unit } : row)))

    expect(rootOfDump(inflated.dump)).toBe(inflated.root)
    expect(rootOfDump(inflated.dump)).not.toBe(distribution.root)
  })
})

describe('ReimbursementClaim paying a distribution', () => {
  const local = useLocalChain()
  const distribution = buildDistribution(losses)
  let claim: FundedClaim

  const balanceOf = (account: Address) => local.chain.public.readContract({ address: claim.token, abi: erc20Abi, functionName: 'balanceOf', args: [account] })

  async function revertOf(attempt: Promise<unknown>): Promise<DecodedRevert> {
    try {
      await attempt
    } catch (error) {
      return decodeRevert(error, [claim.abi])
    }
    throw new Error('expected a revert')
  }

  beforeAll(async () => {
    claim = await deployFundedClaim(local.chain, local.artifacts, distribution, { admin, treasury: treasury.address })
  })

  it('pays every entry exactly its amount against its proof, emptying the contract', async () => {
    for (const entry of distribution.entries) {
      const before = await balanceOf(entry.account)
      const receipt = await submitClaim(local.chain, claim, entry, devAccount(entry.index + 4))
      expect(receipt.status).toBe('success')
      expect((await balanceOf(entry.account)) - before).toBe(entry.amount)
    }
    expect(await balanceOf(claim.address)).toBe(0n)
  })

  it('lets anyone submit a claim on the account\'s behalf, paying the account', async () => {
    const bobsEntry = entryAt(distribution, 1)
    const before = await balanceOf(bob.address)

    await submitClaim(local.chain, claim, bobsEntry, admin)

    expect((await balanceOf(bob.address)) - before).toBe(30_000n * unit)
    expect(await balanceOf(admin.address)).toBe(0n)
  })

  it('refuses a second claim of the same index with AlreadyClaimed', async () => {
    const first = entryAt(distribution, 0)
    await submitClaim(local.chain, claim, first, admin)

    const revert = await revertOf(submitClaim(local.chain, claim, first, alice))

    expect(revert.name).toBe('AlreadyClaimed')
    expect(revert.text).toBe('AlreadyClaimed(0)')
    expect(await balanceOf(alice.address)).toBe(50_000n * unit)
  })

  it('refuses a proof for one account presented with another account\'s address with InvalidProof', async () => {
    const alicesEntry = entryAt(distribution, 0)

    const revert = await revertOf(submitClaim(local.chain, claim, { ...alicesEntry, account: carol.address }, carol))

    expect(revert.name).toBe('InvalidProof')
    expect(await balanceOf(carol.address)).toBe(0n)
    expect(await balanceOf(claim.address)).toBe(95_000n * unit)
  })

  it('keeps the funds until the deadline, then sweeps the remainder to the treasury and closes claims', async () => {
    await submitClaim(local.chain, claim, entryAt(distribution, 0), admin)
    const early = await revertOf(
      local.chain.wallet(admin).writeContract({ address: claim.address, abi: claim.abi, functionName: 'sweep' }),
    )
    expect(early.name).toBe('ClaimWindowOpen')

    const now = (await local.chain.public.getBlock()).timestamp
    await local.chain.test.increaseTime({ seconds: Number(claim.deadline - now) + 1 })
    await local.chain.test.mine({ blocks: 1 })
    const treasuryBefore = await balanceOf(treasury.address)
    const hash = await local.chain.wallet(admin).writeContract({ address: claim.address, abi: claim.abi, functionName: 'sweep' })
    await local.chain.public.waitForTransactionReceipt({ hash })

    expect((await balanceOf(treasury.address)) - treasuryBefore).toBe(45_000n * unit)
    expect(await balanceOf(claim.address)).toBe(0n)
    const late = await revertOf(submitClaim(local.chain, claim, entryAt(distribution, 1), bob))
    expect(late.name).toBe('ClaimWindowClosed')
    expect(late.text).toBe(`ClaimWindowClosed(${claim.deadline})`)
  })
})
