import type { Address, Hash, Hex } from 'viem'
import type { StorageComparison } from '../solidity/storageLayout.js'

/**
 * Every entry the incident journal holds: its type, and the data its writer appends. One map, so
 * that a writer cannot journal a field the report does not know, and the report cannot read a
 * field nobody writes. The types are the writers' own, restated here because the journal sits
 * below the layers that write it (engine, phases, drill): a writer whose data stops fitting is a
 * compile error at its `append`, not a silent gap in a post-mortem.
 *
 * Data is what the writer passes, before `toJsonValue`: amounts and block numbers are `bigint`.
 * Read back, an entry's data is `Journaled<…>` of it (bigints as decimal strings): see `entriesOf`.
 */
export type JournalEntries = {
  // -------------------------------------------------------------------------------------------
  // The incident (src/journal)
  'incident.opened': { id: string; title?: string }
  /**
   * A run found what a crash in the middle of an append leaves, and repaired it before going on:
   * a torn last line cut off (its bytes kept here), or a last entry the head had not confirmed.
   */
  'journal.repaired':
    | { problem: 'torn-last-line'; line: number; seq: number; bytes: number; sha256: Hex; text: string; confirmedByHead: boolean }
    | { problem: 'entry-beyond-head'; line: number; seq: number; hash: Hex; headSeq: number }

  // -------------------------------------------------------------------------------------------
  // The engine (src/engine): one plan's transitions, the same for every phase
  /** The plan as its signers are shown it, before the fork simulation. */
  'plan.built': {
    planId: string
    phase: JournaledPhase
    title: string
    steps: readonly JournaledPlanStep[]
  }
  'plan.simulated': { planId: string; ok: boolean; forkBlock: bigint; steps: readonly JournaledStepSimulation[] }
  /** `stage`: `simulation`, `prepare`, `signatures`, `execution`. */
  'plan.failed': StepStopped
  /** The plan stopped for a timelock's delay or owners' signatures: the same command resumes it. */
  'plan.waiting': StepStopped
  'plan.done': { planId: string }
  /** Journaled before the transaction is broadcast (when the executor signs ahead), so a crash never sends a step twice. */
  'step.sent': StepRef & {
    txHash: Hash
    /** Which executor sent it, in words: `key guardian 0x…`, `safe treasury 0x…`. */
    executor: string
    nonce?: number
    /** The signed transaction, so a resumed run can broadcast it again. */
    serialized?: Hex
    calls: readonly JournaledCall[]
  }
  /** A fee-bumped replacement of `replaces`: either may be the one mined. */
  'step.replaced': StepRef & { txHash: Hash; replaces: Hash }
  'step.mined': StepRef & { txHash: Hash; status: 'success' | 'reverted'; blockNumber: bigint; gasUsed: bigint }
  'step.verified': StepRef & { checks: readonly JournaledCheckResult[] }
  /**
   * `broadcast`: journaled, then refused by the node (it never left); `send`: nothing was sent;
   * `execution`: mined and reverted; `verification`: mined, but a postcondition does not hold.
   */
  'step.failed': StepRef & {
    stage: 'send' | 'broadcast' | 'execution' | 'verification'
    txHash?: Hash
    reason?: string
    /** `verification`: the checks that failed. */
    checks?: readonly JournaledCheckResult[]
  }
  /** A step whose effect is on chain: mined and verified, or found already done (`alreadyOnChain`, then sent by nobody here). */
  'step.done':
    | (StepRef & { txHash: Hash; blockNumber: bigint; alreadyOnChain?: never })
    | (StepRef & { alreadyOnChain: string; txHash?: never; blockNumber?: never })
  'step.waiting':
    | (StepRef & { timelock: Address; operationId: Hex; readyAt: bigint; signatures?: never })
    | (StepRef & {
        signatures: { safe: Address; nonce: bigint; safeTxHash: Hash; file: string; signed: readonly Address[]; threshold: number }
        timelock?: never
      })
  'safe.proposed': StepRef & {
    safe: Address
    nonce: bigint
    safeTxHash: Hash
    domainHash: Hex
    messageHash: Hex
    /** The Safe transaction file owners sign, and the Safe Transaction Builder batch. */
    file: string
    transactionBuilderFile: string
  }
  'safe.approved': StepRef & { safeTxHash: Hash; owner: Address; kind: 'eip712' | 'eth_sign'; source: string }

  // -------------------------------------------------------------------------------------------
  // The war-room page (src/serve): what people did through it, named by the token they held
  /** An owner's signature file uploaded through the page, checked and stored in the incident's `signatures/` folder. */
  'serve.signature': { planId: string; stepId: string; safe: Address; chainId: number; safeTxHash: Hash; owner: Address; kind: 'eip712' | 'eth_sign'; file: string; by: string }
  /**
   * An approval given on the page by a named approver: a record of who said yes, not a key
   * signature (the EIP-191 signed approval a restore gate counts is `restore.approved`).
   */
  'serve.approved': { approval: 'restore' | 'reimbursement'; subject: string; by: string; note?: string }

  // -------------------------------------------------------------------------------------------
  // Shared capabilities (src/snapshot, src/attack)
  'snapshot.started': { contract: string; address: Address; blockNumber: bigint; event: string }
  'snapshot.taken': { contract: string; file: string; blockNumber: bigint; accounts: number; total: string; sha256: Hex }
  'snapshot.failed': { contract: string; blockNumber: bigint; reason?: string }
  /** The attack, recorded by the drill as it happened and by `firebreak upgrade` from the transactions it replays. */
  'attack.detected': {
    /** The chain it hit, when the incident spans several. */
    chain?: string
    /** The attack's transaction (the first given, when it took several); absent when the attack was given as calls rather than hashes. */
    txHash?: Hash
    /** Every transaction of the attack, in chain order, when it took more than one. */
    transactions?: readonly Hash[]
    blockNumber: bigint
    /** The sender of the attack's first transaction. */
    attacker: Address
    /** The contract the attacker called (its exploit); absent when the attack deployed it. */
    exploitContract?: Address
    victims: readonly Address[]
    /** What the attack took of `asset`; absent when a replay did not reproduce it. */
    stolen?: bigint
    asset: JournaledAsset
    /** `chain`: observed as the attack landed; `replay`: the attack replayed on a fork of the block before it. */
    measuredBy?: 'chain' | 'replay'
  }

  // -------------------------------------------------------------------------------------------
  // Containment (src/contain)
  /** `chain`: set when the manifest spans several chains, each contained by a run of its own in the one incident. */
  'contain.started': { playbook: string; dryRun: boolean; chain?: string }
  'contain.planned': {
    planId: string
    notes: readonly string[]
    skipped: readonly ContractReason[]
    exposed: readonly ContractReason[]
    /** Per step, the addresses it acts on. */
    targets: Readonly<Record<string, readonly Address[]>>
    /** Per step, the targets it contains and the checks that say so (re-read by a rerun). */
    contains: Readonly<Record<string, { contracts: readonly string[]; checks: readonly JournaledCheck[] }>>
  }
  'contain.finished': {
    planId: string
    chain?: string
    status: 'contained' | 'exposed' | 'signatures' | 'dry-run' | 'waiting' | 'nothing-to-do'
    exposed?: readonly ContractReason[]
    waiting?: Waiting
  }
  'contain.failed': { playbook: string; reason?: string; chain?: string }

  // -------------------------------------------------------------------------------------------
  // The watcher (src/watch): its own journal, and the incident an automatic response opens
  'watch.started': { chain: string; playbook: string; automatic: readonly string[]; triggers: readonly string[]; pending: boolean }
  /** The plan kept ready: what it would send, and what it cannot contain on its own. */
  'watch.armed': {
    planId: string
    blockNumber: bigint
    simulated: boolean
    transactions: readonly { stepId: string; title: string; from: Address; gas: bigint; safe?: { address: Address; nonce: bigint; safeTxHash: Hash } }[]
    exposed: readonly ContractReason[]
  }
  /** What the emergency path depended on at a block: a restarted watcher compares the chain with it. */
  'watch.readiness': { blockNumber: bigint; values: Readonly<Record<string, string>> }
  'watch.alert': { code: string; severity: 'critical' | 'warning' | 'info'; subject: string; message: string }
  'watch.stopped': { reason: string }
  /** In the response's incident: what fired, at which block, and the pending transaction it fired on. */
  'watch.triggered': {
    trigger: string
    kind: 'invariant' | 'event' | 'outflow'
    blockNumber: bigint
    detail: string
    /** The watcher's own journal (its folder), where the armed plan and its alerts are. */
    watcher: string
    pending?: { hash: Hash; from: Address; to: Address | null; maxPriorityFeePerGas?: bigint; gasPrice?: bigint }
  }
  /** A person declined the broadcast (`--confirm`): nothing was sent. */
  'watch.declined': { trigger: string }
  /** Signed and journaled before any node has it, as every step's send is. */
  'watch.broadcast': {
    planId: string
    /** From the trigger to the moment the transactions are handed to the node (this entry is written first). */
    decisionToSendMs: number
    transactions: readonly { stepId: string; title: string; hash: Hash; from: Address; nonce: number; maxFeePerGas: bigint; maxPriorityFeePerGas: bigint; via: 'public' | 'private' }[]
  }
  /** Where the pause landed, relative to the attack it front-ran, and the checks read on chain after it. */
  'watch.landed': {
    planId: string
    /** From the trigger to the node's answer to the broadcast. */
    decisionToBroadcastMs: number
    contained: boolean
    transactions: readonly { stepId: string; hash: Hash; blockNumber?: bigint; index?: number; status: 'success' | 'reverted' | 'not-mined' }[]
    attack?: { hash: Hash; blockNumber?: bigint; index?: number; status: 'success' | 'reverted' | 'not-mined' }
    /** True when every pause was mined before the attack in the attack's own block (or an earlier one). */
    ahead?: boolean
    checks: readonly JournaledCheckResult[]
  }

  // -------------------------------------------------------------------------------------------
  // Eradication: upgrade (src/eradicate)
  'upgrade.started': { contract: string; from: string; to: string; dryRun: boolean }
  /** The storage gate: does the patched implementation keep every variable of the current one in place? */
  'gate.storage': StorageComparison & { from: string; to: string }
  /** The replay gate: the attack replayed on a fork against the code as it was, then the patched code. */
  'gate.replay': {
    passed: boolean
    forkBlock: bigint
    unpatched: JournaledAttackRun
    patched: JournaledAttackRun
    normalOperations: readonly { description: string; ok: boolean; revert?: string }[]
    verdict: string
    /** `firebreak upgrade` also journals what it replayed: the hashes, or the calls given without them. */
    attackBlock?: bigint
    attack?: readonly Hash[] | readonly JournaledAttackTransaction[]
  }
  'upgrade.planned': { planId: string; implementation: Address; proxyKind: 'uups' | 'transparent' | 'beacon'; holder: Address; route: string }
  /** A gate refused the fix (the gate's entry just before says which, and why in full). */
  'upgrade.refused': { contract: string; reason?: string }
  'upgrade.failed': { contract: string; reason?: string }
  'upgrade.finished': { planId: string; status: 'upgraded' | 'dry-run' | 'waiting'; implementation: Address; blockNumber?: bigint; waiting?: Waiting }

  // -------------------------------------------------------------------------------------------
  // Eradication: migration (src/eradicate/migrate)
  'migrate.started': { contract: string; address: Address; snapshot: string; mode: MigrationMode; batchSize?: number; dryRun: boolean }
  'migrate.planned': {
    planId: string
    contract: string
    mode: MigrationMode
    /** Accounts per mint batch; each batch is one step `mint-000000`, `mint-000001`… of the plan. */
    batchSize: number
    snapshot: { file: string; sha256: Hex; blockNumber: string; accounts: number; total: bigint }
    token: { address: Address; name: string; symbol: string; decimals: number }
    claim?: { address: Address; root?: Hex; file?: string }
    assets: readonly { asset: Address; label: string; held: bigint; to?: Address }[]
    /** Steps in the plan, batches included. */
    steps: number
    notes: readonly string[]
  }
  /** The conservation proof held: nothing created, nothing lost. */
  'migration.verified': JournaledConservationProof
  /** The conservation proof failed: its `problems` say what does not add up. */
  'migration.unbalanced': JournaledConservationProof
  /** `waiting`: a step waits (a Safe's signatures, a timelock's delay); the same command resumes it. */
  'migrate.finished': { planId: string; status: 'migrated' | 'dry-run' | 'waiting'; token: Address; claim?: Address }
  /** `stage: 'input'`: the command's inputs could not be resolved, before any migration began. */
  'migrate.failed': { contract: string; stage?: 'input'; reason?: string }

  // -------------------------------------------------------------------------------------------
  // Recovery: losses, reimbursement, claims (src/recover)
  'losses.started': { before: readonly string[]; after: readonly string[]; attackTransactions: readonly Hash[] }
  'losses.computed': {
    /** How the losses were measured, in words, as the report states it. */
    method: string
    /** The asset the amounts are in; the attack's asset when absent. */
    asset?: Address
    assetSymbol?: string
    source?: { contract: Address; name?: string; valuation: 'balance' | 'erc4626' }
    beforeBlock?: bigint
    afterBlock?: bigint
    losses: readonly JournaledAccountLoss[]
    total: bigint
    /** Accounts left out on purpose (the attacker and its contracts). */
    excluded: readonly Address[]
    attackers?: readonly { address: Address; kind: 'given' | 'sender' | 'deployed-by-sender' | 'created-in-attack'; reason: string }[]
    protocol?: { losses: readonly (JournaledAccountLoss & { name: string })[]; total: bigint }
    snapshots?: { before: { file: string; sha256: Hex }; after: { file: string; sha256: Hex } }
    files?: { csv: string; json: string }
    notes?: readonly string[]
  }
  'losses.failed': { reason?: string }
  /** `payAgain`: accounts already paid for the same losses file are paid once more, on purpose. */
  'reimburse.started': { mode: ReimburseMode; lossesFile: string; policy: string; dryRun: boolean; payAgain?: boolean }
  'distribution.built': JournaledDistribution
  /** A dry run's distribution: published for review, not made. */
  'distribution.previewed': JournaledDistribution
  /** A rerun re-journals what it read back, so amounts may already be decimal strings. */
  'reimburse.planned': {
    planId: string
    mode: ReimburseMode
    root: string
    claimAddress?: Address
    claimDeadline?: bigint | string
    recoveryToken?: Address
    /** `transfers`: each account's balance before any transfer, keyed by account. */
    baseline?: Readonly<Record<string, bigint | string>>
    /** Accounts left out: already paid for the same losses file, in this workspace or on chain. */
    alreadyPaid?: readonly JournaledPaidAccount[]
    /** Accounts paid once more on purpose (`payAgain`), with the payment that paid them first. */
    paidAgain?: readonly JournaledPaidAccount[]
  }
  'reimburse.finished': {
    planId: string
    status: 'reimbursed' | 'dry-run' | 'waiting'
    mode: ReimburseMode
    root: Hex
    claimAddress?: Address
    recoveryToken?: Address
    waiting?: Waiting
    /** Set when nothing was sent because every account was already paid: by which payments. */
    alreadyPaid?: readonly JournaledPaidAccount[]
  }
  'reimburse.failed': { mode: ReimburseMode; reason?: string }
  'claims.tracked': {
    claimAddress: Address
    root: Hex
    file: string
    claimed: readonly JournaledClaim[]
    unclaimed: readonly JournaledClaim[]
    claimedAmount: bigint
    unclaimedAmount: bigint
    sweptAmount: bigint
    blockNumber: bigint
    claimDeadline: bigint
    windowOpen: boolean
  }
  'claims.failed': { reason?: string }

  // -------------------------------------------------------------------------------------------
  // Recovery: restore (src/recover/restore)
  /** An authority's EIP-191 signature over the stage's approval message; the gate checks the signature, not the entry. */
  'restore.approved': { stage: string; authority: string; address: Address; message: string; signature: Hex }
  'restore.started': { stage: string; dryRun: boolean }
  'restore.planned': { stage: string; planId: string; notes: readonly string[]; targets: Readonly<Record<string, readonly Address[]>> }
  'restore.gates': { stage: string; passed: boolean; gates: readonly { gate: 'order' | 'fix' | 'approvals' | 'invariants'; passed: boolean; detail: string }[] }
  'restore.finished': { stage: string; planId?: string; status: 'restored' | 'dry-run' | 'waiting' | 'already-restored'; blockNumber?: bigint; waiting?: Waiting }
  /** `refusedBy`: the gates that refused the stage; absent when something else stopped it. */
  'restore.failed': { stage: string; reason?: string; refusedBy?: readonly string[] }

  // -------------------------------------------------------------------------------------------
  // The report's own observations (src/report)
  /** What the protocol's contracts held of an asset over blocks: the report's assets chart. */
  'assets.observed': {
    asset: JournaledAsset
    holders: readonly { name: string; address: Address }[]
    fromBlock: bigint
    toBlock: bigint
    points: readonly { blockNumber: bigint; timestamp: bigint; balances: readonly bigint[] }[]
    /** Sampled blocks the node could not answer for. */
    unavailable: readonly bigint[]
  }

  // -------------------------------------------------------------------------------------------
  // The drill (src/drill)
  'drill.deployment': {
    chainId: number
    chain?: string
    token: Address
    vault: Address
    implementation: Address
    actors: {
      admin: Address
      guardian: Address
      treasury: Address
      attacker: Address
      users: readonly { name: string; account: Address; deposit: bigint }[]
    }
  }
  /** The attacker's next attempt, after containment: it must revert. */
  'attack.blocked': { txHash: Hash; blockNumber: bigint; reverted: boolean; reason: string }
  'recovery.verified': { users: readonly { name: string; account: Address; deposit: bigint; holdings: bigint; whole: boolean }[] }
  'drill.interrupted': { signal: string }
  'drill.completed': { phases: readonly { name: string; milliseconds: number }[]; wallMilliseconds: number }
  'drill.failed': { reason: string }
}

export type JournalEntryType = keyof JournalEntries

// ---------------------------------------------------------------------------------------------
// Pieces shared by several entries

type StepRef = { planId: string; stepId: string }
type StepStopped = { planId: string; stage: string; reason?: string }
type Waiting = { step: string; readyAt: bigint }
type ContractReason = { contract: string; reason: string }
type MigrationMode = 'mint' | 'claim'
type ReimburseMode = 'merkle' | 'transfers' | 'tokens'

export type JournaledPhase = 'contain' | 'eradicate' | 'recover'

/** An ERC-20 as the report prints its amounts. */
/** An account a reimbursement found already paid for its losses file, and how. */
export type JournaledPaidAccount = { account: Address; amount: bigint | string; how: 'transfer' | 'claim' | 'recovery-token'; txHash: Hex; state: 'mined' | 'pending'; incident?: string }

export type JournaledAsset = { address: Address; symbol: string; decimals: number }

export type JournaledCall = { to: Address; data: Hex; value: bigint }

/** Who performs a step, without any secret: a keystore's file, never the variable holding its password. */
export type JournaledAuthority =
  | { kind: 'key'; address: Address; label: string; keyEnv?: string; keystoreFile?: string }
  | { kind: 'safe'; address: Address; label: string; owners: readonly Address[]; threshold: number; multiSend?: Address; submitter?: Address }
  | { kind: 'impersonate'; address: Address; label: string }

export type JournaledPlanStep = {
  stepId: string
  title: string
  authority: JournaledAuthority
  calls: readonly JournaledCall[]
  /** The calls as a signer reads them: `vault.pause()`. */
  decoded: string
  after?: { timelock: Address; operationId: Hex; seconds: bigint }
  /** Each postcondition's description. */
  postconditions: readonly string[]
}

/** A check as data (engine/plan.ts Check): a rerun reads it back to evaluate it again. */
export type JournaledCheck = { kind: 'read' | 'call' | 'code' | 'storage'; description: string }

export type JournaledCheckResult = { description: string; kind: JournaledCheck['kind']; passed: boolean; actual: string; expected: string }

export type JournaledStepSimulation = {
  stepId: string
  title: string
  status: 'passed' | 'reverted' | 'check-failed' | 'not-reached' | 'already-done'
  gasUsed?: bigint
  revert?: string
  checks: readonly JournaledCheckResult[]
}

export type JournaledAttackTransaction = { from: Address; to?: Address | undefined; data: Hex; value?: bigint }

/** One replay of the attack: `extracted` is the larger of the victims' loss and the senders' gain. */
export type JournaledAttackRun = { reverted: boolean; revert?: string; extracted: bigint; victimLoss: bigint; attackerGain: bigint }

export type JournaledConservationProof = {
  ok: boolean
  /** One line per broken rule; empty when ok. */
  problems: readonly string[]
  /** The block the balances were read at: the one before the migration was finished. */
  block: bigint
  snapshot: { accounts: number; total: bigint }
  token: {
    address: Address
    totalSupply: bigint
    sumOfBalances?: bigint
    accountsChecked: number
    mismatches: number
    firstMismatches: readonly { account: Address; snapshot: bigint; migrated: bigint }[]
  }
  claim?: { address: Address; balance: bigint; rootOnChain: Hex; rootFromSnapshot: Hex; rootFromFile: Hex; fileMismatch?: string }
  assets: readonly { asset: Address; label: string; from: Address; to: Address; moveTx?: Hash; heldBeforeMove: bigint; moved: bigint; remaining: bigint }[]
}

export type JournaledAccountLoss = { account: Address; before: bigint; after: bigint; loss: bigint }

export type JournaledDistribution = {
  policy: string
  root: Hex
  total: bigint
  accounts: number
  /** The distribution file, relative to the incident folder. */
  file: string
  mode: ReimburseMode
  token: Address
  lossTotal: bigint
  dust: bigint
  unpaid: readonly { account: Address; loss: bigint; reason: string }[]
  lossesFile: { file: string; sha256: Hex }
}

export type JournaledClaim = { index: number; account: Address; amount: bigint }

// ---------------------------------------------------------------------------------------------
// Reading entries back

/**
 * A value as journal.jsonl gives it back, after `toJsonValue`: a bigint is its decimal string,
 * bytes are hex, a Date is its ISO string, an Error is its name and message, undefined fields are
 * gone. (Entries in memory are frozen: change a copy, never the data read back.)
 */
export type Journaled<T> = T extends bigint
  ? string
  : T extends string | number | boolean | null | undefined
    ? T
    : T extends Uint8Array
      ? Hex
      : T extends Date
        ? string
        : T extends Error
          ? { name: string; message: string }
          : T extends readonly (infer Item)[]
            ? Journaled<Item>[]
            : T extends object
              ? { [Key in keyof T]: Journaled<T[Key]> }
              : never

/** An entry of one type, with its data as read back. */
export type TypedJournalEntry<Type extends JournalEntryType, Entry extends { type: string; data: unknown } = { type: string; data: unknown }> = Omit<
  Entry,
  'type' | 'data'
> & { type: Type; data: Journaled<JournalEntries[Type]> }

type EntrySource<Entry> = readonly Entry[] | { entries(): readonly Entry[] }

/**
 * The entries of one type, in journal order, with their data typed as read back:
 * `entriesOf(journal, 'step.done')`. Takes a journal or its entries (`readJournal(dir).entries`).
 *
 * The types are what the writers of this version journal. A report of an older or hand-edited
 * journal may still meet an entry missing a field: it must say so rather than fail (buildReport's
 * sections do).
 */
export function entriesOf<Type extends JournalEntryType, Entry extends { type: string; data: unknown }>(
  source: EntrySource<Entry>,
  type: Type,
): TypedJournalEntry<Type, Entry>[] {
  // An array has an entries() method too (its iterator): tell the two apart by what they are.
  const entries: readonly Entry[] = Array.isArray(source) ? source : (source as { entries(): readonly Entry[] }).entries()
  return entries.filter((entry) => entry.type === type) as unknown as TypedJournalEntry<Type, Entry>[]
}

/** The data of every entry of one type, in journal order. */
export function dataOf<Type extends JournalEntryType>(source: EntrySource<{ type: string; data: unknown }>, type: Type): Journaled<JournalEntries[Type]>[] {
  return entriesOf(source, type).map((entry) => entry.data)
}

/** The latest entry of one type, or undefined. */
export function lastOf<Type extends JournalEntryType, Entry extends { type: string; data: unknown }>(
  source: EntrySource<Entry>,
  type: Type,
): TypedJournalEntry<Type, Entry> | undefined {
  return entriesOf(source, type).at(-1)
}
