import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Address, Hash } from 'viem'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { JournalEntries } from '../journal/entries.js'
import { Journal, readJournal } from '../journal/journal.js'
import { renderReport } from './renderReport.js'

const unit = 10n ** 18n
const alice: Address = '0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65'
const bob: Address = '0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc'
const carol: Address = '0x976EA74026E726554dB657fA54763abd0C3a0aa9'
const attacker: Address = '0x90F79bf6EB2c4f870365E785982E1f101E93b906'
const exploit: Address = '0x2b961E3959b79326A8e7F64Ef0d2d825707669b5'
const vault: Address = '0xCf7Ed3AccA5a467e9e704C703E8D87F634fB0Fc9'
const guardian: Address = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8'
const attackTx: Hash = `0x${'ab'.repeat(32)}`
const pauseTx: Hash = `0x${'cd'.repeat(32)}`

let scratch: string
let journal: Journal

/** A journal as an incident leaves it: the attack, a pause plan run and verified, losses, both fix gates. */
function writeIncidentJournal(dir: string): Journal {
  let second = 0
  const written = Journal.open(dir, { now: () => new Date(Date.UTC(2025, 2, 14, 9, 0, second++)) })
  written.append('incident.opened', { id: '2025-03-14-vault-drain', title: 'vault drain' })
  written.append('attack.detected', {
    txHash: attackTx,
    blockNumber: 12n,
    attacker,
    exploitContract: exploit,
    victims: [alice, bob, carol],
    stolen: 95_000n * unit,
    asset: { address: '0x5FbDB2315678afecb367f032d93F642f64180aa3', symbol: 'dUSD', decimals: 18 },
  })
  written.append('plan.built', {
    planId: 'contain-pause',
    phase: 'contain',
    title: 'pause vault',
    steps: [
      {
        stepId: 'pause-vault',
        title: 'pause vault as guardian',
        authority: { kind: 'key', address: guardian, label: 'guardian' },
        calls: [{ to: vault, data: '0x8456cb59', value: 0n }],
        decoded: 'vault.pause()',
        postconditions: ['vault.paused() is true'],
      },
    ],
  })
  written.append('plan.simulated', { planId: 'contain-pause', ok: true, forkBlock: 13n, steps: [] })
  written.append('step.verified', {
    planId: 'contain-pause',
    stepId: 'pause-vault',
    checks: [{ description: 'vault.paused() is true', kind: 'read', passed: true, actual: 'true', expected: 'true' }],
  })
  written.append('step.done', { planId: 'contain-pause', stepId: 'pause-vault', txHash: pauseTx, blockNumber: 14n })
  written.append('losses.computed', {
    method: 'vault shares valued with convertToAssets at blocks 11 and 14',
    losses: [
      { account: alice, before: 50_000n * unit, after: 0n, loss: 50_000n * unit },
      { account: bob, before: 30_000n * unit, after: 0n, loss: 30_000n * unit },
      { account: carol, before: 15_000n * unit, after: 0n, loss: 15_000n * unit },
    ],
    total: 95_000n * unit,
    excluded: [attacker, exploit],
  })
  written.append('gate.storage', { from: 'DrillVaultV1', to: 'DrillVaultV2', compatible: true, conflicts: [], appended: ['fixVersion'] })
  written.append('gate.replay', {
    passed: true,
    forkBlock: 11n,
    unpatched: { reverted: false, extracted: 95_000n * unit, victimLoss: 95_000n * unit, attackerGain: 0n },
    patched: { reverted: true, revert: 'ERC20InsufficientAllowance(0x2b96…69b5, 0, 50000000000000000000000)', extracted: 0n, victimLoss: 0n, attackerGain: 0n },
    normalOperations: [{ description: 'alice withdraws 1 dUSD from their own position', ok: true }],
    verdict: `the attack took ${95_000n * unit} before the fix and now reverts with ERC20InsufficientAllowance(…)`,
  })
  return written
}

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'firebreak-report-'))
  journal = writeIncidentJournal(join(scratch, 'incident'))
})

afterAll(() => {
  rmSync(scratch, { recursive: true, force: true })
})

function section(markdown: string, heading: string): string {
  const start = markdown.indexOf(`## ${heading}\n`)
  if (start < 0) throw new Error(`no section ${heading}`)
  const end = markdown.indexOf('\n## ', start + 1)
  return markdown.slice(start, end < 0 ? undefined : end)
}

describe('renderReport', () => {
  it('heads the report with the incident and the journal head, with the command that checks it as an anchor', () => {
    const markdown = renderReport(journal.entries())

    expect(markdown.startsWith('# Incident report: vault drain\n')).toBe(true)
    expect(markdown).toContain('Incident `2025-03-14-vault-drain`, opened 2025-03-14T09:00:00.000Z.')
    expect(markdown).toContain(`Generated from 9 journal entries; journal head \`${journal.head()?.hash}\``)
    expect(markdown).toContain(`\`firebreak journal verify 2025-03-14-vault-drain --anchor ${journal.head()?.hash}\``)
  })

  it('summarises what was taken and how many blocks containment took', () => {
    const summary = section(renderReport(journal.entries()), 'Summary')

    expect(summary).toContain(`- **Attack:** 95,000 dUSD taken from 3 accounts in block 12 (tx \`${attackTx}\`).`)
    expect(summary).toContain('- **Contained:** paused in block 14, 2 blocks after the attack.')
    expect(summary).not.toContain('**Fixed:**')
  })

  it('lists the journaled events in order in the timeline', () => {
    const timeline = section(renderReport(journal.entries()), 'Timeline')
    const rows = timeline.split('\n').filter((line) => line.startsWith('| 2025'))

    expect(rows).toEqual([
      '| 2025-03-14T09:00:00.000Z | | incident opened: vault drain |',
      '| 2025-03-14T09:00:01.000Z | 12 | attack detected: tx `0xabababab…abab` by 0x90F79bf6…b906 |',
      '| 2025-03-14T09:00:02.000Z | | plan built: pause vault (1 step) |',
      '| 2025-03-14T09:00:03.000Z | | plan contain-pause simulated on a fork at block 13: passed |',
      '| 2025-03-14T09:00:05.000Z | 14 | step pause-vault done, tx `0xcdcdcdcd…cdcd` |',
      '| 2025-03-14T09:00:06.000Z | | losses computed for 3 accounts |',
      '| 2025-03-14T09:00:07.000Z | | storage gate passed: DrillVaultV1 → DrillVaultV2 |',
      `| 2025-03-14T09:00:08.000Z | | replay gate passed: the attack took ${95_000n * unit} before the fix and now reverts with ERC20InsufficientAllowance(…) |`,
    ])
  })

  it('tabulates each account\'s loss and the 95,000 dUSD total, and names the excluded attacker', () => {
    const losses = section(renderReport(journal.entries()), 'Losses')

    expect(losses).toContain(`| \`${alice}\` | 50,000 dUSD | 0 dUSD | 50,000 dUSD |`)
    expect(losses).toContain(`| \`${carol}\` | 15,000 dUSD | 0 dUSD | 15,000 dUSD |`)
    expect(losses).toContain('| **total** | | | **95,000 dUSD** |')
    expect(losses).toContain(`Excluded (attacker): \`${attacker}\`, \`${exploit}\`.`)
  })

  it('reports both fix gates with the amounts before and after the fix', () => {
    const gates = section(renderReport(journal.entries()), 'Fix gates')

    expect(gates).toContain('- **Storage layout** DrillVaultV1 → DrillVaultV2: compatible.')
    expect(gates).toContain('  - appended: fixVersion')
    expect(gates).toContain('- **Attack replay** on a fork at block 11: passed')
    expect(gates).toContain('  - before the fix: 95,000 dUSD extracted')
    expect(gates).toContain('  - after the fix: reverted with ERC20InsufficientAllowance(0x2b96…69b5, 0, 50000000000000000000000)')
    expect(gates).toContain('  - alice withdraws 1 dUSD from their own position: works')
  })

  it('shows each action with its signer, its transaction and a ✔ line per verified check', () => {
    const actions = section(renderReport(journal.entries()), 'Actions')

    expect(actions).toContain('### contain: pause vault')
    expect(actions).toContain('Simulated on a fork at block 13: passed.')
    expect(actions).toContain(`- \`vault.pause()\` by guardian (key, \`${guardian}\`)`)
    expect(actions).toContain(`  - done in block 14, tx \`${pauseTx}\``)
    expect(actions).toContain('  - ✔ vault.paused() is true (got true)')
    expect(actions).not.toContain('✘')
  })

  it('leaves out the reimbursement section when the journal records no distribution', () => {
    expect(renderReport(journal.entries())).not.toContain('## Reimbursement')
  })

  it('keeps a timeline row whole when a journal string holds a table pipe', () => {
    const dir = join(scratch, 'pipes')
    const written = Journal.open(dir)
    written.append('incident.opened', { id: 'x', title: 'vault | drain' })

    expect(section(renderReport(written.entries()), 'Timeline')).toMatch(/^\| \S+ \| \| incident opened: vault \\\| drain \|$/m)
  })

  it('says which section it could not render from a malformed entry, and renders the rest', () => {
    const written = Journal.open(join(scratch, 'malformed'))
    written.append('incident.opened', { id: 'x', title: 'vault drain' })
    // Written by hand, outside the types: what an edited or older journal can hold.
    written.append('gate.replay', { passed: true, verdict: 'written by hand' } as unknown as JournalEntries['gate.replay'])

    const markdown = renderReport(written.entries())

    expect(markdown).toContain("**The gates section could not be rendered from the journal:** Cannot read properties of undefined (reading 'extracted').")
    expect(markdown).toContain('## Timeline')
  })

  it('renders the same text every time, also from the journal read back from disk', () => {
    const first = renderReport(journal.entries())

    expect(renderReport(journal.entries())).toBe(first)
    expect(renderReport(readJournal(journal.dir).entries)).toBe(first)
  })
})
