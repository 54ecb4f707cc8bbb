import { formatTokenAmount } from '../format.js'
import { type Journaled, type JournalEntries, type JournalEntryType, type JournaledPhase, type TypedJournalEntry, entriesOf } from '../journal/entries.js'
import type { JournalEntry } from '../journal/hashChain.js'
import { type ChainAttribution, attributeChains } from './attributeChains.js'
import type { Asset, AssetChart, Block, ChartMark, ListItem, LossChart, ReportDocument, Text } from './reportDocument.js'

/**
 * An entry's data as the report reads it: typed by the journal's entry map (src/journal/entries.ts),
 * amounts and blocks as the decimal strings the file holds. A journal of an older version or
 * edited by hand may still lack a field: each section is rendered `safely`.
 */
type Data<Type extends JournalEntryType> = Journaled<JournalEntries[Type]>
type Entry<Type extends JournalEntryType> = TypedJournalEntry<Type, JournalEntry>
/** Any entry of a known type, discriminated by `type`. */
type KnownEntry = { [Type in JournalEntryType]: Entry<Type> }[JournalEntryType]
/** A step done by a transaction mined here, as opposed to one found already done on chain. */
type MinedStep = Data<'step.done'> & { txHash: string; blockNumber: string }

/** The bars a loss chart shows before grouping the rest: a long tail of dust accounts says nothing bar by bar. */
const LOSS_BARS = 20

/**
 * The post-mortem as a document, from the journal alone: anyone holding journal.jsonl can
 * regenerate it and check it against the chain. Sections appear only for what the journal records.
 */
export function buildReport(entries: readonly JournalEntry[]): ReportDocument {
  const journal = new JournalView(entries)
  const openedEntry = journal.of('incident.opened')[0]
  const opened = openedEntry?.data
  const title = `Incident report: ${opened?.title ?? 'incident'}`
  const blocks: Block[] = [
    { kind: 'heading', level: 1, text: title },
    { kind: 'paragraph', text: ['Incident ', { code: String(opened?.id ?? '?') }, `, opened ${openedEntry?.time ?? '?'}.`] },
    {
      kind: 'paragraph',
      // The head is the anchor: a copy of the report kept elsewhere proves later, with
      // `journal verify --anchor`, that the journal was not rewritten up to here.
      text: [
        `Generated from ${entries.length} journal entries; journal head `,
        { code: entries.at(-1)?.hash ?? '-' },
        ' (check that the journal still extends it with ',
        { code: `firebreak journal verify ${String(opened?.id ?? '<incident>')} --anchor ${entries.at(-1)?.hash ?? '<hash>'}` },
        ').',
      ],
    },
    ...[
      summarySection,
      chainsSection,
      automaticResponseSection,
      phasesSection,
      timelineSection,
      assetsSection,
      attackSection,
      lossesSection,
      gatesSection,
      refusedUpgradesSection,
      migrationsSection,
      restoreSection,
      plansSection,
      reimbursementSection,
    ].flatMap((section) => safely(section, journal)),
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

/**
 * One `firebreak upgrade` run, from its `upgrade.started` to the next: its gates and how it ended.
 * A drill journals the gates without a start: they make one run of their own.
 */
type UpgradeAttempt = {
  started?: Entry<'upgrade.started'>
  storage?: Data<'gate.storage'>
  replay?: Data<'gate.replay'>
  refused?: Entry<'upgrade.refused'>
  failed?: Entry<'upgrade.failed'>
  finished?: Data<'upgrade.finished'>
}

/**
 * Lookups over the entries, and amounts printed in the asset they are of. The view of the whole
 * journal, or of the entries about one chain (`on`): what happened is read from the view's own
 * entries, what a plan or an asset is from the whole journal's.
 */
class JournalView {
  readonly entries: readonly JournalEntry[]
  readonly attack: Data<'attack.detected'> | undefined
  /** The whole journal's view; this one, unless narrowed to a chain. */
  readonly root: JournalView
  /** The chain this view is narrowed to; undefined for the whole journal and for the entries of no known chain. */
  readonly chain: string | undefined
  readonly #attribution: ChainAttribution
  readonly #assets: Asset[]
  readonly #narrowed = new Map<string | undefined, JournalView>()

  constructor(entries: readonly JournalEntry[], narrowed?: { root: JournalView; chain: string | undefined }) {
    this.entries = entries
    this.root = narrowed?.root ?? this
    this.chain = narrowed?.chain
    this.attack = this.all('attack.detected')[0]
    this.#attribution = narrowed ? narrowed.root.#attribution : attributeChains(entries)
    this.#assets = narrowed ? narrowed.root.#assets : [
      ...this.all('attack.detected').map((attack) => attack.asset),
      ...this.all('assets.observed').map((observed) => observed.asset),
      ...this.all('migrate.planned').map(({ token }) => ({ address: token.address, symbol: token.symbol, decimals: token.decimals })),
      // An entry written by hand may lack its asset: the others still print in theirs.
    ].filter((asset) => asset !== undefined)
  }

  /** The chains the journal names, in the order it first names them. */
  get chains(): string[] {
    return this.#attribution.chains
  }

  /**
   * One incident over several chains: its report says which chain each row is of. A journal of
   * one chain (even one named, a manifest's chain acted on alone) reads as it always has.
   */
  get spansChains(): boolean {
    return this.chains.length > 1
  }

  chainOf(entry: { type: string; data: unknown }): string | undefined {
    return this.#attribution.chainOf(entry)
  }

  /** The entries about `chain`, or with `undefined` those the journal does not say the chain of. */
  on(chain: string | undefined): JournalView {
    const root = this.root
    let view = root.#narrowed.get(chain)
    if (!view) {
      view = new JournalView(
        root.entries.filter((entry) => root.chainOf(entry) === chain),
        { root, chain },
      )
      root.#narrowed.set(chain, view)
    }
    return view
  }

  /** The views a section is told in: the whole journal when it is of one chain; else each chain's, then the entries of no known chain. */
  parts(): JournalView[] {
    return this.spansChains ? [...this.chains.map((chain) => this.on(chain)), this.on(undefined)] : [this]
  }

  /**
   * Whether this view's block numbers can be set against each other: those of one chain can, and
   * so can all of a single-chain journal's; two entries of no known chain in an incident over
   * several chains may be of two chains.
   */
  get blocksComparable(): boolean {
    return !this.spansChains || this.chain !== undefined
  }

  of<Type extends JournalEntryType>(type: Type): Entry<Type>[] {
    return entriesOf(this.entries, type)
  }

  all<Type extends JournalEntryType>(type: Type): Data<Type>[] {
    return this.of(type).map((entry) => entry.data)
  }

  last<Type extends JournalEntryType>(type: Type): Data<Type> | undefined {
    return this.of(type).at(-1)?.data
  }

  /** Steps done by a transaction this incident sent; a step found already done on chain has no block of its own. */
  minedSteps(): MinedStep[] {
    return this.all('step.done').filter((step): step is MinedStep => step.blockNumber !== undefined)
  }

  /** The asset at `address`, or the attack's asset when the entry names none; amounts of an unknown asset print raw. */
  asset(address?: string): Asset {
    const attackAsset = (this.attack ?? this.root.attack)?.asset ?? { address: '', symbol: '', decimals: 18 }
    if (address === undefined) return attackAsset
    // Decimals unknown: base units, said so, rather than a guess that is off by 10^12 for a 6-decimal token.
    return this.#assets.find((asset) => asset.address.toLowerCase() === address.toLowerCase()) ?? { address, symbol: `units of ${short(address)}`, decimals: 0 }
  }

  amount(value: string | undefined, asset: Asset = this.asset()): string {
    if (value === undefined || value === null) return '?'
    return formatTokenAmount(BigInt(value), asset)
  }

  /**
   * A block's time as the chain stamped it, when an observation of assets sampled that block: an
   * observation of the same chain, when the incident spans several (block 30 of one chain is not
   * block 30 of another).
   */
  blockTime(blockNumber: string | undefined, chain: string | undefined = this.chain): string | undefined {
    if (blockNumber === undefined || blockNumber === null) return undefined
    const { root } = this
    if (root.spansChains && chain === undefined) return undefined
    const observations = root.spansChains ? root.on(chain).all('assets.observed') : root.all('assets.observed')
    for (const observed of observations) {
      const point = observed.points.find((candidate) => candidate.blockNumber === String(blockNumber))
      if (point?.timestamp !== undefined) return new Date(Number(point.timestamp) * 1000).toISOString()
    }
    return undefined
  }

  /** The plan as the engine journaled it before simulating it. */
  planOf(planId: string): Data<'plan.built'> | undefined {
    return this.root.all('plan.built').find((plan) => plan.planId === planId)
  }

  /** Which phase a plan belongs to: as the engine journaled it, or as the runner that planned it did. */
  phaseOf(planId: string): JournaledPhase | undefined {
    if (this !== this.root) return this.root.phaseOf(planId)
    const built = this.planOf(planId)?.phase
    if (built !== undefined) return built
    if (this.all('contain.planned').some((planned) => planned.planId === planId)) return 'contain'
    if ([...this.all('upgrade.planned'), ...this.all('migrate.planned')].some((planned) => planned.planId === planId)) return 'eradicate'
    if ([...this.all('restore.planned'), ...this.all('reimburse.planned')].some((planned) => planned.planId === planId)) return 'recover'
    return undefined
  }

  /** Restore plans, one per manifest stage, as runRestore journals them. */
  isRestorePlan(planId: string): boolean {
    return this.root.all('restore.planned').some((planned) => planned.planId === planId)
  }

  isMigrationPlan(planId: string): boolean {
    return this.root.all('migrate.planned').some((planned) => planned.planId === planId)
  }

  /**
   * Each upgrade run, in journal order, with the gates it ran and how it ended. Runs on several
   * chains go at once and interleave: ask a chain's view (`on`) for that chain's runs.
   */
  upgradeAttempts(): UpgradeAttempt[] {
    const attempts: UpgradeAttempt[] = []
    let current: UpgradeAttempt | undefined
    const open = (): UpgradeAttempt => {
      current = {}
      attempts.push(current)
      return current
    }
    const ended = (attempt: UpgradeAttempt) => attempt.refused !== undefined || attempt.failed !== undefined || attempt.finished !== undefined
    for (const entry of this.entries as readonly KnownEntry[]) {
      switch (entry.type) {
        case 'upgrade.started':
          open().started = entry
          break
        case 'gate.storage': {
          const attempt = current === undefined || ended(current) || current.storage ? open() : current
          attempt.storage = entry.data
          break
        }
        case 'gate.replay': {
          const attempt = current === undefined || ended(current) || current.replay ? open() : current
          attempt.replay = entry.data
          break
        }
        case 'upgrade.refused':
          ;(current ?? open()).refused = entry
          break
        case 'upgrade.failed':
          ;(current ?? open()).failed = entry
          break
        case 'upgrade.finished':
          ;(current ?? open()).finished = entry.data
          break
      }
    }
    return attempts
  }
}

function summarySection(journal: JournalView): Block[] {
  if (!journal.spansChains) {
    const items = summaryItems(journal, '')
    return items.length > 0 ? [{ kind: 'heading', level: 2, text: 'Summary' }, { kind: 'list', items }] : []
  }
  // Over several chains, "the pause" and "the fix" are one per chain: each line says its chain,
  // and a chain left open is said first, above everything else.
  const containment = journal.chains.map((chain) => ({ chain, ...containmentOn(journal.on(chain)) }))
  const open = containment.filter((state) => !state.contained)
  const alerts: Block[] = open.map(({ chain, summary }) => ({ kind: 'alert', text: [{ strong: `NOT contained on ${chain}:` }, ` ${summary}.`] }))
  const items: ListItem[] = [
    ...(open.length === 0 ? [{ text: [{ strong: 'Contained on every chain:' }, ` ${journal.chains.join(', ')}.`] }] : []),
    ...journal.chains.flatMap((chain) => summaryItems(journal.on(chain), ` on ${chain}`)),
    ...summaryItems(journal.on(undefined), ' (chain not journaled)'),
  ]
  return [{ kind: 'heading', level: 2, text: 'Summary' }, ...alerts, ...(items.length > 0 ? [{ kind: 'list', items } satisfies Block] : [])]
}

/**
 * The summary's lines, of the whole journal or of one chain's entries; `where` says which in each
 * label (`Contained on arbitrum:`). A chain's exposed targets are said by its alert instead.
 */
function summaryItems(journal: JournalView, where: string): ListItem[] {
  const label = (name: string) => ({ strong: `${name}${where}:` })
  const { attack } = journal
  const mined = journal.minedSteps()
  const pauseDone = mined.find((step) => journal.phaseOf(step.planId) === 'contain')
  const blocked = journal.all('attack.blocked')[0]
  const claims = journal.last('claims.tracked')
  const restored = mined.filter((step) => journal.isRestorePlan(step.planId))
  const items: ListItem[] = []
  if (attack) items.push({ text: [label('Attack'), ` ${attackTaken(journal, attack)} in block ${attack.blockNumber}`, ...(attack.txHash ? [' (tx ', { code: attack.txHash }, ').'] : ['.'])] })
  // A chain whose pause went out but whose containment is not whole must not read as contained.
  const containedLabel = label(journal.chain !== undefined && !containmentOn(journal).contained ? 'Partly contained' : 'Contained')
  if (pauseDone && attack && journal.blocksComparable) {
    const seconds = secondsBetween(journal, attack.blockNumber, pauseDone.blockNumber)
    items.push({ text: [containedLabel, ` paused in block ${pauseDone.blockNumber}, ${plural(BigInt(pauseDone.blockNumber) - BigInt(attack.blockNumber), 'block')}${seconds === undefined ? '' : ` (${seconds} s)`} after the attack.`] })
  } else if (pauseDone && journal.spansChains) {
    items.push({ text: [containedLabel, ` paused in block ${pauseDone.blockNumber}.`] })
  }
  const landed = journal.last('watch.landed')
  if (landed) items.push({ text: [label('Automatic response'), ` ${landedVerdict(landed)}.`] })
  const contained = journal.last('contain.finished')
  if (contained?.exposed?.length && journal.chain === undefined) items.push({ text: [label('Still exposed'), ` ${exposedTargets(contained.exposed)}.`] })
  if (blocked) items.push({ text: [label('Second attempt'), ` ${blocked.reverted ? `reverted (${blocked.reason})` : 'SUCCEEDED'} in block ${blocked.blockNumber}.`] })
  const refused = journal.upgradeAttempts().filter((attempt) => attempt.refused)
  if (refused.length > 0) items.push({ text: [label('Refused'), ` ${plural(refused.length, 'upgrade')} stopped by ${[...new Set(refused.map(refusingGate))].join(' and ')}.`] })
  const upgradeBlock = fixedInBlock(journal)
  if (upgradeBlock !== undefined) items.push({ text: [label('Fixed'), ` proxy upgraded in block ${upgradeBlock} after the storage and replay gates passed.`] })
  for (const migration of journal.all('migrate.planned')) {
    const proof = proofOf(journal, migration)
    const verdict = proof === undefined ? 'conservation not proven yet' : proof.ok ? 'conservation verified' : 'conservation FAILED'
    items.push({ text: [label('Migrated'), ` ${migration.contract} to ${migration.token.symbol} `, { code: migration.token.address }, ` (${plural(migration.snapshot.accounts, 'account')}, ${batchesOf(journal, migration.planId).describe}); ${verdict}.`] })
  }
  if (claims) items.push({ text: [label('Reimbursed'), ` ${journal.amount(claims.claimedAmount)} claimed by ${claims.claimed.length} accounts; ${journal.amount(claims.unclaimedAmount)} unclaimed.`] })
  const stages = journal.all('restore.finished').filter((finished) => finished.status === 'restored')
  if (stages.length > 0) {
    items.push({ text: [label('Restored'), ` ${stages.map((stage) => `stage ${stage.stage} in block ${stage.blockNumber ?? '?'}`).join(', ')}.`] })
  } else if (restored.length > 0) {
    items.push({ text: [label('Restored'), ` unpaused in block ${restored.at(-1)!.blockNumber}.`] })
  }
  return items
}

function exposedTargets(exposed: readonly { contract: string; reason: string }[]): string {
  return exposed.map((target) => `${target.contract} (${target.reason})`).join('; ')
}

/**
 * Whether one chain is contained, from its containment runs: the last run that finished (the
 * operator's, or the watcher's automatic response) decides, since a rerun that found a target
 * newly exposed supersedes an earlier verdict. A run that failed after one had contained the chain
 * leaves the chain as that one left it: the pause is on chain whatever the rerun's node did.
 */
function containmentOn(journal: JournalView): { contained: boolean; summary: string } {
  const finished = (journal.entries as readonly KnownEntry[]).filter((entry) => entry.type === 'contain.finished' || entry.type === 'watch.landed').at(-1)
  const failed = journal.last('contain.failed')
  if (finished?.type === 'watch.landed') {
    return finished.data.contained ? { contained: true, summary: 'contained by the automatic response' } : { contained: false, summary: 'the automatic response ran, and a check read on chain failed' }
  }
  if (finished?.type === 'contain.finished') {
    const { status, exposed = [] } = finished.data
    if ((status === 'contained' || status === 'nothing-to-do') && exposed.length === 0) return { contained: true, summary: status === 'contained' ? 'contained' : 'contained already (nothing to do)' }
    const pending = { signatures: "a Safe transaction waits for its owners' signatures", waiting: "a step waits for a timelock's delay", 'dry-run': 'a dry run only: nothing sent' }
    const waiting = status in pending ? pending[status as keyof typeof pending] : status
    return { contained: false, summary: exposed.length > 0 ? `${exposedTargets(exposed)} still exposed${status === 'exposed' ? '' : `; ${waiting}`}` : waiting }
  }
  if (failed) return { contained: false, summary: `containment failed${failed.reason ? `: ${failed.reason}` : ''}` }
  return { contained: false, summary: 'no containment journaled for this chain' }
}

/**
 * The incident chain by chain, when it spans several: what hit each chain and how far the response
 * got there. Only what the journal attributes to a chain is counted for it.
 */
function chainsSection(journal: JournalView): Block[] {
  if (!journal.spansChains) return []
  const rows = journal.chains.map((chain): Text[] => {
    const here = journal.on(chain)
    const attacks = here.all('attack.detected').map((attack) => `${attackTaken(here, attack)} in block ${attack.blockNumber}`)
    const containment = containmentOn(here)
    const pause = here.minedSteps().find((step) => here.phaseOf(step.planId) === 'contain')
    const fixed = fixedInBlock(here)
    return [
      [chain],
      [attacks.length > 0 ? attacks.join('; ') : '-'],
      containment.contained ? [`${containment.summary}${pause ? `, paused in block ${pause.blockNumber}` : ''}`] : [{ strong: 'NOT contained' }, `: ${containment.summary}`],
      [fixed === undefined ? '-' : `upgraded in block ${fixed}`],
      [reimbursedOn(here)],
      [restoredOn(here)],
    ]
  })
  return [
    { kind: 'heading', level: 2, text: 'Chains' },
    { kind: 'paragraph', text: ['Each chain as the journal records it; an entry that names no chain (its writer did not say which) is counted for none.'] },
    { kind: 'table', head: ['chain', 'attacked', 'contained', 'fixed', 'reimbursed', 'restored'], rows },
  ]
}

function reimbursedOn(journal: JournalView): string {
  const claims = journal.last('claims.tracked')
  if (claims) return `${journal.amount(claims.claimedAmount)} claimed by ${plural(claims.claimed.length, 'account')}; ${journal.amount(claims.unclaimedAmount)} unclaimed`
  const finished = journal.all('reimburse.finished').findLast((candidate) => candidate.status === 'reimbursed')
  if (finished) return `reimbursed (${finished.mode})`
  const funded = journal.minedSteps().findLast((step) => journal.phaseOf(step.planId) === 'recover' && !journal.isRestorePlan(step.planId))
  return funded ? `funded in block ${funded.blockNumber}` : '-'
}

function restoredOn(journal: JournalView): string {
  const stages = journal.all('restore.finished').filter((finished) => finished.status === 'restored')
  if (stages.length > 0) return stages.map((stage) => `stage ${stage.stage} in block ${stage.blockNumber ?? '?'}`).join(', ')
  const restored = journal.minedSteps().filter((step) => journal.isRestorePlan(step.planId))
  return restored.length > 0 ? `unpaused in block ${restored.at(-1)!.blockNumber}` : '-'
}

/** Where an automatic pause landed, in a phrase: `contained, mined ahead of the attack (block 41, index 0 before 1)`. */
function landedVerdict(landed: Data<'watch.landed'>): string {
  const verdict = landed.contained ? 'contained (checks read on chain)' : 'NOT contained: a check read on chain failed'
  const [pause] = landed.transactions
  const { attack } = landed
  if (!attack) return `${verdict}, pause in block ${pause?.blockNumber ?? 'not mined'}`
  if (attack.status === 'not-mined') return `${verdict}; the pending attack was not mined`
  const placement = landed.ahead ? 'mined ahead of the attack' : 'NOT mined ahead of the attack'
  return `${verdict}, ${placement} (pause at block ${pause?.blockNumber ?? '?'} index ${pause?.index ?? '?'}, attack at block ${attack.blockNumber} index ${attack.index}, attack ${attack.status})`
}

/**
 * What the watcher saw and did, when the incident was opened by it: the trigger, the pending
 * attack, the broadcast and its speed, and where the pause landed relative to the attack.
 */
function automaticResponseSection(journal: JournalView): Block[] {
  const triggered = journal.last('watch.triggered')
  if (!triggered) return []
  const items: ListItem[] = [{ text: [`trigger ${triggered.trigger} (${triggered.kind}) at block ${triggered.blockNumber}: ${triggered.detail}`] }]
  if (triggered.pending) items.push({ text: ['pending transaction ', { code: triggered.pending.hash }, ' from ', { code: triggered.pending.from }, ...(triggered.pending.maxPriorityFeePerGas !== undefined ? [`, tip ${triggered.pending.maxPriorityFeePerGas} wei/gas`] : [])] })
  if (journal.last('watch.declined')) items.push({ text: ['declined by a person (--confirm): nothing was sent'] })
  const broadcast = journal.last('watch.broadcast')
  if (broadcast) {
    for (const transaction of broadcast.transactions) {
      items.push({ text: [`${transaction.title}: `, { code: transaction.hash }, ` from ${transaction.from}, nonce ${transaction.nonce}, tip ${transaction.maxPriorityFeePerGas} wei/gas, via the ${transaction.via} node`] })
    }
  }
  const landed = journal.last('watch.landed')
  if (broadcast) items.push({ text: [`decision to broadcast: ${landed?.decisionToBroadcastMs ?? '?'} ms until the node took it (${broadcast.decisionToSendMs} ms until it was sent)`] })
  if (landed) {
    items.push({ text: [landedVerdict(landed)] })
    for (const check of landed.checks) items.push({ text: [`${check.passed ? 'passed' : 'FAILED'}: ${check.description} (read ${check.actual}, expected ${check.expected})`] })
  }
  items.push({ text: ['watcher journal: ', { code: triggered.watcher }] })
  return [{ kind: 'heading', level: 2, text: 'Automatic response' }, { kind: 'list', items }]
}

/** `95,000 dUSD taken from 3 accounts`, or what is known when the figure is not. */
function attackTaken(journal: JournalView, attack: Data<'attack.detected'>): string {
  const from = `from ${plural(attack.victims.length, 'account')}`
  return attack.stolen === undefined ? `an amount not measured taken ${from}` : `${journal.amount(attack.stolen, journal.asset(attack.asset.address))} taken ${from}`
}

/** The block the fix landed in: as `firebreak upgrade` finished it, or the upgrade step of an upgrade plan. */
function fixedInBlock(journal: JournalView): string | undefined {
  const finished = journal.all('upgrade.finished').findLast((upgrade) => upgrade.status === 'upgraded')
  if (finished) return finished.blockNumber ?? '?'
  return journal
    .minedSteps()
    .findLast((step) => journal.phaseOf(step.planId) === 'eradicate' && !journal.isMigrationPlan(step.planId) && step.stepId.startsWith('upgrade-'))?.blockNumber
}

/**
 * One row per phase of the response, at the block its decisive transaction landed in: the
 * figures a post-mortem is asked for first (how long to contain, to fix, to reopen).
 */
function phasesSection(journal: JournalView): Block[] {
  type Row = { phase: string; chain?: string; blockNumber?: string; journaled: string; what: Text }
  const rows: Row[] = []
  for (const entry of journal.of('attack.detected')) {
    const { data: attack, time } = entry
    rows.push({ phase: 'detection', chain: journal.chainOf(entry), blockNumber: attack.blockNumber, journaled: time, what: ['attack ', ...(attack.txHash ? [{ code: attack.txHash }] : []), `: ${attackTaken(journal, attack)}`] })
  }
  const minedIn = (view: JournalView) => view.of('step.done').filter((entry): entry is Entry<'step.done'> & { data: MinedStep } => entry.data.blockNumber !== undefined)
  const done = minedIn(journal)
  // Each chain contained, fixed and reimbursed on its own: one row per chain, in its own blocks.
  const row = (phase: string, pick: (view: JournalView) => { time: string; data: MinedStep } | undefined, describe: (title: string | undefined) => string) => {
    for (const view of journal.parts()) {
      const entry = pick(view)
      if (!entry) continue
      const { data } = entry
      rows.push({ phase, chain: view.chain, blockNumber: data.blockNumber, journaled: entry.time, what: [describe(journal.planOf(data.planId)?.title), ' (tx ', { code: data.txHash }, ')'] })
    }
  }
  const lastDoneOf = (test: (planId: string) => boolean) => (view: JournalView) => minedIn(view).filter((entry) => test(entry.data.planId)).at(-1)
  const firstDoneOf = (test: (planId: string) => boolean) => (view: JournalView) => minedIn(view).find((entry) => test(entry.data.planId))
  row('containment', firstDoneOf((id) => journal.phaseOf(id) === 'contain'), (title) => `${title ?? 'contained'}: first lever pulled`)
  row('fix', lastDoneOf((id) => journal.phaseOf(id) === 'eradicate'), (title) => `${title ?? 'fixed'}: last step`)
  row('reimbursement', lastDoneOf((id) => journal.phaseOf(id) === 'recover' && !journal.isRestorePlan(id)), (title) => `${title ?? 'reimbursement'}: funded`)
  for (const entry of done.filter((candidate) => journal.isRestorePlan(candidate.data.planId))) {
    const { data, time } = entry
    rows.push({ phase: 'restore', chain: journal.chainOf(entry), blockNumber: data.blockNumber, journaled: time, what: [`${journal.planOf(data.planId)?.title ?? data.planId}: step ${data.stepId}`, ' (tx ', { code: data.txHash }, ')'] })
  }
  if (rows.length === 0) return []
  const withChain = journal.spansChains
  return [
    { kind: 'heading', level: 2, text: 'Phases' },
    {
      kind: 'table',
      head: ['phase', ...(withChain ? ['chain'] : []), 'block', 'block time (UTC)', 'journaled (UTC)', 'what'],
      rows: rows.map((row) => [[row.phase], ...(withChain ? [[row.chain ?? '']] : []), [String(row.blockNumber ?? '')], [journal.blockTime(row.blockNumber, row.chain) ?? '-'], [row.journaled], row.what]),
    },
  ]
}

function timelineSection(journal: JournalView): Block[] {
  const withChain = journal.spansChains
  const rows: Text[][] = []
  for (const entry of journal.entries as readonly KnownEntry[]) {
    const event = describeEvent(entry)
    const blockNumber = (entry.data as { blockNumber?: unknown } | null)?.blockNumber
    const block = [blockNumber === undefined || blockNumber === null ? '' : String(blockNumber)]
    if (event) rows.push([[entry.time], ...(withChain ? [[journal.chainOf(entry) ?? '']] : []), block, event])
  }
  return [{ kind: 'heading', level: 2, text: 'Timeline' }, { kind: 'table', head: ['time (UTC)', ...(withChain ? ['chain'] : []), 'block', 'event'], rows }]
}

/** One journal entry in the words of the report's timeline, or undefined for entries the timeline leaves out. */
export function describeEntry(entry: JournalEntry): Text | undefined {
  return describeEvent(entry as KnownEntry)
}

function describeEvent(entry: KnownEntry): Text | undefined {
  switch (entry.type) {
    case 'incident.opened':
      return [`incident opened: ${entry.data.title}`]
    case 'attack.detected':
      return ['attack detected: ', ...(entry.data.txHash ? ['tx ', { code: short(entry.data.txHash) }] : ['calls']), ` by ${short(entry.data.attacker)}`]
    case 'plan.built':
      return [`plan built: ${entry.data.title} (${plural(entry.data.steps.length, 'step')})`]
    case 'plan.simulated':
      return [`plan ${entry.data.planId} simulated on a fork at block ${entry.data.forkBlock}: ${entry.data.ok ? 'passed' : 'FAILED'}`]
    case 'step.done':
      return entry.data.txHash === undefined ? [`step ${entry.data.stepId} found done on chain: ${entry.data.alreadyOnChain}`] : [`step ${entry.data.stepId} done, tx `, { code: short(entry.data.txHash) }]
    case 'step.failed':
      return [`step ${entry.data.stepId} FAILED at ${entry.data.stage}`]
    case 'attack.blocked':
      return [`attacker's next attempt ${entry.data.reverted ? 'reverted' : 'succeeded'}: ${entry.data.reason}`]
    case 'watch.triggered':
      return [`watcher triggered by ${entry.data.trigger} (${entry.data.kind}): ${entry.data.detail}`]
    case 'watch.declined':
      return [`automatic response to ${entry.data.trigger} declined by a person (--confirm): nothing sent`]
    case 'watch.broadcast':
      return [`armed plan sent ${entry.data.decisionToSendMs} ms after the trigger: `, ...joined(entry.data.transactions.map((transaction) => [{ code: short(transaction.hash) }]), ', ')]
    case 'watch.landed':
      return [`automatic response: ${landedVerdict(entry.data)}`]
    case 'contain.finished':
      return [`containment ${entry.data.planId}: ${entry.data.status}${entry.data.exposed?.length ? `, ${entry.data.exposed.map((target) => target.contract).join(', ')} still exposed` : ''}`]
    case 'snapshot.taken':
      return [`snapshot of ${entry.data.contract}: ${plural(entry.data.accounts, 'account')} in `, { code: entry.data.file }]
    case 'gate.storage':
      return [`storage gate ${entry.data.compatible ? 'passed' : 'FAILED'}: ${entry.data.from} → ${entry.data.to}`]
    case 'gate.replay':
      return [`replay gate ${entry.data.passed ? 'passed' : 'FAILED'}: ${entry.data.verdict}`]
    case 'upgrade.refused':
      return [`upgrade of ${entry.data.contract} REFUSED: ${entry.data.reason ?? 'no reason journaled'}`]
    case 'upgrade.finished':
      return entry.data.status === 'upgraded' ? ['proxy upgraded to ', { code: short(entry.data.implementation) }] : undefined
    case 'migrate.planned':
      return [`migration of ${entry.data.contract} planned: ${plural(entry.data.snapshot.accounts, 'account')} to ${entry.data.token.symbol} in ${plural(entry.data.steps, 'step')}`]
    case 'migration.verified':
      return [`migration conserved: ${plural(entry.data.token.accountsChecked, 'account')} checked, ${entry.data.token.mismatches} mismatches`]
    case 'migration.unbalanced':
      return [`migration UNBALANCED: ${entry.data.problems[0] ?? 'see the migration section'}`]
    case 'migrate.failed':
      return [`migration of ${entry.data.contract} stopped: ${entry.data.reason ?? 'no reason journaled'}`]
    case 'losses.computed':
      return [`losses computed for ${plural(entry.data.losses.length, 'account')}`]
    case 'distribution.built':
      return ['distribution built, root ', { code: short(entry.data.root) }]
    case 'reimburse.finished':
      return [`reimbursement ${entry.data.planId} (${entry.data.mode}): ${entry.data.status}`]
    case 'claims.tracked':
      return [`claims: ${entry.data.claimed.length} paid, ${entry.data.unclaimed.length} open`]
    case 'plan.done':
      return [`plan ${entry.data.planId} complete`]
    case 'restore.approved':
      return [`restore stage ${entry.data.stage} approved by ${entry.data.authority} (signed)`]
    case 'restore.gates':
      return [`restore stage ${entry.data.stage} gates: ${entry.data.passed ? 'all passed' : `REFUSED by ${entry.data.gates.filter((gate) => !gate.passed).map((gate) => gate.gate).join(', ')}`}`]
    case 'restore.finished':
      return entry.data.status === 'restored' ? [`restore stage ${entry.data.stage} reopened`] : undefined
    default:
      return undefined
  }
}

/** The protocol's assets over blocks, one chart per asset observed, with the incident's events marked. */
function assetsSection(journal: JournalView): Block[] {
  // One token address may be deployed on several chains (the same deployer, the same nonce): the latest observation of each on each chain.
  const latest = new Map<string, { observed: Data<'assets.observed'>; chain: string | undefined }>()
  for (const entry of journal.of('assets.observed')) {
    const chain = journal.spansChains ? journal.chainOf(entry) : undefined
    latest.set(`${chain ?? ''} ${String(entry.data.asset?.address).toLowerCase()}`, { observed: entry.data, chain })
  }
  if (latest.size === 0) return []
  const blocks: Block[] = [{ kind: 'heading', level: 2, text: 'Protocol assets' }]
  for (const { observed, chain } of latest.values()) {
    const { asset, holders, points } = observed
    // The events of another chain happened at blocks of another chain: an observation marks only its own chain's.
    const marks = journal.spansChains ? (chain === undefined ? [] : chartMarks(journal.on(chain))) : chartMarks(journal)
    const where = !journal.spansChains ? '' : chain === undefined ? ' (chain not journaled: no event marked)' : ` on ${chain}`
    const chart: AssetChart = {
      kind: 'assets',
      title: `${asset.symbol} held by ${holders.map((holder) => holder.name).join(', ')}${where}, blocks ${observed.fromBlock} to ${observed.toBlock}`,
      asset,
      series: holders.map((holder, index) => ({
        name: holder.name,
        address: holder.address,
        points: points.map((point) => ({ blockNumber: BigInt(point.blockNumber), amount: BigInt(point.balances[index]!) })),
      })),
      marks,
    }
    blocks.push({ kind: 'paragraph', text: [`${chart.title}, read from the chain at ${plural(points.length, 'sampled block')}${observed.unavailable?.length ? ` (${observed.unavailable.length} blocks could not be read)` : ''}.`] })
    blocks.push({ kind: 'chart', chart })
  }
  return blocks
}

function chartMarks(journal: JournalView): ChartMark[] {
  const marks: ChartMark[] = journal.all('attack.detected').map((attack) => ({ kind: 'attack', blockNumber: BigInt(attack.blockNumber), label: 'attack' }))
  const done = journal.minedSteps()
  const pause = done.find((step) => journal.phaseOf(step.planId) === 'contain')
  if (pause) marks.push({ kind: 'pause', blockNumber: BigInt(pause.blockNumber), label: 'pause' })
  const fix = done.filter((step) => journal.phaseOf(step.planId) === 'eradicate').at(-1)
  if (fix) marks.push({ kind: 'fix', blockNumber: BigInt(fix.blockNumber), label: 'fix' })
  const stages = journal.all('restore.finished').filter((finished): finished is typeof finished & { blockNumber: string } => finished.status === 'restored' && finished.blockNumber !== undefined)
  if (stages.length > 0) for (const stage of stages) marks.push({ kind: 'restore', blockNumber: BigInt(stage.blockNumber), label: `restore ${stage.stage}` })
  else for (const step of done.filter((candidate) => journal.isRestorePlan(candidate.planId))) marks.push({ kind: 'restore', blockNumber: BigInt(step.blockNumber), label: 'restore' })
  return marks
}

function attackSection(journal: JournalView): Block[] {
  const attacks = journal.all('attack.detected')
  if (attacks.length === 0) return []
  const items: ListItem[] = []
  for (const entry of journal.of('attack.detected')) {
    const attack = entry.data
    const hashes = attack.transactions ?? (attack.txHash ? [attack.txHash] : [])
    const asset = journal.asset(attack.asset.address)
    const where = onChain(journal, entry)
    items.push(
      hashes.length > 0
        ? { text: [`${hashes.length > 1 ? 'transactions' : 'transaction'} `, ...joined(hashes.map((hash) => [{ code: hash }]), ', '), ` in block ${attack.blockNumber}${where}`] }
        : { text: [`calls in block ${attack.blockNumber}${where} (given without their transaction hashes)`] },
      { text: ['attacker ', { code: attack.attacker }, ...(attack.exploitContract ? [', through contract ', { code: attack.exploitContract }] : [', deploying its exploit in the attack'])] },
      {
        text: [
          attack.stolen === undefined
            ? 'taken: not measured (replayed on a fork, the attack did not reproduce)'
            : `taken: ${journal.amount(attack.stolen, asset)}${attack.measuredBy === 'replay' ? ` (measured by replaying the attack on a fork of block ${BigInt(attack.blockNumber) - 1n})` : ''}`,
        ],
      },
      { text: ['victims: ', ...joined(attack.victims.map((victim) => [{ code: victim }]), ', ')] },
    )
  }
  for (const entry of journal.of('attack.blocked')) {
    const attempt = entry.data
    items.push({ text: ['later attempt ', { code: attempt.txHash }, ` in block ${attempt.blockNumber}${onChain(journal, entry)}: ${attempt.reverted ? `reverted (${attempt.reason})` : 'SUCCEEDED'}`] })
  }
  return [{ kind: 'heading', level: 2, text: 'Attack' }, { kind: 'list', items }]
}

function lossesSection(journal: JournalView): Block[] {
  const entries = journal.of('losses.computed')
  if (entries.length === 0) return []
  const withChain = journal.spansChains
  const blocks: Block[] = [{ kind: 'heading', level: 2, text: 'Losses' }]
  if (entries.length > 1 || entries[0]?.data.asset) {
    blocks.push({
      kind: 'table',
      head: [...(withChain ? ['chain'] : []), 'asset', 'accounts', 'total loss'],
      align: [...(withChain ? ['left' as const] : []), 'left', 'right', 'right'],
      rows: entries.map((entry) => {
        const losses = entry.data
        const asset = journal.asset(losses.asset)
        return [...(withChain ? [[journal.chainOf(entry) ?? '']] : []), [asset.symbol || 'asset', ' ', { code: String(losses.asset ?? asset.address) }], [String(losses.losses.length)], [journal.amount(losses.total, asset)]]
      }),
    })
  }
  for (const entry of entries) {
    const losses = entry.data
    const asset = journal.asset(losses.asset)
    const amount = (value: string) => journal.amount(value, asset)
    const rows: Text[][] = losses.losses.map((row) => [[{ code: row.account }], [amount(row.before)], [amount(row.after)], [amount(row.loss)]])
    rows.push([[{ strong: 'total' }], [], [], [{ strong: amount(losses.total) }]])
    const chain = withChain ? journal.chainOf(entry) : undefined
    blocks.push({ kind: 'paragraph', text: [`${chain === undefined ? '' : `Losses on ${chain}. `}Method: ${losses.method}.`] })
    blocks.push({ kind: 'table', head: ['account', 'before', 'after', 'loss'], align: ['left', 'right', 'right', 'right'], rows })
    if (losses.excluded?.length) blocks.push({ kind: 'paragraph', text: ['Excluded (attacker): ', ...joined(losses.excluded.map((account) => [{ code: account }]), ', '), '.'] })
    blocks.push({ kind: 'chart', chart: lossChart(losses, asset) })
  }
  return blocks
}

function lossChart(losses: Data<'losses.computed'>, asset: Asset): LossChart {
  const sorted = losses.losses.map((row) => ({ account: row.account, loss: BigInt(row.loss) })).sort((a, b) => (a.loss === b.loss ? 0 : a.loss > b.loss ? -1 : 1))
  const rest = sorted.slice(LOSS_BARS)
  return {
    kind: 'losses',
    title: `Loss distribution: ${asset.symbol || 'asset'} lost by ${plural(sorted.length, 'account')}`,
    asset,
    bars: sorted.slice(0, LOSS_BARS),
    ...(rest.length > 0 ? { others: { accounts: rest.length, loss: rest.reduce((sum, row) => sum + row.loss, 0n) } } : {}),
  }
}

/** The gates of the fix: those of the last upgrade run they did not refuse (refused runs have their own section); over several chains, each chain's. */
function gatesSection(journal: JournalView): Block[] {
  const shipped = (view: JournalView) => view.upgradeAttempts().findLast((candidate) => !candidate.refused && (candidate.storage || candidate.replay))
  if (!journal.spansChains) {
    const attempt = shipped(journal)
    return attempt ? [{ kind: 'heading', level: 2, text: 'Fix gates' }, { kind: 'list', items: gateItems(journal, attempt) }] : []
  }
  // Over several chains, each chain's fix has gates of its own: the last run of each chain, among
  // the gates that name it. Runs on several chains go at once and interleave in the journal, so
  // gates that name no chain cannot be paired into runs: each is shown as it was journaled.
  const blocks: Block[] = []
  for (const chain of journal.chains) {
    const attempt = shipped(journal.on(chain))
    if (attempt) blocks.push({ kind: 'heading', level: 3, text: `on ${chain}` }, { kind: 'list', items: gateItems(journal, attempt) })
  }
  const unnamed = (journal.on(undefined).entries as readonly KnownEntry[]).flatMap((entry) =>
    entry.type === 'gate.storage' ? gateItems(journal, { storage: entry.data }) : entry.type === 'gate.replay' ? gateItems(journal, { replay: entry.data }) : [],
  )
  if (unnamed.length > 0) blocks.push({ kind: 'heading', level: 3, text: 'gates that name no chain, as journaled' }, { kind: 'list', items: unnamed })
  return blocks.length > 0 ? [{ kind: 'heading', level: 2, text: 'Fix gates' }, ...blocks] : []
}

function gateItems(journal: JournalView, { storage, replay }: Pick<UpgradeAttempt, 'storage' | 'replay'>): ListItem[] {
  const items: ListItem[] = []
  if (storage) items.push({ text: [{ strong: 'Storage layout' }, ` ${storage.from} → ${storage.to}: ${storage.compatible ? 'compatible' : 'INCOMPATIBLE'}.`], items: storageDetails(storage) })
  if (replay) items.push({ text: [{ strong: 'Attack replay' }, ` on a fork at block ${replay.forkBlock}: ${replay.passed ? 'passed' : 'FAILED'} — ${replay.verdict}.`], items: replayDetails(journal, replay) })
  return items
}

function storageDetails(storage: Data<'gate.storage'>): Text[] {
  const details: Text[] = storage.conflicts.map((conflict) => [conflict.message])
  if (storage.appended.length) details.push([`appended: ${storage.appended.join(', ')}`])
  return details
}

function replayDetails(journal: JournalView, replay: Data<'gate.replay'>): Text[] {
  return [
    [`before the fix: ${journal.amount(replay.unpatched.extracted)} extracted`],
    [`after the fix: ${replay.patched.reverted ? `reverted with ${replay.patched.revert}` : `${journal.amount(replay.patched.extracted)} extracted`}`],
    ...replay.normalOperations.map((operation): Text => [`${operation.description}: ${operation.ok ? 'works' : `FAILS (${operation.revert})`}`]),
  ]
}

/** Which gate stopped an upgrade run: the storage gate runs first, the replay gate only when it passed. */
function refusingGate(attempt: UpgradeAttempt): string {
  if (attempt.storage && !attempt.storage.compatible) return 'the storage gate'
  if (attempt.replay && !attempt.replay.passed) return 'the replay gate'
  return 'a gate'
}

/** Each upgrade a gate refused, with the gate's reason: the fixes the team tried and why they did not ship. */
function refusedUpgradesSection(journal: JournalView): Block[] {
  // Each chain's runs from the entries that name it: runs on several chains interleave in the journal.
  const refused = journal.parts().flatMap((part) =>
    part.upgradeAttempts().flatMap((attempt) => (attempt.refused === undefined ? [] : [{ ...attempt, refused: attempt.refused, chain: part.chain }])),
  )
  if (refused.length === 0) return []
  const items: ListItem[] = refused.map((attempt) => {
    const { time, data } = attempt.refused
    const from = attempt.started?.data.from ?? attempt.storage?.from
    const to = attempt.started?.data.to ?? attempt.storage?.to
    const gate = refusingGate(attempt)
    const details: Text[] =
      gate === 'the storage gate' ? storageDetails(attempt.storage!) : gate === 'the replay gate' ? [[`replayed on a fork at block ${attempt.replay!.forkBlock}`], ...replayDetails(journal, attempt.replay!)] : []
    // The runner's reason names the gate already; one that does not is told which.
    const why = data.reason === undefined ? `refused by ${gate}` : data.reason.includes(gate) ? data.reason : `refused by ${gate}: ${data.reason}`
    const { chain } = attempt
    return { text: [`${time}: `, { strong: data.contract }, `${chain === undefined ? '' : ` on ${chain}`}${from && to ? ` ${from} → ${to}` : ''}: ${why}`], items: details }
  })
  return [{ kind: 'heading', level: 2, text: 'Refused upgrades' }, { kind: 'list', items }]
}

/** The mint batches of a migration plan (`mint-000000`…): how many the plan has, how many are done. */
function batchesOf(journal: JournalView, planId: string): { planned: number; done: number; describe: string } {
  const isBatch = (stepId: string) => /^mint-\d+$/.test(stepId)
  const planned = journal.planOf(planId)?.steps.filter((step) => isBatch(step.stepId)).length ?? 0
  const done = new Set(journal.root.all('step.done').filter((step) => step.planId === planId && isBatch(step.stepId)).map((step) => step.stepId)).size
  return { planned, done, describe: `${done} of ${plural(planned, 'mint batch', 'mint batches')} done` }
}

/** The conservation proof of a migration: the one read for its new token. */
function proofOf(journal: JournalView, migration: Data<'migrate.planned'>): Data<'migration.verified'> | undefined {
  const sameToken = (proof: Data<'migration.verified'>) => proof.token.address.toLowerCase() === migration.token.address.toLowerCase()
  return [...journal.root.of('migration.verified'), ...journal.root.of('migration.unbalanced')]
    .sort((a, b) => a.seq - b.seq)
    .map((entry) => entry.data)
    .findLast(sameToken)
}

/** Each migration: the snapshot it carried, its batches, the assets moved, and the conservation proof's verdict. */
function migrationsSection(journal: JournalView): Block[] {
  // A rerun journals its plan again: one migration per plan, as last planned.
  const migrations = [...new Map(journal.of('migrate.planned').map((planned) => [planned.data.planId, planned])).values()]
  if (migrations.length === 0) return []
  const blocks: Block[] = [{ kind: 'heading', level: 2, text: 'Migrations' }]
  for (const entry of migrations) {
    const migration = entry.data
    const token: Asset = { address: migration.token.address, symbol: migration.token.symbol, decimals: migration.token.decimals }
    const amount = (value: string | undefined) => journal.amount(value, token)
    const { snapshot } = migration
    const batches = batchesOf(journal, migration.planId)
    const items: ListItem[] = [
      { text: ['snapshot ', { code: snapshot.file }, ` at block ${snapshot.blockNumber}: ${plural(snapshot.accounts, 'account')} holding ${amount(snapshot.total)} (sha256 `, { code: short(snapshot.sha256) }, ')'] },
      { text: [`new token ${migration.token.name} (${migration.token.symbol}) `, { code: migration.token.address }] },
      migration.mode === 'mint'
        ? { text: [`mint batches: ${batches.done} of ${batches.planned} done, ${plural(migration.batchSize, 'account')} each`] }
        : { text: ['claim contract ', { code: migration.claim?.address ?? '?' }, ', root ', { code: short(migration.claim?.root) }, ...(migration.claim?.file ? [', distribution ', { code: migration.claim.file }] : []), `: the snapshot total ${batches.done > 0 ? 'minted to it' : 'not minted yet'}`] },
      ...migration.assets.map((asset): ListItem => {
        const moved = journal.asset(asset.asset)
        const units = moved.decimals === 0 ? { ...moved, symbol: `${asset.label} base units` } : moved
        return { text: [`asset ${asset.label} `, { code: asset.asset }, `: ${journal.amount(asset.held, units)} to move to `, { code: asset.to ?? '?' }] }
      }),
    ]
    const stopped = journal.of('step.failed').findLast((failed) => failed.data.planId === migration.planId)
    if (stopped) items.push({ text: [`${stopped.time}: step ${stopped.data.stepId} FAILED at ${stopped.data.stage}${stopped.data.reason ? `: ${stopped.data.reason}` : ''}`] })
    items.push(conservationItem(journal, migration, amount))
    const finished = journal.all('migrate.finished').findLast((candidate) => candidate.planId === migration.planId)
    const finishedAs = { migrated: 'migrated', 'dry-run': 'dry run only: nothing sent', waiting: 'waiting: a step waits for signatures or a timelock delay' }
    if (finished) items.push({ text: [finishedAs[finished.status] ?? finished.status] })
    blocks.push({ kind: 'heading', level: 3, text: `${migration.contract} → ${migration.token.symbol} (${migration.mode} mode)${onChain(journal, entry)}` }, { kind: 'list', items })
  }
  return blocks
}

function conservationItem(journal: JournalView, migration: Data<'migrate.planned'>, amount: (value: string | undefined) => string): ListItem {
  const proof = proofOf(journal, migration)
  if (!proof) return { text: [{ strong: 'Conservation:' }, ' not proven yet (the proof runs once every step is done).'] }
  const details: Text[] = [
    [`new supply ${amount(proof.token.totalSupply)}, snapshot total ${amount(proof.snapshot.total)} over ${plural(proof.snapshot.accounts, 'account')}`],
    ...(proof.token.sumOfBalances === undefined ? [] : [[`sum of migrated balances ${amount(proof.token.sumOfBalances)}; ${plural(proof.token.accountsChecked, 'account')} checked, ${proof.token.mismatches} mismatched`] satisfies Text]),
    ...proof.token.firstMismatches.map((mismatch): Text => [{ code: mismatch.account }, `: snapshot ${amount(mismatch.snapshot)}, migrated ${amount(mismatch.migrated)}`]),
    ...(proof.claim ? [['claim contract holds ', amount(proof.claim.balance), ', root on chain ', { code: short(proof.claim.rootOnChain) }, proof.claim.rootOnChain === proof.claim.rootFromSnapshot && proof.claim.rootFromSnapshot === proof.claim.rootFromFile ? ' = rebuilt from the snapshot = rebuilt from the file' : ' DIFFERS from the one rebuilt'] satisfies Text] : []),
    ...proof.assets.map((asset): Text => {
      const units = journal.asset(asset.asset)
      const shown = units.decimals === 0 ? { ...units, symbol: `${asset.label} base units` } : units
      return [`${asset.label}: ${journal.amount(asset.heldBeforeMove, shown)} held before the move, ${journal.amount(asset.moved, shown)} moved to `, { code: asset.to }, `, ${journal.amount(asset.remaining, shown)} left`]
    }),
    ...proof.problems.map((problem): Text => [`✘ ${problem}`]),
  ]
  return { text: [{ strong: 'Conservation:' }, proof.ok ? ` verified at block ${proof.block}: nothing created, nothing lost.` : ` FAILED at block ${proof.block}: ${proof.problems[0] ?? 'see below'}.`], items: details }
}

/** Each restore stage: who approved it, every time its gates were checked (and what stopped it), when it reopened. */
function restoreSection(journal: JournalView): Block[] {
  const names = [
    ...new Set(
      journal.entries
        .filter((entry) => entry.type.startsWith('restore.'))
        .map((entry) => (entry.data as { stage?: unknown } | null)?.stage)
        .filter((stage): stage is string => typeof stage === 'string'),
    ),
  ]
  if (names.length === 0) return []
  const blocks: Block[] = [{ kind: 'heading', level: 2, text: 'Restore' }]
  for (const name of names) {
    const items: ListItem[] = []
    // One stage may reopen contracts on several chains, each under a plan of its own: an entry that says its chain says it here.
    const at = (entry: { time: string; type: string; data: unknown }) => `${entry.time}${onChain(journal, entry)}: `
    for (const entry of journal.of('restore.approved').filter((candidate) => candidate.data.stage === name)) {
      const { data } = entry
      items.push({ text: [`${at(entry)}approved by ${data.authority} `, { code: data.address }, ', EIP-191 signature ', { code: short(data.signature) }] })
    }
    for (const entry of journal.of('restore.gates').filter((candidate) => candidate.data.stage === name)) {
      const { data } = entry
      items.push({ text: [`${at(entry)}gates ${data.passed ? 'passed' : 'REFUSED the stage'}`], items: data.gates.map((gate): Text => [`${gate.passed ? '✔' : '✘'} ${gate.gate}: ${gate.detail}`]) })
    }
    for (const entry of journal.of('restore.failed').filter((candidate) => candidate.data.stage === name)) {
      if (!entry.data.refusedBy) items.push({ text: [`${at(entry)}stopped: ${entry.data.reason}`] })
    }
    items.push(...reopened(journal, name))
    blocks.push({ kind: 'heading', level: 3, text: `stage ${name}` }, { kind: 'list', items })
  }
  return blocks
}

/** Whether a stage reopened: on each chain it was planned on, when the incident spans several. */
function reopened(journal: JournalView, stage: string): ListItem[] {
  const finishes = journal.of('restore.finished').filter((entry) => entry.data.stage === stage && entry.data.status === 'restored')
  if (!journal.spansChains) {
    const finished = finishes[0]?.data
    return [{ text: [finished ? `reopened in block ${finished.blockNumber ?? '?'} (plan ${finished.planId})` : 'not reopened'] }]
  }
  const items: ListItem[] = finishes.map((entry) => ({ text: [`reopened${onChain(journal, entry)} in block ${entry.data.blockNumber ?? '?'} (plan ${entry.data.planId})`] }))
  const reopenedOn = new Set(finishes.map((entry) => journal.chainOf(entry)))
  const plannedOn = new Set(journal.of('restore.planned').filter((entry) => entry.data.stage === stage).map((entry) => journal.chainOf(entry)))
  for (const chain of plannedOn) if (chain !== undefined && !reopenedOn.has(chain)) items.push({ text: [`not reopened on ${chain}`] })
  return items.length > 0 ? items : [{ text: ['not reopened'] }]
}

function plansSection(journal: JournalView): Block[] {
  const plans = journal.of('plan.built')
  if (plans.length === 0) return []
  const blocks: Block[] = [{ kind: 'heading', level: 2, text: 'Actions' }]
  for (const entry of plans) {
    const plan = entry.data
    const simulated = journal.all('plan.simulated').find((candidate) => candidate.planId === plan.planId)
    blocks.push({ kind: 'heading', level: 3, text: `${plan.phase}: ${plan.title}${onChain(journal, entry)}` })
    blocks.push({ kind: 'paragraph', text: [`Simulated on a fork at block ${simulated?.forkBlock ?? '?'}: ${simulated ? (simulated.ok ? 'passed' : 'failed') : 'not simulated'}.`] })
    const items: ListItem[] = plan.steps.map((step) => {
      const done = journal.all('step.done').find((entry) => entry.planId === plan.planId && entry.stepId === step.stepId)
      const verified = journal.all('step.verified').findLast((entry) => entry.planId === plan.planId && entry.stepId === step.stepId)
      const details: Text[] = [
        done === undefined ? [{ strong: 'not done' }] : done.txHash === undefined ? [`found done on chain: ${done.alreadyOnChain}`] : [`done in block ${done.blockNumber}, tx `, { code: done.txHash }],
      ]
      for (const check of verified?.checks ?? []) details.push([`${check.passed ? '✔' : '✘'} ${check.description} (got ${check.actual})`])
      return { text: [{ code: step.decoded }, ` by ${step.authority.label} (${step.authority.kind}, `, { code: step.authority.address }, ')'], items: details }
    })
    blocks.push({ kind: 'list', items })
  }
  return blocks
}

function reimbursementSection(journal: JournalView): Block[] {
  // Over several chains, each chain reimburses its own accounts: a distribution per chain the journal names.
  const parts = journal.parts().map((part) => ({ chain: part.chain, blocks: reimbursementOf(part) })).filter((part) => part.blocks.length > 0)
  if (parts.length === 0) return []
  const titled = parts.length > 1 || parts[0]!.chain !== undefined
  return [
    { kind: 'heading', level: 2, text: 'Reimbursement' },
    ...parts.flatMap(({ chain, blocks }): Block[] => (titled ? [{ kind: 'heading', level: 3, text: chain === undefined ? 'chain not journaled' : `on ${chain}` }, ...blocks] : blocks)),
  ]
}

function reimbursementOf(journal: JournalView): Block[] {
  const distribution = journal.all('distribution.built')[0]
  if (!distribution) return []
  const claims = journal.last('claims.tracked')
  const blocks: Block[] = [
    {
      kind: 'paragraph',
      text: [
        `Policy: ${distribution.policy}. Merkle root `,
        { code: distribution.root },
        ` over ${distribution.accounts} accounts, ${journal.amount(distribution.total)} in all, published in `,
        { code: distribution.file },
        ' (OpenZeppelin StandardMerkleTree format: rebuild it and compare the root).',
      ],
    },
  ]
  if (claims) {
    blocks.push({
      kind: 'paragraph',
      text: ['Claim contract ', { code: claims.claimAddress }, `: ${claims.claimed.length} claimed (${journal.amount(claims.claimedAmount)}), ${claims.unclaimed.length} unclaimed (${journal.amount(claims.unclaimedAmount)}).`],
    })
  }
  return blocks
}

function secondsBetween(journal: JournalView, from: string, to: string): number | undefined {
  const start = journal.blockTime(from)
  const end = journal.blockTime(to)
  return start && end ? (Date.parse(end) - Date.parse(start)) / 1000 : undefined
}

function joined(parts: Text[], separator: string): Text {
  return parts.flatMap((part, index) => (index === 0 ? part : [separator, ...part]))
}

/** ` on arbitrum`, when the incident spans several chains and the entry says which; else nothing. */
function onChain(journal: JournalView, entry: { type: string; data: unknown }): string {
  const chain = journal.spansChains ? journal.chainOf(entry) : undefined
  return chain === undefined ? '' : ` on ${chain}`
}

function short(hex: unknown): string {
  return typeof hex === 'string' && hex.length > 14 ? `${hex.slice(0, 10)}…${hex.slice(-4)}` : String(hex)
}

function plural(count: number | bigint, noun: string, nouns = `${noun}s`): string {
  return `${count} ${count === 1 || count === 1n ? noun : nouns}`
}
