import { formatTokenAmount } from '../format.js'
import type { JournalEntry } from '../journal/hashChain.js'
import type { Asset, AssetChart, Block, ChartMark, ListItem, LossChart, ReportDocument, Text } from './reportDocument.js'

/**
 * Journal data is read as written by the phases (see src/drill and src/recover): loosely typed,
 * since a report must render the journal of an older or a partial incident as well.
 */
type Data = Record<string, any>

/** The bars a loss chart shows before grouping the rest: a long tail of dust accounts says nothing bar by bar. */
const LOSS_BARS = 20

/**
 * The post-mortem as a document, from the journal alone: anyone holding journal.jsonl can
 * regenerate it and check it against the chain. Sections appear only for what the journal records.
 */
export function buildReport(entries: readonly JournalEntry[]): ReportDocument {
  const journal = new JournalView(entries)
  const openedEntry = entries.find((entry) => entry.type === 'incident.opened')
  const opened = openedEntry?.data as Data | undefined
  const title = `Incident report: ${opened?.title ?? 'incident'}`
  const blocks: Block[] = [
    { kind: 'heading', level: 1, text: title },
    { kind: 'paragraph', text: ['Incident ', { code: String(opened?.id ?? '?') }, `, opened ${openedEntry?.time ?? '?'}.`] },
    {
      kind: 'paragraph',
      text: [`Generated from ${entries.length} journal entries; last entry hash `, { code: entries.at(-1)?.hash ?? '-' }, ' (check it with ', { code: 'firebreak journal verify' }, ').'],
    },
    ...[summarySection, phasesSection, timelineSection, assetsSection, attackSection, lossesSection, gatesSection, restoreSection, plansSection, reimbursementSection].flatMap((section) => safely(section, journal)),
  ]
  return { title, blocks }
}

/**
 * A section whose entries lack a field it reads (a journal from another version, an entry written
 * by hand) says so in place: one odd entry must not cost the war room the whole post-mortem.
 */
function safely(section: (journal: JournalView) => Block[], journal: JournalView): Block[] {
  try {
    return section(journal)
  } catch (error) {
    const name = section.name.replace(/Section$/, '')
    return [{ kind: 'paragraph', text: [{ strong: `The ${name} section could not be rendered from the journal:` }, ` ${error instanceof Error ? error.message : String(error)}.`] }]
  }
}

/** Lookups over the entries, and amounts printed in the asset they are of. */
class JournalView {
  readonly entries: readonly JournalEntry[]
  readonly attack: Data | undefined
  readonly #assets: Asset[]

  constructor(entries: readonly JournalEntry[]) {
    this.entries = entries
    this.attack = this.first('attack.detected')
    this.#assets = [
      ...(this.attack?.asset ? [this.attack.asset as Asset] : []),
      ...this.all('assets.observed').flatMap((observed) => (observed.asset ? [observed.asset as Asset] : [])),
    ]
  }

  first(type: string): Data | undefined {
    return this.entries.find((entry) => entry.type === type)?.data as Data | undefined
  }

  last(type: string): Data | undefined {
    return this.entries.findLast((entry) => entry.type === type)?.data as Data | undefined
  }

  all(type: string): Data[] {
    return this.entries.filter((entry) => entry.type === type).map((entry) => entry.data as Data)
  }

  stepsDone(): Data[] {
    return this.all('step.done')
  }

  /** The asset at `address`, or the attack's asset when the entry names none; amounts of an unknown asset print raw. */
  asset(address?: unknown): Asset {
    const attackAsset = (this.attack?.asset as Asset | undefined) ?? { address: '', symbol: '', decimals: 18 }
    if (typeof address !== 'string') return attackAsset
    // Decimals unknown: base units, said so, rather than a guess that is off by 10^12 for a 6-decimal token.
    return this.#assets.find((asset) => asset.address.toLowerCase() === address.toLowerCase()) ?? { address, symbol: `units of ${short(address)}`, decimals: 0 }
  }

  amount(value: unknown, asset: Asset = this.asset()): string {
    if (value === undefined || value === null) return '?'
    return formatTokenAmount(BigInt(value as string), asset)
  }

  /** A block's time as the chain stamped it, when an observation of assets sampled that block. */
  blockTime(blockNumber: unknown): string | undefined {
    if (blockNumber === undefined || blockNumber === null) return undefined
    for (const observed of this.all('assets.observed')) {
      const point = (observed.points as Data[] | undefined)?.find((candidate) => String(candidate.blockNumber) === String(blockNumber))
      if (point?.timestamp !== undefined) return new Date(Number(point.timestamp) * 1000).toISOString()
    }
    return undefined
  }

  /** The plan each journaled step belongs to, with its phase (`contain`, `eradicate`, `recover`). */
  planOf(planId: unknown): Data | undefined {
    return this.all('plan.built').find((plan) => plan.planId === planId)
  }
}

/** Restore plans: the drill's own and one per manifest stage. */
const isRestorePlan = (planId: unknown) => typeof planId === 'string' && (planId === 'recover-restore' || planId.startsWith('restore-'))

function summarySection(journal: JournalView): Block[] {
  const { attack } = journal
  const pauseDone = journal.stepsDone().find((step) => journal.planOf(step.planId)?.phase === 'contain' || String(step.planId).startsWith('contain'))
  const blocked = journal.first('attack.blocked')
  const upgrade = journal.stepsDone().find((step) => String(step.planId).startsWith('eradicate') && String(step.stepId).startsWith('upgrade'))
  const claims = journal.last('claims.tracked')
  const restored = journal.stepsDone().filter((step) => isRestorePlan(step.planId))
  const items: ListItem[] = []
  if (attack) items.push({ text: [{ strong: 'Attack:' }, ` ${journal.amount(attack.stolen)} taken from ${attack.victims.length} accounts in block ${attack.blockNumber} (tx `, { code: String(attack.txHash) }, ').'] })
  if (pauseDone && attack) {
    const seconds = secondsBetween(journal, attack.blockNumber, pauseDone.blockNumber)
    items.push({ text: [{ strong: 'Contained:' }, ` paused in block ${pauseDone.blockNumber}, ${plural(BigInt(pauseDone.blockNumber) - BigInt(attack.blockNumber), 'block')}${seconds === undefined ? '' : ` (${seconds} s)`} after the attack.`] })
  }
  if (blocked) items.push({ text: [{ strong: 'Second attempt:' }, ` ${blocked.reverted ? `reverted (${blocked.reason})` : 'SUCCEEDED'} in block ${blocked.blockNumber}.`] })
  if (upgrade) items.push({ text: [{ strong: 'Fixed:' }, ` proxy upgraded in block ${upgrade.blockNumber} after the storage and replay gates passed.`] })
  if (claims) items.push({ text: [{ strong: 'Reimbursed:' }, ` ${journal.amount(claims.claimedAmount)} claimed by ${claims.claimed.length} accounts; ${journal.amount(claims.unclaimedAmount)} unclaimed.`] })
  const stages = journal.all('restore.finished').filter((finished) => finished.status === 'restored')
  if (stages.length > 0) {
    items.push({ text: [{ strong: 'Restored:' }, ` ${stages.map((stage) => `stage ${stage.stage} in block ${stage.blockNumber ?? '?'}`).join(', ')}.`] })
  } else if (restored.length > 0) {
    items.push({ text: [{ strong: 'Restored:' }, ` unpaused in block ${restored.at(-1)!.blockNumber}.`] })
  }
  return items.length > 0 ? [{ kind: 'heading', level: 2, text: 'Summary' }, { kind: 'list', items }] : []
}

/**
 * One row per phase of the response, at the block its decisive transaction landed in: the
 * figures a post-mortem is asked for first (how long to contain, to fix, to reopen).
 */
function phasesSection(journal: JournalView): Block[] {
  type Row = { phase: string; blockNumber?: unknown; journaled: string; what: Text }
  const rows: Row[] = []
  const at = (type: string, data: Data) => journal.entries.find((entry) => entry.type === type && entry.data === data)?.time ?? ''
  for (const attack of journal.all('attack.detected')) {
    rows.push({ phase: 'detection', blockNumber: attack.blockNumber, journaled: at('attack.detected', attack), what: ['attack ', { code: String(attack.txHash) }, ` took ${journal.amount(attack.stolen)}`] })
  }
  const done = journal.entries.filter((entry) => entry.type === 'step.done')
  const lastDoneOf = (test: (plan: Data | undefined, planId: string) => boolean) => done.filter((entry) => test(journal.planOf((entry.data as Data).planId), String((entry.data as Data).planId))).at(-1)
  const firstDoneOf = (test: (plan: Data | undefined, planId: string) => boolean) => done.find((entry) => test(journal.planOf((entry.data as Data).planId), String((entry.data as Data).planId)))
  const row = (phase: string, entry: JournalEntry | undefined, describe: (plan: Data | undefined) => string) => {
    if (!entry) return
    const data = entry.data as Data
    const plan = journal.planOf(data.planId)
    rows.push({ phase, blockNumber: data.blockNumber, journaled: entry.time, what: [describe(plan), ' (tx ', { code: String(data.txHash) }, ')'] })
  }
  row('containment', firstDoneOf((plan, id) => plan?.phase === 'contain' || id.startsWith('contain')), (plan) => `${plan?.title ?? 'contained'}: first lever pulled`)
  row('fix', lastDoneOf((plan, id) => plan?.phase === 'eradicate' || id.startsWith('eradicate')), (plan) => `${plan?.title ?? 'fixed'}: last step`)
  row('reimbursement', lastDoneOf((plan, id) => plan?.phase === 'recover' && !isRestorePlan(id)), (plan) => `${plan?.title ?? 'reimbursement'}: funded`)
  for (const entry of done.filter((candidate) => isRestorePlan((candidate.data as Data).planId))) {
    const data = entry.data as Data
    rows.push({ phase: 'restore', blockNumber: data.blockNumber, journaled: entry.time, what: [`${journal.planOf(data.planId)?.title ?? data.planId}: step ${data.stepId}`, ' (tx ', { code: String(data.txHash) }, ')'] })
  }
  if (rows.length === 0) return []
  return [
    { kind: 'heading', level: 2, text: 'Phases' },
    {
      kind: 'table',
      head: ['phase', 'block', 'block time (UTC)', 'journaled (UTC)', 'what'],
      rows: rows.map((row) => [[row.phase], [String(row.blockNumber ?? '')], [journal.blockTime(row.blockNumber) ?? '-'], [row.journaled], row.what]),
    },
  ]
}

function timelineSection(journal: JournalView): Block[] {
  const rows: Text[][] = []
  for (const entry of journal.entries) {
    const data = entry.data as Data
    const event = describeEvent(entry.type, data)
    if (event) rows.push([[entry.time], [String(data?.blockNumber ?? '')], event])
  }
  return [{ kind: 'heading', level: 2, text: 'Timeline' }, { kind: 'table', head: ['time (UTC)', 'block', 'event'], rows }]
}

function describeEvent(type: string, data: Data): Text | undefined {
  switch (type) {
    case 'incident.opened':
      return [`incident opened: ${data.title}`]
    case 'attack.detected':
      return ['attack detected: tx ', { code: short(data.txHash) }, ` by ${short(data.attacker)}`]
    case 'plan.built':
      return [`plan built: ${data.title} (${plural(data.steps.length, 'step')})`]
    case 'plan.simulated':
      return [`plan ${data.planId} simulated on a fork at block ${data.forkBlock}: ${data.ok ? 'passed' : 'FAILED'}`]
    case 'step.done':
      return [`step ${data.stepId} done, tx `, { code: short(data.txHash) }]
    case 'step.failed':
      return [`step ${data.stepId} FAILED at ${data.stage}`]
    case 'attack.blocked':
      return [`attacker's next attempt ${data.reverted ? 'reverted' : 'succeeded'}: ${data.reason}`]
    case 'gate.storage':
      return [`storage gate ${data.compatible ? 'passed' : 'FAILED'}: ${data.from} → ${data.to}`]
    case 'gate.replay':
      return [`replay gate ${data.passed ? 'passed' : 'FAILED'}: ${data.verdict}`]
    case 'losses.computed':
      return [`losses computed for ${plural(data.losses.length, 'account')}`]
    case 'distribution.built':
      return ['distribution built, root ', { code: short(data.root) }]
    case 'claims.tracked':
      return [`claims: ${data.claimed.length} paid, ${data.unclaimed.length} open`]
    case 'plan.done':
      return [`plan ${data.planId} complete`]
    case 'restore.approved':
      return [`restore stage ${data.stage} approved by ${data.authority} (signed)`]
    case 'restore.gates':
      return [`restore stage ${data.stage} gates: ${data.passed ? 'all passed' : `REFUSED by ${(data.gates as Data[]).filter((gate) => !gate.passed).map((gate) => gate.gate).join(', ')}`}`]
    case 'restore.finished':
      return data.status === 'restored' ? [`restore stage ${data.stage} reopened`] : undefined
    default:
      return undefined
  }
}

/** The protocol's assets over blocks, one chart per asset observed, with the incident's events marked. */
function assetsSection(journal: JournalView): Block[] {
  const latest = new Map<string, Data>()
  for (const observed of journal.all('assets.observed')) latest.set(String(observed.asset?.address).toLowerCase(), observed)
  if (latest.size === 0) return []
  const marks = chartMarks(journal)
  const blocks: Block[] = [{ kind: 'heading', level: 2, text: 'Protocol assets' }]
  for (const observed of latest.values()) {
    const asset = observed.asset as Asset
    const holders = observed.holders as Data[]
    const points = observed.points as Data[]
    const chart: AssetChart = {
      kind: 'assets',
      title: `${asset.symbol} held by ${holders.map((holder) => holder.name).join(', ')}, blocks ${observed.fromBlock} to ${observed.toBlock}`,
      asset,
      series: holders.map((holder, index) => ({
        name: String(holder.name),
        address: String(holder.address),
        points: points.map((point) => ({ blockNumber: BigInt(point.blockNumber), amount: BigInt(point.balances[index]) })),
      })),
      marks,
    }
    blocks.push({ kind: 'paragraph', text: [`${chart.title}, read from the chain at ${plural(points.length, 'sampled block')}${(observed.unavailable as unknown[] | undefined)?.length ? ` (${observed.unavailable.length} blocks could not be read)` : ''}.`] })
    blocks.push({ kind: 'chart', chart })
  }
  return blocks
}

function chartMarks(journal: JournalView): ChartMark[] {
  const marks: ChartMark[] = journal.all('attack.detected').map((attack) => ({ kind: 'attack', blockNumber: BigInt(attack.blockNumber), label: 'attack' }))
  const done = journal.stepsDone()
  const phaseOf = (step: Data) => journal.planOf(step.planId)?.phase ?? String(step.planId).split('-')[0]
  const pause = done.find((step) => phaseOf(step) === 'contain')
  if (pause) marks.push({ kind: 'pause', blockNumber: BigInt(pause.blockNumber), label: 'pause' })
  const fix = done.filter((step) => phaseOf(step) === 'eradicate').at(-1)
  if (fix) marks.push({ kind: 'fix', blockNumber: BigInt(fix.blockNumber), label: 'fix' })
  const stages = journal.all('restore.finished').filter((finished) => finished.status === 'restored' && finished.blockNumber !== undefined)
  if (stages.length > 0) for (const stage of stages) marks.push({ kind: 'restore', blockNumber: BigInt(stage.blockNumber), label: `restore ${stage.stage}` })
  else for (const step of done.filter((candidate) => isRestorePlan(candidate.planId))) marks.push({ kind: 'restore', blockNumber: BigInt(step.blockNumber), label: 'restore' })
  return marks
}

function attackSection(journal: JournalView): Block[] {
  const attacks = journal.all('attack.detected')
  if (attacks.length === 0) return []
  const items: ListItem[] = []
  for (const attack of attacks) {
    items.push(
      { text: ['transaction ', { code: String(attack.txHash) }, ` in block ${attack.blockNumber}`] },
      { text: ['attacker ', { code: String(attack.attacker) }, ', through contract ', { code: String(attack.exploitContract) }] },
      { text: [`taken: ${journal.amount(attack.stolen, journal.asset(attack.asset?.address))}`] },
      { text: ['victims: ', ...joined((attack.victims as string[]).map((victim) => [{ code: victim }]), ', ')] },
    )
  }
  for (const attempt of journal.all('attack.blocked')) {
    items.push({ text: ['later attempt ', { code: String(attempt.txHash) }, ` in block ${attempt.blockNumber}: ${attempt.reverted ? `reverted (${attempt.reason})` : 'SUCCEEDED'}`] })
  }
  return [{ kind: 'heading', level: 2, text: 'Attack' }, { kind: 'list', items }]
}

function lossesSection(journal: JournalView): Block[] {
  const computed = journal.all('losses.computed')
  if (computed.length === 0) return []
  const blocks: Block[] = [{ kind: 'heading', level: 2, text: 'Losses' }]
  if (computed.length > 1 || computed[0]?.asset) {
    blocks.push({
      kind: 'table',
      head: ['asset', 'accounts', 'total loss'],
      align: ['left', 'right', 'right'],
      rows: computed.map((losses) => {
        const asset = journal.asset(losses.asset)
        return [[asset.symbol || 'asset', ' ', { code: String(losses.asset ?? asset.address) }], [String(losses.losses.length)], [journal.amount(losses.total, asset)]]
      }),
    })
  }
  for (const losses of computed) {
    const asset = journal.asset(losses.asset)
    const amount = (value: unknown) => journal.amount(value, asset)
    const rows: Text[][] = (losses.losses as Data[]).map((row) => [[{ code: String(row.account) }], [amount(row.before)], [amount(row.after)], [amount(row.loss)]])
    rows.push([[{ strong: 'total' }], [], [], [{ strong: amount(losses.total) }]])
    blocks.push({ kind: 'paragraph', text: [`Method: ${losses.method}.`] })
    blocks.push({ kind: 'table', head: ['account', 'before', 'after', 'loss'], align: ['left', 'right', 'right', 'right'], rows })
    if ((losses.excluded as string[] | undefined)?.length) blocks.push({ kind: 'paragraph', text: ['Excluded (attacker): ', ...joined((losses.excluded as string[]).map((account) => [{ code: account }]), ', '), '.'] })
    blocks.push({ kind: 'chart', chart: lossChart(losses, asset) })
  }
  return blocks
}

function lossChart(losses: Data, asset: Asset): LossChart {
  const sorted = (losses.losses as Data[]).map((row) => ({ account: String(row.account), loss: BigInt(row.loss) })).sort((a, b) => (a.loss === b.loss ? 0 : a.loss > b.loss ? -1 : 1))
  const rest = sorted.slice(LOSS_BARS)
  return {
    kind: 'losses',
    title: `Loss distribution: ${asset.symbol || 'asset'} lost by ${plural(sorted.length, 'account')}`,
    asset,
    bars: sorted.slice(0, LOSS_BARS),
    ...(rest.length > 0 ? { others: { accounts: rest.length, loss: rest.reduce((sum, row) => sum + row.loss, 0n) } } : {}),
  }
}

function gatesSection(journal: JournalView): Block[] {
  const storage = journal.first('gate.storage')
  const replay = journal.first('gate.replay')
  if (!storage && !replay) return []
  const items: ListItem[] = []
  if (storage) {
    const details: Text[] = (storage.conflicts as Data[]).map((conflict) => [String(conflict.message)])
    if (storage.appended.length) details.push([`appended: ${storage.appended.join(', ')}`])
    items.push({ text: [{ strong: 'Storage layout' }, ` ${storage.from} → ${storage.to}: ${storage.compatible ? 'compatible' : 'INCOMPATIBLE'}.`], items: details })
  }
  if (replay) {
    const details: Text[] = [
      [`before the fix: ${journal.amount(replay.unpatched.extracted)} extracted`],
      [`after the fix: ${replay.patched.reverted ? `reverted with ${replay.patched.revert}` : `${journal.amount(replay.patched.extracted)} extracted`}`],
      ...(replay.normalOperations as Data[]).map((operation): Text => [`${operation.description}: ${operation.ok ? 'works' : `FAILS (${operation.revert})`}`]),
    ]
    items.push({ text: [{ strong: 'Attack replay' }, ` on a fork at block ${replay.forkBlock}: ${replay.passed ? 'passed' : 'FAILED'} — ${replay.verdict}.`], items: details })
  }
  return [{ kind: 'heading', level: 2, text: 'Fix gates' }, { kind: 'list', items }]
}

/** Each restore stage: who approved it, every time its gates were checked (and what stopped it), when it reopened. */
function restoreSection(journal: JournalView): Block[] {
  const names = [...new Set(journal.entries.filter((entry) => entry.type.startsWith('restore.')).map((entry) => (entry.data as Data).stage as string))]
  if (names.length === 0) return []
  const blocks: Block[] = [{ kind: 'heading', level: 2, text: 'Restore' }]
  for (const name of names) {
    const about = (type: string) => journal.entries.filter((entry) => entry.type === type && (entry.data as Data).stage === name)
    const items: ListItem[] = []
    for (const approval of about('restore.approved')) {
      const data = approval.data as Data
      items.push({ text: [`${approval.time}: approved by ${data.authority} `, { code: String(data.address) }, ', EIP-191 signature ', { code: short(data.signature) }] })
    }
    for (const gates of about('restore.gates')) {
      const data = gates.data as Data
      items.push({ text: [`${gates.time}: gates ${data.passed ? 'passed' : 'REFUSED the stage'}`], items: (data.gates as Data[]).map((gate): Text => [`${gate.passed ? '✔' : '✘'} ${gate.gate}: ${gate.detail}`]) })
    }
    for (const failed of about('restore.failed')) {
      if (!(failed.data as Data).refusedBy) items.push({ text: [`${failed.time}: stopped: ${(failed.data as Data).reason}`] })
    }
    const finished = about('restore.finished').map((entry) => entry.data as Data).find((data) => data.status === 'restored')
    items.push({ text: [finished ? `reopened in block ${finished.blockNumber ?? '?'} (plan ${finished.planId})` : 'not reopened'] })
    blocks.push({ kind: 'heading', level: 3, text: `stage ${name}` }, { kind: 'list', items })
  }
  return blocks
}

function plansSection(journal: JournalView): Block[] {
  const plans = journal.all('plan.built')
  if (plans.length === 0) return []
  const blocks: Block[] = [{ kind: 'heading', level: 2, text: 'Actions' }]
  for (const plan of plans) {
    const simulated = journal.all('plan.simulated').find((entry) => entry.planId === plan.planId)
    blocks.push({ kind: 'heading', level: 3, text: `${plan.phase}: ${plan.title}` })
    blocks.push({ kind: 'paragraph', text: [`Simulated on a fork at block ${simulated?.forkBlock ?? '?'}: ${simulated ? (simulated.ok ? 'passed' : 'failed') : 'not simulated'}.`] })
    const items: ListItem[] = (plan.steps as Data[]).map((step) => {
      const done = journal.stepsDone().find((entry) => entry.planId === plan.planId && entry.stepId === step.stepId)
      const verified = journal.all('step.verified').findLast((entry) => entry.planId === plan.planId && entry.stepId === step.stepId)
      const details: Text[] = [done ? [`done in block ${done.blockNumber}, tx `, { code: String(done.txHash) }] : [{ strong: 'not done' }]]
      for (const check of (verified?.checks as Data[] | undefined) ?? []) details.push([`${check.passed ? '✔' : '✘'} ${check.description} (got ${check.actual})`])
      return { text: [{ code: String(step.decoded) }, ` by ${step.authority.label} (${step.authority.kind}, `, { code: String(step.authority.address) }, ')'], items: details }
    })
    blocks.push({ kind: 'list', items })
  }
  return blocks
}

function reimbursementSection(journal: JournalView): Block[] {
  const distribution = journal.first('distribution.built')
  if (!distribution) return []
  const claims = journal.last('claims.tracked')
  const blocks: Block[] = [
    { kind: 'heading', level: 2, text: 'Reimbursement' },
    {
      kind: 'paragraph',
      text: [
        `Policy: ${distribution.policy}. Merkle root `,
        { code: String(distribution.root) },
        ` over ${distribution.accounts} accounts, ${journal.amount(distribution.total)} in all, published in `,
        { code: String(distribution.file) },
        ' (OpenZeppelin StandardMerkleTree format: rebuild it and compare the root).',
      ],
    },
  ]
  if (claims) {
    blocks.push({
      kind: 'paragraph',
      text: ['Claim contract ', { code: String(claims.claimAddress) }, `: ${claims.claimed.length} claimed (${journal.amount(claims.claimedAmount)}), ${claims.unclaimed.length} unclaimed (${journal.amount(claims.unclaimedAmount)}).`],
    })
  }
  return blocks
}

function secondsBetween(journal: JournalView, from: unknown, to: unknown): number | undefined {
  const start = journal.blockTime(from)
  const end = journal.blockTime(to)
  return start && end ? (Date.parse(end) - Date.parse(start)) / 1000 : undefined
}

function joined(parts: Text[], separator: string): Text {
  return parts.flatMap((part, index) => (index === 0 ? part : [separator, ...part]))
}

function short(hex: unknown): string {
  return typeof hex === 'string' && hex.length > 14 ? `${hex.slice(0, 10)}…${hex.slice(-4)}` : String(hex)
}

function plural(count: number | bigint, noun: string): string {
  return `${count} ${noun}${count === 1 || count === 1n ? '' : 's'}`
}
