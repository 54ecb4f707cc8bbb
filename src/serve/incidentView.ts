import { describeEntry } from '../report/buildReport.js'
import type { Text } from '../report/reportDocument.js'
import { type Journaled, type JournalEntries, type JournalEntryType } from '../journal/entries.js'
import type { JournalEntry } from '../journal/hashChain.js'

/**
 * What the war-room page shows, computed from the journal and the Safe transaction files alone.
 * Only chosen fields travel to the page, never an entry's raw data: a journal may name an
 * environment variable or a file path the war room has no need to see.
 */
export type IncidentView = {
  incident: { id: string; title: string }
  plans: PlanView[]
  safeTransactions: SafeTransactionView[]
  losses: LossesView | undefined
  reimbursement: string[]
  approvals: ApprovalView[]
  /** What an approver may approve: restore stages and reimbursement plans the journal names. */
  approvable: { restore: string[]; reimbursement: string[] }
}

export type StepState = 'built' | 'simulated' | 'waiting' | 'sent' | 'done' | 'failed'

export type PlanView = { planId: string; phase: string; title: string; steps: { stepId: string; call: string; authority: string; state: StepState }[] }

/** Everything a signer compares with a hardware wallet's screen, and who has signed. */
export type SafeTransactionView = {
  planId: string
  stepId: string
  title: string
  chainId: number
  safe: string
  safeVersion: string
  nonce: string
  to: string
  value: string
  data: string
  operation: 'CALL' | 'DELEGATECALL'
  actions: { text: string; to: string; value: string; data: string }[]
  domainHash: string
  messageHash: string
  safeTxHash: string
  owners: string[]
  threshold: number
  signed: string[]
  state: StepState
}

export type LossesView = { asset: string; total: string; accounts: { account: string; loss: string; status: string }[] }

export type ApprovalView = { time: string; approval: 'restore' | 'reimbursement'; subject: string; by: string; note?: string }

/** A timeline row: the entry in words (the report's where it has them). */
export type TimelineRow = { seq: number; time: string; type: string; text: string }

/** The Safe transaction file of a proposal, as read and verified from the incident folder. */
export type StoredSafeTransaction = Omit<SafeTransactionView, 'signed' | 'state' | 'planId' | 'stepId' | 'title'> & { planId: string; stepId: string; title: string }

type Data<Type extends JournalEntryType> = Journaled<JournalEntries[Type]>

export type BuildIncidentViewParameters = {
  entries: readonly JournalEntry[]
  /** Verified Safe transaction files, by safeTxHash. */
  safeTransactions: ReadonlyMap<string, StoredSafeTransaction>
  /** Owners whose stored signature files check out, by safeTxHash. */
  storedSigners: ReadonlyMap<string, readonly string[]>
}

export function buildIncidentView({ entries, safeTransactions, storedSigners }: BuildIncidentViewParameters): IncidentView {
  const of = <Type extends JournalEntryType>(type: Type) => entries.filter((entry) => entry.type === type).map((entry) => entry.data as unknown as Data<Type>)
  const opened = of('incident.opened')[0]
  const states = stepStates(entries)
  const plans: PlanView[] = []
  for (const plan of of('plan.built')) {
    const view = { planId: plan.planId, phase: plan.phase, title: plan.title, steps: plan.steps.map((step) => ({ stepId: step.stepId, call: step.decoded, authority: `${step.authority.label} (${step.authority.kind} ${step.authority.address})`, state: states.get(`${plan.planId}/${step.stepId}`) ?? 'built' })) }
    // A rerun builds the same plan again: the page shows it once, as it stands now.
    const index = plans.findIndex((each) => each.planId === plan.planId)
    if (index === -1) plans.push(view)
    else plans[index] = view
  }

  const approvedBy = new Map<string, Set<string>>()
  for (const approved of of('safe.approved')) {
    const owners = approvedBy.get(approved.safeTxHash.toLowerCase()) ?? new Set<string>()
    owners.add(approved.owner.toLowerCase())
    approvedBy.set(approved.safeTxHash.toLowerCase(), owners)
  }
  const proposals = new Map<string, Data<'safe.proposed'>>()
  for (const proposed of of('safe.proposed')) proposals.set(proposed.safeTxHash.toLowerCase(), proposed)
  const safeViews: SafeTransactionView[] = []
  for (const [hash, proposed] of proposals) {
    const stored = safeTransactions.get(hash)
    if (!stored) continue
    const signers = new Set([...(approvedBy.get(hash) ?? []), ...(storedSigners.get(hash) ?? []).map((owner) => owner.toLowerCase())])
    const signed = stored.owners.filter((owner) => signers.has(owner.toLowerCase()))
    safeViews.push({ ...stored, signed, state: states.get(`${proposed.planId}/${proposed.stepId}`) ?? 'waiting' })
  }

  const approvals = entries
    .filter((entry) => entry.type === 'serve.approved')
    .map((entry) => {
      const data = entry.data as unknown as Data<'serve.approved'>
      return { time: entry.time, approval: data.approval, subject: data.subject, by: data.by, ...(data.note ? { note: data.note } : {}) }
    })
  const restoreStages = [...new Set([...of('restore.planned'), ...of('restore.gates'), ...of('restore.started')].map((each) => each.stage))]
  const reimbursementPlans = [...new Set(of('reimburse.planned').map((each) => each.planId))]

  return {
    incident: { id: String(opened?.id ?? '?'), title: String(opened?.title ?? 'incident') },
    plans,
    safeTransactions: safeViews,
    losses: lossesView(entries),
    reimbursement: reimbursementLines(entries),
    approvals,
    approvable: { restore: restoreStages, reimbursement: reimbursementPlans },
  }
}

/** Each step's latest state, in journal order: a rerun that sends a step once waiting moves it on. */
function stepStates(entries: readonly JournalEntry[]): Map<string, StepState> {
  const states = new Map<string, StepState>()
  const set = (planId: unknown, stepId: unknown, state: StepState) => {
    if (typeof planId === 'string' && typeof stepId === 'string') states.set(`${planId}/${stepId}`, state)
  }
  for (const entry of entries) {
    const data = (entry.data ?? {}) as { planId?: unknown; stepId?: unknown; steps?: unknown; ok?: unknown; stage?: unknown }
    switch (entry.type) {
      case 'plan.built':
        for (const step of (data.steps as { stepId: string }[] | undefined) ?? []) set(data.planId, step.stepId, 'built')
        break
      case 'plan.simulated':
        if (data.ok === true) for (const step of (data.steps as { stepId?: string }[] | undefined) ?? []) set(data.planId, step.stepId, 'simulated')
        break
      case 'step.waiting':
        set(data.planId, data.stepId, 'waiting')
        break
      case 'step.sent':
      case 'step.mined':
        set(data.planId, data.stepId, 'sent')
        break
      case 'step.done':
        set(data.planId, data.stepId, 'done')
        break
      case 'step.failed':
        set(data.planId, data.stepId, 'failed')
        break
    }
  }
  return states
}

function lossesView(entries: readonly JournalEntry[]): LossesView | undefined {
  const computed = entries.findLast((entry) => entry.type === 'losses.computed')?.data as unknown as Data<'losses.computed'> | undefined
  if (!computed) return undefined
  const distribution = entries.findLast((entry) => entry.type === 'distribution.built')?.data as unknown as Data<'distribution.built'> | undefined
  const finished = entries.findLast((entry) => entry.type === 'reimburse.finished')?.data as unknown as Data<'reimburse.finished'> | undefined
  const claims = entries.findLast((entry) => entry.type === 'claims.tracked')?.data as unknown as Data<'claims.tracked'> | undefined
  const lower = (address: string) => address.toLowerCase()
  const unpaid = new Map((distribution?.unpaid ?? []).map((each) => [lower(each.account), each.reason]))
  const claimed = new Set((claims?.claimed ?? []).map((each) => lower(each.account)))
  const open = new Set((claims?.unclaimed ?? []).map((each) => lower(each.account)))
  const status = (account: string): string => {
    const key = lower(account)
    if (unpaid.has(key)) return `not paid: ${unpaid.get(key)}`
    if (claimed.has(key)) return 'claimed'
    if (open.has(key)) return 'claim open'
    if (finished?.status === 'reimbursed' && finished.mode !== 'merkle') return 'reimbursed'
    if (finished?.status === 'reimbursed') return 'claimable'
    if (distribution) return 'in the distribution'
    return 'loss computed'
  }
  return {
    asset: computed.assetSymbol ?? computed.asset ?? 'the attacked asset',
    total: computed.total,
    accounts: computed.losses.map((loss) => ({ account: loss.account, loss: loss.loss, status: status(loss.account) })),
  }
}

function reimbursementLines(entries: readonly JournalEntry[]): string[] {
  const lines: string[] = []
  for (const entry of entries) {
    const text = entry.type === 'distribution.built' || entry.type === 'reimburse.finished' || entry.type === 'claims.tracked' ? describeEntry(entry) : undefined
    if (text) lines.push(`${entry.time}: ${plainText(text)}`)
  }
  const claims = entries.findLast((entry) => entry.type === 'claims.tracked')?.data as unknown as Data<'claims.tracked'> | undefined
  if (claims) lines.push(`claims: ${claims.claimedAmount} claimed, ${claims.unclaimedAmount} unclaimed, window ${claims.windowOpen ? 'open' : 'closed'}`)
  return lines
}

/** The timeline row of one entry: the report's words, else the page's own for entries the report leaves out. */
export function timelineRow(entry: JournalEntry): TimelineRow {
  const words = describeEntry(entry)
  return { seq: entry.seq, time: entry.time, type: entry.type, text: withoutUrls(words ? plainText(words) : describeOther(entry)) }
}

/** A reason journaled from a node's error may quote its URL, and a provider's URL often holds an API key. */
function withoutUrls(text: string): string {
  return text.replace(/\b[a-z][a-z0-9+.-]*:\/\/\S+/gi, '<url>')
}

function describeOther(entry: JournalEntry): string {
  const data = (entry.data ?? {}) as Record<string, unknown>
  const text = (value: unknown) => (typeof value === 'string' || typeof value === 'number' ? String(value) : '?')
  switch (entry.type) {
    case 'contain.started':
      return `containment started: playbook ${text(data.playbook)}${data.dryRun === true ? ' (dry run)' : ''}`
    case 'contain.planned':
      return 'containment planned'
    case 'step.sent':
      return `step ${text(data.stepId)} sent, tx ${text(data.txHash)}`
    case 'step.mined':
      return `step ${text(data.stepId)} mined in block ${text(data.blockNumber)} (${text(data.status)})`
    case 'step.verified':
      return `step ${text(data.stepId)} verified on chain`
    case 'step.waiting':
      return `step ${text(data.stepId)} waiting${data.signatures ? ' for Safe owners’ signatures' : ' for a timelock'}`
    case 'plan.waiting':
      return `plan ${text(data.planId)} waiting (${text(data.stage)})`
    case 'plan.failed':
      return `plan ${text(data.planId)} stopped at ${text(data.stage)}${typeof data.reason === 'string' ? `: ${data.reason}` : ''}`
    case 'safe.proposed':
      return `Safe transaction proposed to ${text(data.safe)} at nonce ${text(data.nonce)}, safeTxHash ${text(data.safeTxHash)}`
    case 'safe.approved':
      return `Safe transaction ${text(data.safeTxHash)} signed by owner ${text(data.owner)}`
    case 'serve.signature':
      return `signature of owner ${text(data.owner)} uploaded on the war-room page by ${text(data.by)}, for safeTxHash ${text(data.safeTxHash)}`
    case 'serve.approved':
      return `${text(data.approval)} approval of ${text(data.subject)} given on the war-room page by ${text(data.by)} (a journaled approval, not a key signature)`
    case 'upgrade.started':
      return `upgrade of ${text(data.contract)} started: ${text(data.from)} → ${text(data.to)}${data.dryRun === true ? ' (dry run)' : ''}`
    case 'upgrade.planned':
      return `upgrade planned: ${text(data.proxyKind)} proxy to ${text(data.implementation)}`
    case 'snapshot.started':
      return `snapshot of ${text(data.contract)} started at block ${text(data.blockNumber)}`
    case 'losses.started':
      return 'losses: comparing snapshots before and after the attack'
    case 'reimburse.started':
      return `reimbursement started (${text(data.mode)}, policy ${text(data.policy)})${data.dryRun === true ? ', dry run' : ''}`
    case 'reimburse.planned':
      return `reimbursement planned: ${text(data.planId)}`
    case 'restore.started':
      return `restore of stage ${text(data.stage)} started${data.dryRun === true ? ' (dry run)' : ''}`
    case 'restore.planned':
      return `restore of stage ${text(data.stage)} planned: ${text(data.planId)}`
    case 'assets.observed':
      return 'protocol assets observed over the incident’s blocks (see the charts)'
    default:
      return entry.type
  }
}

function plainText(text: Text): string {
  return text.map((part) => (typeof part === 'string' ? part : 'code' in part ? part.code : part.strong)).join('')
}
