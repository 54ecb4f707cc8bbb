import { describe, expect, it } from 'vitest'
import type { JournalEntry } from '../journal/hashChain.js'
import { type StoredSafeTransaction, buildIncidentView, timelineRow } from './incidentView.js'

const A = '0x00000000000000000000000000000000000000a1'
const B = '0x00000000000000000000000000000000000000b2'
const C = '0x00000000000000000000000000000000000000c3'
const HASH = `0x${'11'.repeat(32)}`

function journal(...entries: [string, Record<string, unknown>][]): JournalEntry[] {
  return entries.map(([type, data], seq) => ({ seq, time: `2026-12-03T10:00:0${seq}Z`, type, data: data as JournalEntry['data'], prev: '0x', hash: '0x' }))
}

const step = (stepId: string) => ({ stepId, title: stepId, decoded: `vault.${stepId}()`, authority: { kind: 'safe', address: A, label: 'council' }, calls: [], postconditions: [] })

const stored: StoredSafeTransaction = {
  planId: 'p',
  stepId: 'pause',
  title: 'pause the vault',
  chainId: 31337,
  safe: C,
  safeVersion: '1.4.1',
  nonce: '0',
  to: B,
  value: '0',
  data: '0x8456cb59',
  operation: 'CALL',
  actions: [{ text: 'vault.pause()', to: B, value: '0', data: '0x8456cb59' }],
  domainHash: HASH,
  messageHash: HASH,
  safeTxHash: HASH,
  owners: [A, B, C],
  threshold: 2,
}

describe('buildIncidentView', () => {
  it("gives each step its latest state in journal order: a sent and mined step done, a Safe's step waiting", () => {
    const entries = journal(
      ['incident.opened', { id: 'drain', title: 'vault drain' }],
      ['plan.built', { planId: 'p', phase: 'contain', title: 'pause', steps: [step('freeze'), step('pause')] }],
      ['plan.simulated', { planId: 'p', ok: true, forkBlock: '5', steps: [{ stepId: 'freeze' }, { stepId: 'pause' }] }],
      ['step.sent', { planId: 'p', stepId: 'freeze', txHash: HASH }],
      ['step.done', { planId: 'p', stepId: 'freeze', txHash: HASH, blockNumber: '6' }],
      ['step.waiting', { planId: 'p', stepId: 'pause', signatures: {} }],
    )

    const view = buildIncidentView({ entries, safeTransactions: new Map(), storedSigners: new Map() })

    expect(view.incident).toEqual({ id: 'drain', title: 'vault drain' })
    expect(view.plans[0]!.steps.map((each) => [each.stepId, each.state])).toEqual([
      ['freeze', 'done'],
      ['pause', 'waiting'],
    ])
  })

  it('counts each owner once, from journaled approvals and stored signature files alike, and no one who is not an owner', () => {
    const entries = journal(
      ['safe.proposed', { planId: 'p', stepId: 'pause', safe: C, nonce: '0', safeTxHash: HASH, domainHash: HASH, messageHash: HASH, file: 'x', transactionBuilderFile: 'y' }],
      ['safe.approved', { planId: 'p', stepId: 'pause', safeTxHash: HASH, owner: A, kind: 'eip712', source: 'key' }],
    )
    const storedSigners = new Map([[HASH, [A.toUpperCase().replace('0X', '0x'), B, '0x00000000000000000000000000000000000000d4']]])

    const [transaction] = buildIncidentView({ entries, safeTransactions: new Map([[HASH, stored]]), storedSigners }).safeTransactions

    expect(transaction!.signed).toEqual([A, B])
    expect(transaction!.threshold).toBe(2)
    expect(transaction!.state).toBe('waiting')
  })

  it("gives each affected address its loss and where its reimbursement stands: claimed, claim open, or not paid and why", () => {
    const entries = journal(
      ['losses.computed', { method: 'm', assetSymbol: 'USDC', total: '600', excluded: [], losses: [A, B, C].map((account, index) => ({ account, before: '0', after: '0', loss: String((index + 1) * 100) })) }],
      ['distribution.built', { unpaid: [{ account: C, loss: '300', reason: 'below the minimum' }] }],
      ['reimburse.finished', { planId: 'r', status: 'reimbursed', mode: 'merkle', root: HASH }],
      ['claims.tracked', { claimed: [{ index: 0, account: A, amount: '100' }], unclaimed: [{ index: 1, account: B, amount: '200' }], claimedAmount: '100', unclaimedAmount: '200', windowOpen: true }],
    )

    const { losses, reimbursement } = buildIncidentView({ entries, safeTransactions: new Map(), storedSigners: new Map() })

    expect(losses).toEqual({
      asset: 'USDC',
      total: '600',
      accounts: [
        { account: A, loss: '100', status: 'claimed' },
        { account: B, loss: '200', status: 'claim open' },
        { account: C, loss: '300', status: 'not paid: below the minimum' },
      ],
    })
    expect(reimbursement.at(-1)).toBe('claims: 100 claimed, 200 unclaimed, window open')
  })
})

describe('timelineRow', () => {
  it("says an entry in the report's words, a page approval as a journaled approval, not a key signature, and no URL a reason quotes", () => {
    const [done, approved] = journal(['plan.done', { planId: 'contain-pause-all' }], ['serve.approved', { approval: 'restore', subject: 'stage-1', by: 'alice' }])

    expect(timelineRow(done!).text).toBe('plan contain-pause-all complete')
    expect(timelineRow(journal(['plan.failed', { planId: 'p', stage: 'execution', reason: 'node https://eth.example/v2/SECRETKEY refused' }])[0]!).text).toBe('plan p stopped at execution: node <url> refused')
    expect(timelineRow(approved!).text).toBe('restore approval of stage-1 given on the war-room page by alice (a journaled approval, not a key signature)')
  })
})
