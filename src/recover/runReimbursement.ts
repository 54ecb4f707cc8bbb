import { scopedPlanId } from '../manifest/manifestOnChain.js'
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { basename, dirname, relative } from 'node:path'
import { type Address, type Hash, type LocalAccount, erc20Abi, getAddress } from 'viem'
import type { ChainClients } from '../chain/clients.js'
import type { Authority, Plan } from '../engine/plan.js'
import { type PhaseEnded, type PhaseOutcome, type PhasePlan, type PhaseProgress, type PhaseStatus, failureReason, incidentRun, runPhase } from '../engine/runPhase.js'
import { InvalidInputError, UsageError } from '../errors.js'
import { type JournalEntries, type JournaledPaidAccount, entriesOf } from '../journal/entries.js'
import type { Incident } from '../journal/incident.js'
import type { Artifacts } from '../solidity/artifacts.js'
import { buildClaimPlan } from './buildClaimPlan.js'
import { type Distribution, buildDistribution } from '../distribution/buildDistribution.js'
import { buildRecoveryTokenPlan } from './buildRecoveryTokenPlan.js'
import { buildTransferPlan } from './buildTransferPlan.js'
import { checkFunds } from './checkFunds.js'
import { type PaidAccount, findPaidAccounts } from './findPaidAccounts.js'
import { type DistributionContext, formatDistributionFile } from '../distribution/distributionFile.js'
import { type PolicyResult, type PolicyStage, applyPolicy, describePolicy } from './policy.js'
import { type AssetInfo, readAssetInfo } from './readAssetInfo.js'
import { type LossesFile, readLossesFile } from './readLossesFile.js'

export type ReimburseMode = DistributionContext['mode']

/** Direct transfers are for short lists; beyond this a claim contract is cheaper for everyone. */
export const MAX_DIRECT_TRANSFERS = 200

export const DEFAULT_CLAIM_WINDOW_SECONDS = 30n * 24n * 60n * 60n

export type RunReimbursementParameters = {
  chain: ChainClients
  /** The chain's name when the incident spans several (a manifest's `scope`): its plan is that chain's. */
  scope?: { chain: string }
  incident: Incident
  /** The losses file (CSV or JSON) written by `firebreak losses`, or one the team prepared in the same shape. */
  lossesFile: string
  /** The policy's stages in the order they apply (see reimbursementPolicy). */
  policy: readonly PolicyStage[]
  /** `merkle`: publish a distribution and fund a claim contract; `transfers`: pay each account; `tokens`: issue a recovery token. */
  mode: ReimburseMode
  /** The token paid (merkle, transfers), or whose symbol and decimals the recovery token mirrors. Default: the losses file's asset. */
  token?: Address
  /** Pays (merkle, transfers) or issues (tokens); receives what nobody claims after the window. */
  funder: Authority
  /** Compiled ReimbursementClaim and RecoveryToken. */
  artifacts: Pick<Artifacts, 'get'>
  /** How long the claim contract accepts claims. Default 30 days. */
  claimWindowSeconds?: bigint
  /** Transfers per Safe transaction, or accounts per mintBatch. */
  batchSize?: number
  recoveryToken?: { name?: string; symbol?: string; transferable?: boolean }
  /** The most the team will pay, when lower than the funder's balance. */
  budget?: bigint
  /**
   * Pay accounts already paid for the same losses file (by any incident of the workspace, or seen
   * on chain) once more, on purpose. Default false: they are left out of the plan and named.
   */
  payAgain?: boolean
  /** The incidents folder searched for earlier payments of the same losses. Default: the one holding the incident. */
  incidentsRoot?: string
  /** The first block a payment of these losses can be in, when the losses file does not say (a CSV). Default: the losses file's after-block, else 0. */
  paidSince?: bigint
  /** Build, publish and simulate; send nothing. */
  dryRun?: boolean
  /** Keys handed over in memory (tests, the drill); the CLI reads keys from the environment or keystores. */
  accounts?: readonly LocalAccount[]
  signatureFiles?: readonly string[]
  onProgress?: (event: ReimbursementProgress) => void | Promise<void>
}

export type ReimbursementProgress = PhaseProgress<
  {},
  {
    stage: 'distributed'
    policy: PolicyResult
    distribution: Distribution
    file: string
    asset: AssetInfo
    /** Accounts already paid for the same losses file: left out of the distribution, or (`paidAgain`) paid once more on purpose. */
    alreadyPaid: PaidAccount[]
    paidAgain: PaidAccount[]
  }
>

type ReimbursementDetail = {
  incident: string
  mode: ReimburseMode
  asset: AssetInfo
  policy: PolicyResult
  distribution: Distribution
  /** The published distribution, in the incident folder; empty when nothing was (`already-paid`). */
  file: string
  /** merkle: the claim contract users claim from. */
  claimAddress?: Address
  /** tokens: the recovery token. */
  recoveryToken?: Address
  /** Accounts left out because the same losses file paid them already (another incident, another workspace). */
  alreadyPaid: PaidAccount[]
  /** Accounts paid once more on purpose (`payAgain`). */
  paidAgain: PaidAccount[]
}

/**
 * `waiting`: a step waits for a timelock; run the same command again once its delay has passed.
 * `already-paid`: every account the policy pays was paid already for the same losses file
 * (`alreadyPaid` says by which transactions); nothing was published, planned or sent, and
 * `distribution` is what the policy would have paid.
 */
export type ReimbursementOutcome = PhaseOutcome<PhaseStatus<'reimbursed'> | 'already-paid', ReimbursementDetail>

/**
 * `firebreak reimburse`: losses file → policy → distribution, published in the incident folder in
 * OpenZeppelin StandardMerkleTree's format, then paid through the engine (simulated on a fork,
 * executed by the funder's authority, verified, journaled). Every check of the inputs (the file,
 * the policy, the funds) happens before the plan exists, so bad input never deploys anything. Run
 * again after an interruption, it resumes the same plan: the journal keeps the claim deadline and
 * the transfer baselines it was built with.
 */
export function runReimbursement(parameters: RunReimbursementParameters): Promise<ReimbursementOutcome> {
  const { incident, mode, dryRun = false, payAgain = false } = parameters
  const { journal } = incident
  // A deliberate second payment is on the record from the first entry of the run that makes it.
  const started = { mode, lossesFile: parameters.lossesFile, policy: describePolicy(parameters.policy), dryRun, ...(payAgain ? { payAgain } : {}) }
  return runPhase<'reimbursed', ReimbursementDetail, {}, Plan, ReimbursementOutcome>({
    ...incidentRun(parameters),
    started: () => journal.append('reimburse.started', started),
    build: () => buildReimbursement(parameters),
    finished: (outcome) => {
      if (outcome.status === 'already-paid') {
        // Nothing was planned: every account the policy pays was paid, and the entry says by which transaction.
        const finished = { planId: outcome.plan.id, status: 'reimbursed' as const, mode, root: outcome.distribution.root, alreadyPaid: outcome.alreadyPaid.map(journaledPaid) }
        journal.append('reimburse.finished', finished)
        return
      }
      journal.append('reimburse.finished', {
        planId: outcome.plan.id,
        status: outcome.status,
        mode: outcome.mode,
        root: outcome.distribution.root,
        ...(outcome.claimAddress ? { claimAddress: outcome.claimAddress } : {}),
        ...(outcome.recoveryToken ? { recoveryToken: outcome.recoveryToken } : {}),
        ...(outcome.waiting ? { waiting: outcome.waiting } : {}),
      })
    },
    failed: (error) => journal.append('reimburse.failed', { mode, reason: failureReason(error) }),
  })
}

/** The distribution, checked and published, then the plan that pays it; or nothing to pay, when every account was paid. */
async function buildReimbursement(parameters: RunReimbursementParameters): Promise<PhasePlan<'reimbursed', ReimbursementDetail> | PhaseEnded<ReimbursementOutcome>> {
  const { chain, incident, mode, dryRun = false, payAgain = false, onProgress = () => {} } = parameters
  const losses = readLossesFile(parameters.lossesFile)
  if (losses.chainId !== undefined && losses.chainId !== chain.chain.id) {
    throw new UsageError(`${losses.file} was computed on chain ${losses.chainId}, but the node is chain ${chain.chain.id}: use the RPC URL of that chain`)
  }
  const tokenAddress = parameters.token ?? losses.asset?.address
  if (!tokenAddress) throw new InvalidInputError({ parameter: 'token', problem: `${losses.file} does not say which token was lost: give the token to ${mode === 'tokens' ? 'mirror' : 'pay in'}` })
  const asset = await readAssetInfo(chain, tokenAddress)
  const policy = applyPolicy(losses.losses, parameters.policy)
  if (policy.payouts.length === 0) throw new UsageError(`policy "${policy.description}" pays nobody from ${losses.file}: lower the minimum or check the file`)
  const everyone = distributionOf(policy.payouts)

  const owed = await leaveOutPaid(parameters, { losses, asset, policy, everyone })
  if ('ended' in owed) return owed
  const { distribution, earlier, alreadyPaid, paidAgain } = owed
  const short = distribution.root.slice(2, 10)
  const planId = earlier?.planId ?? planIdOf(mode, distribution.root, payAgain, parameters.scope)
  const toPay = { ...policy, payouts: policy.payouts.filter((payout) => distribution.entries.some((entry) => entry.account === payout.account)), total: distribution.total }
  // A resumed plan may already have moved the funds: the engine's simulation checks what is left to send.
  if (!earlier) await checkAvailable(chain, parameters, toPay, asset, losses)
  if (mode === 'transfers' && distribution.entries.length > MAX_DIRECT_TRANSFERS) {
    throw new InvalidInputError({ parameter: 'mode', value: mode, problem: `${distribution.entries.length} accounts is too many for direct transfers (at most ${MAX_DIRECT_TRANSFERS}): reimburse in merkle mode, where each account claims its own` })
  }

  const file = incident.path(`distribution-${short}.json`)
  publish(file, formatDistributionFile(distribution, { chainId: chain.chain.id, token: asset, policy: policy.description, mode, lossesFile: { file: losses.file, sha256: losses.sha256 } }))
  const built = {
    policy: policy.description,
    root: distribution.root,
    total: distribution.total,
    accounts: distribution.entries.length,
    file: relative(incident.dir, file),
    mode,
    token: asset.address,
    lossTotal: policy.lossTotal,
    dust: policy.dust,
    unpaid: policy.unpaid,
    lossesFile: { file: losses.file, sha256: losses.sha256 },
  }
  // A dry run publishes for review but does not tell the report a distribution was made.
  if (dryRun) incident.journal.append('distribution.previewed', built)
  else if (!alreadyJournaled(incident, distribution)) incident.journal.append('distribution.built', built)
  await onProgress({ stage: 'distributed', policy, distribution, file, asset, alreadyPaid, paidAgain })

  const { plan, planned } = await buildPlan(parameters, { planId, distribution, asset, earlier })
  // Who was left out, and who is paid again on purpose, with the payment that paid them: a resumed run leaves out the same accounts.
  const recorded: PlannedData = {
    ...planned,
    ...(alreadyPaid.length > 0 ? { alreadyPaid: alreadyPaid.map(journaledPaid) } : {}),
    ...(paidAgain.length > 0 ? { paidAgain: paidAgain.map(journaledPaid) } : {}),
  }
  incident.journal.append('reimburse.planned', recorded)
  return {
    chain,
    plan,
    done: 'reimbursed',
    detail: {
      incident: incident.id,
      mode,
      asset,
      policy,
      distribution,
      file,
      ...(planned.claimAddress ? { claimAddress: planned.claimAddress } : {}),
      ...(planned.recoveryToken ? { recoveryToken: planned.recoveryToken } : {}),
      alreadyPaid,
      paidAgain,
    },
  }
}

type Owed = { distribution: Distribution; earlier: PlannedData | undefined; alreadyPaid: PaidAccount[]; paidAgain: PaidAccount[] }

/**
 * What is still owed once every earlier payment of the same losses file is accounted for: the
 * journals of every incident of the workspace, checked against the chain, and the funder's
 * transfers on chain since the losses (a workspace elsewhere). A plan this incident started is
 * resumed as it was built, leaving out the same accounts; it ends only if someone else has since
 * paid all of them (its own transfers its engine finds done on chain).
 */
async function leaveOutPaid(
  parameters: RunReimbursementParameters,
  { losses, asset, policy, everyone }: { losses: LossesFile; asset: AssetInfo; policy: PolicyResult; everyone: Distribution },
): Promise<Owed | PhaseEnded<ReimbursementOutcome>> {
  const { chain, incident, mode, funder, payAgain = false } = parameters
  const find = (ownPlan?: { incident: string; planId: string }) =>
    findPaidAccounts({
      chain,
      incidentsRoot: parameters.incidentsRoot ?? dirname(incident.dir),
      lossesSha256: losses.sha256,
      mode,
      funder: funder.address,
      token: asset.address,
      // The losses are the state after that block: their reimbursement comes later.
      sinceBlock: losses.afterBlock !== undefined ? losses.afterBlock + 1n : (parameters.paidSince ?? 0n),
      ...(ownPlan ? { ownPlan } : {}),
    })
  const ended = async (alreadyPaid: PaidAccount[]): Promise<PhaseEnded<ReimbursementOutcome>> => {
    const forkBlock = await chain.public.getBlockNumber({ cacheTime: 0 })
    const plan: Plan = { id: planIdOf(mode, everyone.root, false, parameters.scope), phase: 'recover', title: `nothing to pay: ${alreadyPaid.length} accounts were paid already`, steps: [], abis: [] }
    const outcome: ReimbursementOutcome = { status: 'already-paid', incident: incident.id, mode, asset, policy, distribution: everyone, file: '', alreadyPaid, paidAgain: [], plan, simulation: { ok: true, forkBlock, steps: [] }, steps: [] }
    return { ended: outcome }
  }
  const claimPaying = (claim: { address: Address; txHash: Hash }, accounts: readonly { account: Address; amount: bigint }[]): PaidAccount[] =>
    accounts.map(({ account, amount }) => ({ account, amount, how: 'claim', txHash: claim.txHash, state: 'mined' }))

  const resumed = resumablePlan(incident, mode, policy, payAgain, parameters.scope)
  if (resumed) {
    const { paid, fundedClaims } = await find({ incident: basename(incident.dir), planId: resumed.planned.planId })
    const entries = resumed.distribution.entries
    const claim = fundedClaims.find((funded) => isSameRoot(funded.root, resumed.distribution.root) && funded.address !== resumed.planned.claimAddress)
    if (!payAgain && claim) return ended(claimPaying(claim, entries))
    if (!payAgain && entries.every((entry) => paid.has(entry.account))) return ended(entries.map((entry) => paid.get(entry.account)!))
    return { distribution: resumed.distribution, earlier: resumed.planned, alreadyPaid: (resumed.planned.alreadyPaid ?? []).map(readPaid), paidAgain: (resumed.planned.paidAgain ?? []).map(readPaid) }
  }

  const { paid, fundedClaims } = await find()
  const everyoneClaim = fundedClaims.find((funded) => isSameRoot(funded.root, everyone.root))
  const earlierPayments = everyoneClaim ? claimPaying(everyoneClaim, everyone.entries) : policy.payouts.flatMap((payout) => paid.get(payout.account) ?? [])
  if (payAgain) return { distribution: everyone, earlier: undefined, alreadyPaid: [], paidAgain: earlierPayments }
  const left = policy.payouts.filter((payout) => !earlierPayments.some((payment) => payment.account === payout.account))
  if (left.length === 0) return ended(earlierPayments)
  const distribution = distributionOf(left)
  const claim = fundedClaims.find((funded) => isSameRoot(funded.root, distribution.root))
  if (claim) return ended([...earlierPayments, ...claimPaying(claim, distribution.entries)])
  return { distribution, earlier: undefined, alreadyPaid: earlierPayments, paidAgain: [] }
}

/**
 * The plan this incident started for the same payouts and mode, built again as it was: the same
 * accounts left out give the same root. Only a plan that sent something is resumed as it was
 * built; one that was only dry-run is built afresh.
 */
function resumablePlan(incident: Incident, mode: ReimburseMode, policy: PolicyResult, payAgain: boolean, scope: { chain: string } | undefined): { planned: PlannedData; distribution: Distribution } | undefined {
  const planned = entriesOf(incident.journal, 'reimburse.planned').map((entry) => entry.data)
  for (const earlier of planned.reverse()) {
    // The plan id says the mode and whether it pays again; `paidAgain` is journaled only when someone was paid before.
    if (earlier.planId !== planIdOf(mode, earlier.root, payAgain, scope) || !planStarted(incident, earlier.planId)) continue
    const leftOut = new Set((earlier.alreadyPaid ?? []).map((paid) => getAddress(paid.account)))
    const distribution = distributionOf(policy.payouts.filter((payout) => !leftOut.has(payout.account)))
    if (isSameRoot(earlier.root, distribution.root)) return { planned: earlier, distribution }
  }
  return undefined
}

function distributionOf(payouts: PolicyResult['payouts']): Distribution {
  return buildDistribution(payouts.map(({ account, loss, amount }) => ({ account, before: loss, after: 0n, loss: amount })))
}

/** A deliberate second payment is a plan of its own: the first one's journal, and its claim contract's address, stay its own. */
function planIdOf(mode: ReimburseMode, root: string, payAgain: boolean, scope: { chain: string } | undefined): string {
  return scopedPlanId({ scope }, `recover-reimburse-${mode}-${root.slice(2, 10)}${payAgain ? '-again' : ''}`)
}

function journaledPaid(paid: PaidAccount): JournaledPaidAccount {
  return { account: paid.account, amount: paid.amount, how: paid.how, txHash: paid.txHash, state: paid.state, ...(paid.incident ? { incident: paid.incident } : {}) }
}

function readPaid(paid: JournaledPaidAccount): PaidAccount {
  return { ...paid, account: getAddress(paid.account), amount: BigInt(paid.amount) }
}

/** What a resumed run must build its plan with again, journaled the first time. */
type PlannedData = JournalEntries['reimburse.planned']

async function buildPlan(
  parameters: RunReimbursementParameters,
  { planId, distribution, asset, earlier }: { planId: string; distribution: Distribution; asset: AssetInfo; earlier: PlannedData | undefined },
): Promise<{ plan: Plan; planned: PlannedData }> {
  const { chain, funder, artifacts } = parameters
  const base = { planId, mode: parameters.mode, root: distribution.root }
  switch (parameters.mode) {
    case 'merkle': {
      // The deadline is part of the contract's init code, hence of its CREATE2 address: a resumed run must reuse it.
      const claimDeadline =
        earlier?.claimDeadline !== undefined
          ? BigInt(earlier.claimDeadline)
          : (await chain.public.getBlock({ blockTag: 'latest' })).timestamp + (parameters.claimWindowSeconds ?? DEFAULT_CLAIM_WINDOW_SECONDS)
      const plan = buildClaimPlan({ id: planId, claimArtifact: artifacts.get('ReimbursementClaim'), token: asset.address, distribution, claimDeadline, treasury: funder })
      return { plan, planned: { ...base, claimAddress: plan.claimAddress, claimDeadline } }
    }
    case 'transfers': {
      const baseline = earlier?.baseline ? new Map(Object.entries(earlier.baseline).map(([account, balance]) => [getAddress(account), BigInt(balance)])) : await readBaseline(chain, asset.address, distribution)
      const plan = buildTransferPlan({ id: planId, token: asset.address, payouts: distribution.entries, funder, baseline, batchSize: parameters.batchSize })
      return { plan, planned: { ...base, baseline: Object.fromEntries(baseline) } }
    }
    case 'tokens': {
      const options = parameters.recoveryToken ?? {}
      const symbol = options.symbol ?? `r${asset.symbol ?? 'TOKEN'}`
      const plan = buildRecoveryTokenPlan({
        id: planId,
        tokenArtifact: artifacts.get('RecoveryToken'),
        terms: { name: options.name ?? `${asset.symbol ?? asset.address} recovery claim`, symbol, decimals: asset.decimals ?? 18, transferable: options.transferable ?? false },
        issuer: funder,
        payouts: distribution.entries,
        root: distribution.root,
        batchSize: parameters.batchSize,
      })
      return { plan, planned: { ...base, recoveryToken: plan.tokenAddress } }
    }
  }
}

/** Refuses a policy that pays more than the funder holds (or the budget allows), before any plan exists. */
async function checkAvailable(chain: ChainClients, parameters: RunReimbursementParameters, policy: PolicyResult, asset: AssetInfo, losses: LossesFile): Promise<void> {
  const { budget, funder, mode } = parameters
  if (mode === 'tokens') {
    // Issuing an IOU spends nothing now; a budget still bounds what the team promises.
    if (budget !== undefined) checkFunds({ policy, available: budget, funder: 'the budget', asset, lossesFile: losses.file })
    return
  }
  const balance = await chain.public.readContract({ address: asset.address, abi: erc20Abi, functionName: 'balanceOf', args: [funder.address] })
  if (budget !== undefined && budget < balance) checkFunds({ policy, available: budget, funder: 'the budget', asset, lossesFile: losses.file })
  else checkFunds({ policy, available: balance, funder: `${funder.label} ${funder.address}`, asset, lossesFile: losses.file })
}

async function readBaseline(chain: ChainClients, token: Address, distribution: Distribution): Promise<Map<Address, bigint>> {
  const balances = await Promise.all(distribution.entries.map((entry) => chain.public.readContract({ address: token, abi: erc20Abi, functionName: 'balanceOf', args: [entry.account] })))
  return new Map(distribution.entries.map((entry, index) => [entry.account, balances[index]!]))
}

/** Writes the published file once; a resumed run finds the same bytes there (same root, same content). */
function publish(file: string, text: string): void {
  if (existsSync(file) && readFileSync(file, 'utf8') === text) return
  const temporary = `${file}.partial-${process.pid}`
  writeFileSync(temporary, text)
  renameSync(temporary, file)
}

function planStarted(incident: Incident, planId: string): boolean {
  return incident.journal.entries().some((entry) => (entry.type === 'step.sent' || entry.type === 'step.done') && (entry.data as { planId?: string }).planId === planId)
}

function alreadyJournaled(incident: Incident, distribution: Distribution): boolean {
  return incident.journal.entries().some((entry) => entry.type === 'distribution.built' && isSameRoot((entry.data as { root?: string }).root, distribution.root))
}

function isSameRoot(a: string | undefined, b: string): boolean {
  return a !== undefined && a.toLowerCase() === b.toLowerCase()
}
