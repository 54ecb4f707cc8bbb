import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Address, Hash, Hex } from 'viem'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { JournalEntries } from '../journal/entries.js'
import { Journal } from '../journal/journal.js'
import { renderReport, renderReportHtml } from './renderReport.js'

const unit = 10n ** 18n
const guardian: Address = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8'
const attacker: Address = '0x90F79bf6EB2c4f870365E785982E1f101E93b906'
const vault: Address = '0xCf7Ed3AccA5a467e9e704C703E8D87F634fB0Fc9'
const token: Address = '0x5FbDB2315678afecb367f032d93F642f64180aa3'
const v2: Address = '0x8A791620dd6260079BF849Dc5567aDC3F2FdC318'
const claim: Address = '0x0CCd6FE7B5Bd8678672BC0b914705175feEC6fc9'
const hash = (byte: string): Hash => `0x${byte.repeat(32)}`
const key = { kind: 'key', address: guardian, label: 'guardian' } as const
const step = (stepId: string, decoded: string) => ({ stepId, title: decoded, authority: key, calls: [{ to: vault, data: '0x' as Hex, value: 0n }], decoded, postconditions: [] })
const exposedBridge = { contract: 'bridge', reason: 'no lever pauses it and nobody here holds its upgrade' }

let scratch: string

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'firebreak-report-chains-'))
})

afterAll(() => {
  rmSync(scratch, { recursive: true, force: true })
})

function section(text: string, heading: string): string {
  const start = text.indexOf(`## ${heading}\n`)
  if (start < 0) throw new Error(`no section ${heading}`)
  const end = text.indexOf('\n## ', start + 1)
  return text.slice(start, end < 0 ? undefined : end)
}

/**
 * One incident over mainnet and arbitrum as `contain pause-all` over both chains journals it: the
 * vault paused on each chain at block 102 of that chain, mainnet contained, arbitrum's bridge left
 * exposed; then mainnet fixed and reopened. The attack and the assets name their chain as a writer
 * that knows it would (`data.chain`); the claims do not. Times one second apart from 10:00:00.
 */
function writeTwoChains(dir: string): Journal {
  let second = 0
  const journal = Journal.open(dir, { now: () => new Date(Date.UTC(2025, 2, 14, 10, 0, second++)) })
  journal.append('incident.opened', { id: 'two-chains', title: 'vault drain on two chains' })
  // Passed as a value, not a literal: the entry map may not type `chain` on every entry yet.
  const attack = { chain: 'mainnet', txHash: hash('ab'), blockNumber: 100n, attacker, victims: [vault], stolen: 95_000n * unit, asset: { address: token, symbol: 'dUSD', decimals: 18 }, measuredBy: 'chain' as const }
  journal.append('attack.detected', attack)
  journal.append('contain.started', { playbook: 'pause-all', dryRun: false, chain: 'mainnet' })
  journal.append('contain.started', { playbook: 'pause-all', dryRun: false, chain: 'arbitrum' })
  journal.append('plan.built', { planId: 'contain-pause-all@mainnet', phase: 'contain', title: 'contain: pause-all', steps: [step('pause-vault', 'vault.pause()')] })
  journal.append('plan.built', { planId: 'contain-pause-all@arbitrum', phase: 'contain', title: 'contain: pause-all', steps: [step('pause-vault', 'vault.pause()')] })
  journal.append('step.done', { planId: 'contain-pause-all@arbitrum', stepId: 'pause-vault', txHash: hash('a1'), blockNumber: 102n })
  journal.append('step.done', { planId: 'contain-pause-all@mainnet', stepId: 'pause-vault', txHash: hash('e1'), blockNumber: 102n })
  journal.append('contain.finished', { planId: 'contain-pause-all@mainnet', chain: 'mainnet', status: 'contained' })
  journal.append('contain.finished', { planId: 'contain-pause-all@arbitrum', chain: 'arbitrum', status: 'exposed', exposed: [exposedBridge] })

  journal.append('plan.built', { planId: 'eradicate-upgrade-vault@mainnet', phase: 'eradicate', title: 'upgrade vault to DrillVaultV2', steps: [step('upgrade-vault', `vault.upgradeToAndCall(${v2}, 0x)`)] })
  journal.append('step.done', { planId: 'eradicate-upgrade-vault@mainnet', stepId: 'upgrade-vault', txHash: hash('e2'), blockNumber: 110n })
  journal.append('upgrade.finished', { planId: 'eradicate-upgrade-vault@mainnet', status: 'upgraded', implementation: v2, blockNumber: 110n })

  journal.append('claims.tracked', {
    claimAddress: claim,
    root: hash('c0'),
    file: 'distribution.json',
    claimed: [{ index: 0, account: vault, amount: 95_000n * unit }],
    unclaimed: [],
    claimedAmount: 95_000n * unit,
    unclaimedAmount: 0n,
    sweptAmount: 0n,
    blockNumber: 115n,
    claimDeadline: 2_000_000_000n,
    windowOpen: true,
  })

  journal.append('restore.planned', { stage: 'withdrawals', planId: 'restore-withdrawals@mainnet', notes: [], targets: {} })
  journal.append('plan.built', { planId: 'restore-withdrawals@mainnet', phase: 'recover', title: 'restore withdrawals: unpause vault', steps: [step('unpause-vault', 'vault.unpause()')] })
  journal.append('step.done', { planId: 'restore-withdrawals@mainnet', stepId: 'unpause-vault', txHash: hash('e3'), blockNumber: 120n })
  journal.append('restore.finished', { stage: 'withdrawals', planId: 'restore-withdrawals@mainnet', status: 'restored', blockNumber: 120n })

  // Mainnet's blocks 100 and 102, 24 seconds apart; block 102 of arbitrum is another block.
  const observed: JournalEntries['assets.observed'] & { chain: string } = {
    chain: 'mainnet',
    asset: { address: token, symbol: 'dUSD', decimals: 18 },
    holders: [{ name: 'vault', address: vault }],
    fromBlock: 99n,
    toBlock: 120n,
    points: [99n, 100n, 102n, 110n, 120n].map((blockNumber) => ({ blockNumber, timestamp: 1_741_946_400n + (blockNumber - 99n) * 12n, balances: [blockNumber < 100n ? 95_000n * unit : 0n] })),
    unavailable: [],
  }
  journal.append('assets.observed', observed)
  return journal
}

describe('the report of an incident over two chains', () => {
  let markdown: string
  beforeAll(() => {
    markdown = renderReport(writeTwoChains(join(scratch, 'two-chains')).entries())
  })

  it('says first, apart from the rest, that arbitrum is NOT contained and what is still exposed there', () => {
    const summary = section(markdown, 'Summary')

    expect(summary.split('\n')[2]).toBe('> **NOT contained on arbitrum:** bridge (no lever pauses it and nobody here holds its upgrade) still exposed.')
    expect(summary).not.toMatch(/NOT contained on mainnet/)
    expect(summary).not.toMatch(/Contained on every chain/)
  })

  it("summarises each chain's response in its own blocks, and says when a line's chain is not journaled", () => {
    const summary = section(markdown, 'Summary')

    expect(summary).toContain(`- **Attack on mainnet:** 95,000 dUSD taken from 1 account in block 100 (tx \`${hash('ab')}\`).`)
    expect(summary).toContain('- **Contained on mainnet:** paused in block 102, 2 blocks (24 s) after the attack.')
    expect(summary).toContain('- **Partly contained on arbitrum:** paused in block 102.')
    expect(summary).toContain('- **Fixed on mainnet:** proxy upgraded in block 110 after the storage and replay gates passed.')
    expect(summary).toContain('- **Restored on mainnet:** stage withdrawals in block 120.')
    expect(summary).toContain('- **Reimbursed (chain not journaled):** 95,000 dUSD claimed by 1 accounts; 0 dUSD unclaimed.')
    expect(summary).not.toMatch(/\*\*(Attack|Contained|Fixed|Restored):\*\*/)
  })

  it('tabulates each chain: attacked, contained, fixed, reimbursed, restored', () => {
    const chains = section(markdown, 'Chains')

    expect(chains).toContain('| chain | attacked | contained | fixed | reimbursed | restored |')
    expect(chains).toContain('| mainnet | 95,000 dUSD taken from 1 account in block 100 | contained, paused in block 102 | upgraded in block 110 | - | stage withdrawals in block 120 |')
    expect(chains).toContain('| arbitrum | - | **NOT contained**: bridge (no lever pauses it and nobody here holds its upgrade) still exposed | - | - | - |')
  })

  it('puts each phase row under its chain, with block times only from that chain', () => {
    const phases = section(markdown, 'Phases')

    expect(phases).toContain('| phase | chain | block | block time (UTC) | journaled (UTC) | what |')
    expect(phases).toContain(`| detection | mainnet | 100 | 2025-03-14T10:00:12.000Z | 2025-03-14T10:00:01.000Z | attack \`${hash('ab')}\`: 95,000 dUSD taken from 1 account |`)
    expect(phases).toContain(`| containment | mainnet | 102 | 2025-03-14T10:00:36.000Z | 2025-03-14T10:00:07.000Z | contain: pause-all: first lever pulled (tx \`${hash('e1')}\`) |`)
    expect(phases).toContain(`| containment | arbitrum | 102 | - | 2025-03-14T10:00:06.000Z | contain: pause-all: first lever pulled (tx \`${hash('a1')}\`) |`)
    expect(phases).toContain(`| fix | mainnet | 110 |`)
    expect(phases).toContain(`| restore | mainnet | 120 |`)
  })

  it('names the chain of every timeline row the journal attributes, and leaves blank the rest', () => {
    const timeline = section(markdown, 'Timeline')

    expect(timeline).toContain('| time (UTC) | chain | block | event |')
    expect(timeline).toContain('| 2025-03-14T10:00:00.000Z | | | incident opened: vault drain on two chains |')
    expect(timeline).toContain('| 2025-03-14T10:00:01.000Z | mainnet | 100 | attack detected: tx `0xabababab…abab` by 0x90F79bf6…b906 |')
    expect(timeline).toContain('| 2025-03-14T10:00:06.000Z | arbitrum | 102 | step pause-vault done, tx `0xa1a1a1a1…a1a1` |')
    expect(timeline).toContain('| 2025-03-14T10:00:07.000Z | mainnet | 102 | step pause-vault done, tx `0xe1e1e1e1…e1e1` |')
    expect(timeline).toContain('| 2025-03-14T10:00:09.000Z | arbitrum | | containment contain-pause-all@arbitrum: exposed, bridge still exposed |')
    expect(timeline).toContain('| 2025-03-14T10:00:13.000Z | | 115 | claims: 1 paid, 0 open |')
  })

  it("marks on a chain's assets chart only that chain's events", () => {
    const assets = section(markdown, 'Protocol assets')

    expect(assets).toContain('dUSD held by vault on mainnet, blocks 99 to 120, read from the chain at 5 sampled blocks.')
    expect(assets).toContain('| 102 | pause | 0 dUSD |')
    expect(assets).toContain('| 110 | fix | 0 dUSD |')
  })

  it('says which chain each plan acted on', () => {
    const actions = section(markdown, 'Actions')

    expect(actions).toContain('### contain: contain: pause-all on mainnet')
    expect(actions).toContain('### contain: contain: pause-all on arbitrum')
    expect(section(markdown, 'Restore')).toContain('- reopened on mainnet in block 120 (plan restore-withdrawals@mainnet)')
  })

  it('shows the alert apart in the HTML page too', () => {
    const html = renderReportHtml(writeTwoChains(join(scratch, 'two-chains-html')).entries())

    expect(html).toContain('<p class="alert" role="alert"><strong>NOT contained on arbitrum:</strong> bridge (no lever pauses it and nobody here holds its upgrade) still exposed.</p>')
    expect(html).toContain('<th>phase</th><th>chain</th><th>block</th>')
  })
})

describe('the report of containment over two chains, one of which failed', () => {
  it('names the chain whose containment failed, and with the reason, as NOT contained', () => {
    const journal = Journal.open(join(scratch, 'one-failed'))
    journal.append('incident.opened', { id: 'one-failed', title: 'bridge drain' })
    journal.append('contain.started', { playbook: 'pause-all', dryRun: false, chain: 'mainnet' })
    journal.append('contain.started', { playbook: 'pause-all', dryRun: false, chain: 'arbitrum' })
    journal.append('contain.failed', { playbook: 'pause-all', reason: 'cannot reach the node at http://127.0.0.1:9', chain: 'arbitrum' })
    journal.append('contain.finished', { planId: 'contain-pause-all@mainnet', chain: 'mainnet', status: 'nothing-to-do' })

    const markdown = renderReport(journal.entries())

    expect(section(markdown, 'Summary')).toContain('> **NOT contained on arbitrum:** containment failed: cannot reach the node at http://127.0.0.1:9.')
    expect(section(markdown, 'Chains')).toContain('| mainnet | - | contained already (nothing to do) | - | - | - |')
  })

  it('says so in one line when every chain is contained', () => {
    const journal = Journal.open(join(scratch, 'all-contained'))
    journal.append('incident.opened', { id: 'all-contained', title: 'vault drain' })
    journal.append('contain.finished', { planId: 'contain-pause-all@mainnet', chain: 'mainnet', status: 'contained' })
    journal.append('contain.finished', { planId: 'contain-pause-all@arbitrum', chain: 'arbitrum', status: 'contained' })

    const summary = section(renderReport(journal.entries()), 'Summary')

    expect(summary).toContain('- **Contained on every chain:** mainnet, arbitrum.')
    expect(summary).not.toMatch(/^> /m)
  })
})

describe('the report of upgrades over two chains', () => {
  it("shows each chain's gates under its chain, and gates that name no chain apart, unpaired", () => {
    const journal = Journal.open(join(scratch, 'gates'))
    journal.append('incident.opened', { id: 'gates', title: 'vault drain' })
    journal.append('contain.finished', { planId: 'contain-pause-all@mainnet', chain: 'mainnet', status: 'contained' })
    journal.append('contain.finished', { planId: 'contain-pause-all@arbitrum', chain: 'arbitrum', status: 'contained' })
    const compatible: JournalEntries['gate.storage'] & { chain: string } = { chain: 'mainnet', from: 'DrillVaultV1', to: 'DrillVaultV2', compatible: true, conflicts: [], appended: ['fixVersion'] }
    journal.append('gate.storage', compatible)
    const clobbered: JournalEntries['gate.storage'] & { chain: string } = {
      chain: 'arbitrum',
      from: 'DrillVaultV1',
      to: 'DrillVaultClobbered',
      compatible: false,
      conflicts: [{ kind: 'moved', label: 'depositCap', slot: '0', offset: 0, oldType: 't_uint256', newType: 't_uint256', message: 'depositCap (slot 0, offset 0) moved to slot 1' }],
      appended: [],
    }
    journal.append('gate.storage', clobbered)
    const refused: JournalEntries['upgrade.refused'] & { chain: string } = { chain: 'arbitrum', contract: 'vault', reason: 'refused by the storage gate: depositCap (slot 0, offset 0) moved to slot 1' }
    journal.append('upgrade.refused', refused)
    const run = { reverted: false, extracted: 95_000n * unit, victimLoss: 95_000n * unit, attackerGain: 0n }
    journal.append('gate.replay', { passed: true, forkBlock: 99n, unpatched: run, patched: { ...run, reverted: true, revert: 'EnforcedPause()', extracted: 0n }, normalOperations: [], verdict: 'the attack now reverts' })

    const markdown = renderReport(journal.entries())

    expect(section(markdown, 'Fix gates')).toContain('### on mainnet\n\n- **Storage layout** DrillVaultV1 → DrillVaultV2: compatible.\n  - appended: fixVersion\n\n### gates that name no chain, as journaled\n\n- **Attack replay** on a fork at block 99: passed — the attack now reverts.')
    expect(section(markdown, 'Fix gates')).not.toContain('DrillVaultClobbered')
    expect(section(markdown, 'Refused upgrades')).toMatch(/^- \S+: \*\*vault\*\* on arbitrum DrillVaultV1 → DrillVaultClobbered: refused by the storage gate: depositCap \(slot 0, offset 0\) moved to slot 1$/m)
  })
})

describe('the report of an incident on one chain', () => {
  it('has no chain column and no chains section, even when its plans name their chain', () => {
    // `contain pause-all --chain arbitrum` with a manifest of several chains: one chain, named.
    const journal = Journal.open(join(scratch, 'one-chain'))
    journal.append('incident.opened', { id: 'one-chain', title: 'bridge drain' })
    journal.append('contain.started', { playbook: 'pause-all', dryRun: false, chain: 'arbitrum' })
    journal.append('plan.built', { planId: 'contain-pause-all@arbitrum', phase: 'contain', title: 'contain: pause-all', steps: [step('pause-vault', 'vault.pause()')] })
    journal.append('step.done', { planId: 'contain-pause-all@arbitrum', stepId: 'pause-vault', txHash: hash('a1'), blockNumber: 102n })
    journal.append('contain.finished', { planId: 'contain-pause-all@arbitrum', chain: 'arbitrum', status: 'exposed', exposed: [exposedBridge] })

    const markdown = renderReport(journal.entries())

    expect(markdown).not.toContain('## Chains')
    expect(section(markdown, 'Timeline')).toContain('| time (UTC) | block | event |')
    expect(section(markdown, 'Timeline')).toMatch(/^\| \S+ \| 102 \| step pause-vault done, tx `0xa1a1a1a1…a1a1` \|$/m)
    expect(section(markdown, 'Phases')).toContain('| phase | block | block time (UTC) | journaled (UTC) | what |')
    expect(section(markdown, 'Summary')).toContain('- **Still exposed:** bridge (no lever pauses it and nobody here holds its upgrade).')
    expect(section(markdown, 'Actions')).toContain('### contain: contain: pause-all\n')
    expect(markdown).not.toMatch(/NOT contained|on arbitrum/)
  })
})
