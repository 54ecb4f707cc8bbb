import { type Address, getAddress } from 'viem'
import { describe, expect, it } from 'vitest'
import { PolicyExceedsFundsError, checkFunds } from './checkFunds.js'
import { type PolicyInput, applyPolicy, describePolicy, reimbursementPolicy } from './policy.js'

const unit = 10n ** 18n
const alice = getAddress('0x15d34aaf54267db7d7c367839aaf71a00a2c6a65')
const bob = getAddress('0x9965507d1a55bcc2695c58ba16fb37d819b0a4dc')
const carol = getAddress('0x976ea74026e726554db657fa54763abd0c3a0aa9')
const dave = getAddress('0x14dc79964da2c08b23698b3d3cc7ca32193d9955')

/** The drill's victims: 95,000 dUSD lost in all. */
const drained: PolicyInput[] = [
  { account: alice, loss: 50_000n * unit },
  { account: bob, loss: 30_000n * unit },
  { account: carol, loss: 15_000n * unit },
]

const amounts = (result: ReturnType<typeof applyPolicy>) => result.payouts.map((payout) => [payout.account, payout.amount])

describe('applyPolicy', () => {
  it('pays every account its whole loss under the full policy', () => {
    const result = applyPolicy(drained, reimbursementPolicy())

    expect(amounts(result)).toEqual([
      [alice, 50_000n * unit],
      [bob, 30_000n * unit],
      [carol, 15_000n * unit],
    ])
    expect(result.total).toBe(95_000n * unit)
    expect(result.description).toBe('full')
  })

  it('shares half the drained amount recovered as half of each loss, pro-rata', () => {
    const result = applyPolicy(drained, reimbursementPolicy({ proRata: 47_500n * unit }))

    expect(amounts(result)).toEqual([
      [alice, 25_000n * unit],
      [bob, 15_000n * unit],
      [carol, 7_500n * unit],
    ])
    expect(result.total).toBe(47_500n * unit)
    expect(result.dust).toBe(0n)
  })

  it('rounds each share down and leaves the dust unpaid: 2 units shared by three equal losses pay nobody', () => {
    const result = applyPolicy(
      [
        { account: alice, loss: 1n },
        { account: bob, loss: 1n },
        { account: carol, loss: 1n },
      ],
      reimbursementPolicy({ proRata: 2n }),
    )

    expect(result.payouts).toEqual([])
    expect(result.dust).toBe(2n)
    expect(result.unpaid.map((row) => row.reason)).toEqual(['its share rounds down to 0', 'its share rounds down to 0', 'its share rounds down to 0'])
  })

  it('pays the losses and no more when more was recovered than was lost', () => {
    const result = applyPolicy(drained, reimbursementPolicy({ proRata: 1_000_000n * unit }))

    expect(result.total).toBe(95_000n * unit)
    expect(result.dust).toBe(0n)
  })

  it('never pays more than recovered, nor any account more than its loss, over 2,000 random loss tables', () => {
    // A fixed seed: a failure here is reproducible, and the cases are the same on every run.
    const random = xorshift(0x5eed_f1a3n)
    const failures: string[] = []
    for (let run = 0; run < 2_000; run++) {
      const count = Number(random() % 40n) + 1
      const losses: PolicyInput[] = Array.from({ length: count }, (_, index) => ({
        account: accountNumber(index),
        // From dust-sized to 10^27 (a billion tokens of 18 decimals): the range where rounding and overflow would show.
        loss: random() % 10n ** (random() % 28n),
      }))
      const lossTotal = losses.reduce((sum, row) => sum + row.loss, 0n)
      const recovered = lossTotal === 0n ? random() % 100n : random() % (lossTotal * 2n + 1n)
      const minimum = run % 3 === 0 ? random() % (lossTotal / BigInt(count) + 1n) : undefined
      const cap = run % 4 === 0 ? random() % (lossTotal + 1n) : undefined

      const result = applyPolicy(losses, reimbursementPolicy({ proRata: recovered, minimum, cap }))

      // Collected rather than asserted one by one: a failure shows the case that broke, and 2,000 runs stay fast.
      const broken = [
        result.total > recovered && `pays ${result.total}, more than the ${recovered} recovered`,
        result.total + result.dust > recovered && `pays ${result.total} plus dust ${result.dust}, more than the ${recovered} recovered`,
        result.dust >= BigInt(count) && `leaves dust ${result.dust}, a unit or more per account`,
        minimum === undefined && cap === undefined && recovered >= lossTotal && result.total !== lossTotal && `pays ${result.total} of ${lossTotal} lost although ${recovered} was recovered`,
        ...result.payouts.flatMap((payout) => [
          payout.amount <= 0n && `pays ${payout.account} nothing but lists it`,
          payout.amount > payout.loss && `pays ${payout.account} ${payout.amount}, more than its loss ${payout.loss}`,
          cap !== undefined && payout.amount > cap && `pays ${payout.account} ${payout.amount}, over the cap ${cap}`,
          minimum !== undefined && payout.loss < minimum && `pays ${payout.account}, whose loss ${payout.loss} is under the minimum ${minimum}`,
        ]),
      ].filter(Boolean)
      if (broken.length) failures.push(`run ${run} (${count} accounts, recovered ${recovered}): ${broken.join('; ')}`)
    }
    expect(failures).toEqual([])
  })

  it('leaves out losses under the minimum, and shares what was recovered among the others only', () => {
    const result = applyPolicy([...drained, { account: dave, loss: 10n * unit }], reimbursementPolicy({ minimum: 100n * unit, proRata: 47_500n * unit }))

    expect(amounts(result)).toEqual([
      [alice, 25_000n * unit],
      [bob, 15_000n * unit],
      [carol, 7_500n * unit],
    ])
    expect(result.unpaid).toEqual([{ account: dave, loss: 10n * unit, reason: `its loss is under the minimum of ${100n * unit}` }])
  })

  it('caps each account before sharing pro-rata, so what the cap frees goes to the others', () => {
    const result = applyPolicy(drained, reimbursementPolicy({ cap: 20_000n * unit, proRata: 50_000n * unit }))

    // Claimable after the cap: 20k + 20k + 15k = 55k; 50k of it is paid in proportion.
    expect(amounts(result)).toEqual([
      [alice, (20_000n * unit * 50_000n) / 55_000n],
      [bob, (20_000n * unit * 50_000n) / 55_000n],
      [carol, (15_000n * unit * 50_000n) / 55_000n],
    ])
    expect(result.total).toBeLessThanOrEqual(50_000n * unit)
    expect(50_000n * unit - result.total).toBe(result.dust)
  })

  it('applies the stages in a fixed order, whatever order the options were given in', () => {
    expect(describePolicy(reimbursementPolicy({ proRata: 5n, cap: 3n, minimum: 1n }))).toBe('minimum loss 1 → cap 3 per account → pro-rata to 5 recovered')
  })

  it('refuses a negative cap with a message that says what to give instead', () => {
    expect(() => applyPolicy(drained, [{ kind: 'cap', cap: -1n }])).toThrow("the policy's cap is negative (-1): give an amount of 0 or more in the token's base units")
  })
})

describe('checkFunds', () => {
  it('refuses a policy that pays more than the treasury holds, saying how much is missing', () => {
    const policy = applyPolicy(drained, reimbursementPolicy())

    const refusal = () => checkFunds({ policy, available: 90_000n * unit, funder: 'treasury 0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC', asset: { symbol: 'dUSD', decimals: 18 }, lossesFile: 'losses.csv' })

    expect(refusal).toThrow(PolicyExceedsFundsError)
    expect(refusal).toThrow(
      'policy "full" for losses.csv pays 95,000 dUSD (95000000000000000000000) to 3 accounts, but treasury 0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC has only 90,000 dUSD (90000000000000000000000): fund it with 5,000 dUSD (5000000000000000000000) more, or reimburse pro-rata to at most 90000000000000000000000',
    )
  })

  it('accepts a policy that pays exactly what is available', () => {
    const policy = applyPolicy(drained, reimbursementPolicy())

    expect(() => checkFunds({ policy, available: 95_000n * unit, funder: 'treasury' })).not.toThrow()
  })
})

function xorshift(seed: bigint): () => bigint {
  let state = seed
  const mask = (1n << 64n) - 1n
  return () => {
    state ^= (state << 13n) & mask
    state ^= state >> 7n
    state ^= (state << 17n) & mask
    return state
  }
}

function accountNumber(index: number): Address {
  return getAddress(`0x${(index + 1).toString(16).padStart(40, '0')}`)
}
