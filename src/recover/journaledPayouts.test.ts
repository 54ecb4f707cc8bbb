import { encodeFunctionData, erc20Abi, getAddress } from 'viem'
import { describe, expect, it } from 'vitest'
import { journaledPayouts } from './journaledPayouts.js'

const token = getAddress('0x1000000000000000000000000000000000000001')
const alice = getAddress('0x2000000000000000000000000000000000000002')
const bob = getAddress('0x3000000000000000000000000000000000000003')
const sha256 = `0x${'ab'.repeat(32)}` as const
const root = `0x${'cd'.repeat(32)}` as const
const transfer = (account: string, amount: bigint) => ({ to: token, data: encodeFunctionData({ abi: erc20Abi, functionName: 'transfer', args: [account as `0x${string}`, amount] }), value: '0' })

function journal(lossesSha256: string, mode: 'transfers' | 'merkle' = 'transfers') {
  const planId = `recover-reimburse-${mode}-cdcdcdcd`
  return [
    { type: 'distribution.built', data: { root, file: 'distribution-cdcdcdcd.json', lossesFile: { file: 'drained.csv', sha256: lossesSha256 } } },
    { type: 'reimburse.planned', data: { planId, mode, root } },
    {
      type: 'plan.built',
      data: {
        planId,
        steps:
          mode === 'transfers'
            ? [
                { stepId: 'transfer-0', calls: [transfer(alice, 5n)] },
                { stepId: 'transfer-1', calls: [transfer(bob, 7n)] },
              ]
            : [{ stepId: 'deploy-claim', calls: [] }, { stepId: 'fund-claim', calls: [] }],
      },
    },
    { type: 'step.sent', data: { planId, stepId: mode === 'transfers' ? 'transfer-0' : 'fund-claim', txHash: '0xaa' } },
    { type: 'step.done', data: { planId, stepId: mode === 'transfers' ? 'transfer-0' : 'fund-claim', txHash: '0xaa', blockNumber: '9' } },
  ]
}

const noDistribution = () => {
  throw new Error('no distribution file expected')
}

describe('journaledPayouts', () => {
  it('names each account a sent step of a transfer plan paid, with its transaction, and none of a step never sent', () => {
    expect(journaledPayouts(journal(sha256), { incident: 'case-1', lossesSha256: sha256, distributionEntries: noDistribution })).toEqual([
      { kind: 'transfer', incident: 'case-1', planId: 'recover-reimburse-transfers-cdcdcdcd', stepId: 'transfer-0', accounts: [{ account: alice, amount: 5n }], txHashes: ['0xaa'], done: true, root },
    ])
  })

  it('knows nothing of the payouts of another losses file', () => {
    expect(journaledPayouts(journal(`0x${'ef'.repeat(32)}`), { incident: 'case-1', lossesSha256: sha256, distributionEntries: noDistribution })).toEqual([])
  })

  it('counts a funded claim as paying every account of its published distribution', () => {
    const [payout] = journaledPayouts(journal(sha256, 'merkle'), { incident: 'case-2', lossesSha256: sha256, distributionEntries: () => [{ account: alice, amount: 5n }, { account: bob, amount: 7n }] })
    expect(payout).toMatchObject({ kind: 'claim', stepId: 'fund-claim', accounts: [{ account: alice, amount: 5n }, { account: bob, amount: 7n }], done: true })
  })
})
