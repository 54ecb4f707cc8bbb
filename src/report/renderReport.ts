import { formatTokenAmount } from '../format.js'
import type { JournalEntry } from '../journal/hashChain.js'

/** What the report needs to know of the asset to print amounts as people read them. */
type Asset = { address: string; symbol: string; decimals: number }

type Data = Record<string, any>

/**
 * The post-mortem, rendered from the journal alone: anyone holding journal.jsonl can regenerate
 * it and check it against the chain. Sections appear only for the phases the journal records.
 */
export function renderReport(entries: readonly JournalEntry[]): string {
  const first = (type: string) => entries.find((entry) => entry.type === type)
  const all = (type: string) => entries.filter((entry) => entry.type === type)
  const opened = first('incident.opened')
  const attack = first('attack.detected')?.data as Data | undefined
  const asset: Asset = attack?.asset ?? { address: '', symbol: '', decimals: 18 }
  const amount = (value: unknown) => formatAmount(value, asset)
  const last = entries.at(-1)

  const lines: string[] = []
  lines.push(`# Incident report: ${(opened?.data as Data | undefined)?.title ?? 'incident'}`, '')
  lines.push(`Incident \`${(opened?.data as Data | undefined)?.id ?? '?'}\`, opened ${opened?.time ?? '?'}.`)
  lines.push(`Generated from ${entries.length} journal entries; last entry hash \`${last?.hash ?? '-'}\` (check it with \`firebreak journal verify\`).`, '')

  lines.push(...summarySection(entries, attack, amount))
  lines.push(...timelineSection(entries))
  if (attack) lines.push(...attackSection(attack, amount))
  lines.push(...lossesSection(first('losses.computed')?.data as Data | undefined, amount))
  lines.push(...gatesSection(first('gate.storage')?.data as Data | undefined, first('gate.replay')?.data as Data | undefined, amount))
  lines.push(...plansSection(entries))
  lines.push(...reimbursementSection(first('distribution.built')?.data as Data | undefined, all('claims.tracked').at(-1)?.data as Data | undefined, amount))
  return `${lines.join('\n').trimEnd()}\n`
}

function summarySection(entries: readonly JournalEntry[], attack: Data | undefined, amount: (value: unknown) => string): string[] {
  const pauseDone = stepsDone(entries).find((step) => step.planId.startsWith('contain'))
  const blocked = entries.find((entry) => entry.type === 'attack.blocked')?.data as Data | undefined
  const upgrade = stepsDone(entries).find((step) => step.planId.startsWith('eradicate') && step.stepId.startsWith('upgrade'))
  const claims = entries.filter((entry) => entry.type === 'claims.tracked').at(-1)?.data as Data | undefined
  const restored = stepsDone(entries).find((step) => step.planId === 'recover-restore')
  const lines = ['## Summary', '']
  if (attack) lines.push(`- **Attack:** ${amount(attack.stolen)} taken from ${attack.victims.length} accounts in block ${attack.blockNumber} (tx \`${attack.txHash}\`).`)
  if (pauseDone && attack) lines.push(`- **Contained:** paused in block ${pauseDone.blockNumber}, ${plural(BigInt(pauseDone.blockNumber) - BigInt(attack.blockNumber), 'block')} after the attack.`)
  if (blocked) lines.push(`- **Second attempt:** ${blocked.reverted ? `reverted (${blocked.reason})` : 'SUCCEEDED'} in block ${blocked.blockNumber}.`)
  if (upgrade) lines.push(`- **Fixed:** proxy upgraded in block ${upgrade.blockNumber} after the storage and replay gates passed.`)
  if (claims) lines.push(`- **Reimbursed:** ${amount(claims.claimedAmount)} claimed by ${claims.claimed.length} accounts; ${amount(claims.unclaimedAmount)} unclaimed.`)
  if (restored) lines.push(`- **Restored:** unpaused in block ${restored.blockNumber}.`)
  return lines.length > 2 ? [...lines, ''] : []
}

function timelineSection(entries: readonly JournalEntry[]): string[] {
  const rows: string[] = []
  for (const entry of entries) {
    const data = entry.data as Data
    const event = describeEvent(entry.type, data)
    if (event) rows.push(`| ${entry.time} | ${data?.blockNumber ?? ''} | ${event} |`)
  }
  return ['## Timeline', '', '| time (UTC) | block | event |', '|---|---|---|', ...rows, '']
}

function describeEvent(type: string, data: Data): string | undefined {
  switch (type) {
    case 'incident.opened':
      return `incident opened: ${data.title}`
    case 'attack.detected':
      return `attack detected: tx \`${short(data.txHash)}\` by ${short(data.attacker)}`
    case 'plan.built':
      return `plan built: ${data.title} (${plural(data.steps.length, 'step')})`
    case 'plan.simulated':
      return `plan ${data.planId} simulated on a fork at block ${data.forkBlock}: ${data.ok ? 'passed' : 'FAILED'}`
    case 'step.done':
      return `step ${data.stepId} done, tx \`${short(data.txHash)}\``
    case 'step.failed':
      return `step ${data.stepId} FAILED at ${data.stage}`
    case 'attack.blocked':
      return `attacker's next attempt ${data.reverted ? 'reverted' : 'succeeded'}: ${data.reason}`
    case 'gate.storage':
      return `storage gate ${data.compatible ? 'passed' : 'FAILED'}: ${data.from} → ${data.to}`
    case 'gate.replay':
      return `replay gate ${data.passed ? 'passed' : 'FAILED'}: ${data.verdict}`
    case 'losses.computed':
      return `losses computed for ${plural(data.losses.length, 'account')}`
    case 'distribution.built':
      return `distribution built, root \`${short(data.root)}\``
    case 'claims.tracked':
      return `claims: ${data.claimed.length} paid, ${data.unclaimed.length} open`
    case 'plan.done':
      return `plan ${data.planId} complete`
    default:
      return undefined
  }
}

function attackSection(attack: Data, amount: (value: unknown) => string): string[] {
  return [
    '## Attack',
    '',
    `- transaction \`${attack.txHash}\` in block ${attack.blockNumber}`,
    `- attacker \`${attack.attacker}\`, through contract \`${attack.exploitContract}\``,
    `- taken: ${amount(attack.stolen)}`,
    `- victims: ${attack.victims.map((victim: string) => `\`${victim}\``).join(', ')}`,
    '',
  ]
}

function lossesSection(losses: Data | undefined, amount: (value: unknown) => string): string[] {
  if (!losses) return []
  const rows = losses.losses.map((row: Data) => `| \`${row.account}\` | ${amount(row.before)} | ${amount(row.after)} | ${amount(row.loss)} |`)
  return [
    '## Losses',
    '',
    `Method: ${losses.method}.`,
    '',
    '| account | before | after | loss |',
    '|---|---:|---:|---:|',
    ...rows,
    `| **total** | | | **${amount(losses.total)}** |`,
    '',
    ...(losses.excluded.length ? [`Excluded (attacker): ${losses.excluded.map((account: string) => `\`${account}\``).join(', ')}.`, ''] : []),
  ]
}

function gatesSection(storage: Data | undefined, replay: Data | undefined, amount: (value: unknown) => string): string[] {
  if (!storage && !replay) return []
  const lines = ['## Fix gates', '']
  if (storage) {
    lines.push(`- **Storage layout** ${storage.from} → ${storage.to}: ${storage.compatible ? 'compatible' : 'INCOMPATIBLE'}.`)
    for (const conflict of storage.conflicts) lines.push(`  - ${conflict.message}`)
    if (storage.appended.length) lines.push(`  - appended: ${storage.appended.join(', ')}`)
  }
  if (replay) {
    lines.push(`- **Attack replay** on a fork at block ${replay.forkBlock}: ${replay.passed ? 'passed' : 'FAILED'} — ${replay.verdict}.`)
    lines.push(`  - before the fix: ${amount(replay.unpatched.extracted)} extracted`)
    lines.push(`  - after the fix: ${replay.patched.reverted ? `reverted with ${replay.patched.revert}` : `${amount(replay.patched.extracted)} extracted`}`)
    for (const operation of replay.normalOperations) lines.push(`  - ${operation.description}: ${operation.ok ? 'works' : `FAILS (${operation.revert})`}`)
  }
  return [...lines, '']
}

function plansSection(entries: readonly JournalEntry[]): string[] {
  const plans = entries.filter((entry) => entry.type === 'plan.built')
  if (plans.length === 0) return []
  const lines = ['## Actions', '']
  for (const built of plans) {
    const plan = built.data as Data
    const simulated = entries.find((entry) => entry.type === 'plan.simulated' && (entry.data as Data).planId === plan.planId)?.data as Data | undefined
    lines.push(`### ${plan.phase}: ${plan.title}`, '')
    lines.push(`Simulated on a fork at block ${simulated?.forkBlock ?? '?'}: ${simulated ? (simulated.ok ? 'passed' : 'failed') : 'not simulated'}.`, '')
    for (const step of plan.steps) {
      const done = stepsDone(entries).find((entry) => entry.planId === plan.planId && entry.stepId === step.stepId)
      const verified = entries.find((entry) => entry.type === 'step.verified' && (entry.data as Data).planId === plan.planId && (entry.data as Data).stepId === step.stepId)?.data as Data | undefined
      lines.push(`- \`${step.decoded}\` by ${step.authority.label} (${step.authority.kind}, \`${step.authority.address}\`)`)
      lines.push(done ? `  - done in block ${done.blockNumber}, tx \`${done.txHash}\`` : '  - **not done**')
      for (const check of verified?.checks ?? []) lines.push(`  - ${check.passed ? '✔' : '✘'} ${check.description} (got ${check.actual})`)
    }
    lines.push('')
  }
  return lines
}

function reimbursementSection(distribution: Data | undefined, claims: Data | undefined, amount: (value: unknown) => string): string[] {
  if (!distribution) return []
  const lines = [
    '## Reimbursement',
    '',
    `Policy: ${distribution.policy}. Merkle root \`${distribution.root}\` over ${distribution.accounts} accounts, ${amount(distribution.total)} in all, published in \`${distribution.file}\` (OpenZeppelin StandardMerkleTree format: rebuild it and compare the root).`,
  ]
  if (claims) lines.push('', `Claim contract \`${claims.claimAddress}\`: ${claims.claimed.length} claimed (${amount(claims.claimedAmount)}), ${claims.unclaimed.length} unclaimed (${amount(claims.unclaimedAmount)}).`)
  return [...lines, '']
}

function stepsDone(entries: readonly JournalEntry[]): Data[] {
  return entries.filter((entry) => entry.type === 'step.done').map((entry) => entry.data as Data)
}

function formatAmount(value: unknown, asset: Asset): string {
  if (value === undefined || value === null) return '?'
  return formatTokenAmount(BigInt(value as string), asset)
}

function short(hex: unknown): string {
  return typeof hex === 'string' && hex.length > 14 ? `${hex.slice(0, 10)}…${hex.slice(-4)}` : String(hex)
}

function plural(count: number | bigint, noun: string): string {
  return `${count} ${noun}${count === 1 || count === 1n ? '' : 's'}`
}
