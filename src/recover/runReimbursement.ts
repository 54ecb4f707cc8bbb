import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { relative } from 'node:path'
import { type Address, type LocalAccount, erc20Abi, getAddress } from 'viem'
import type { ChainClients } from '../chain/clients.js'
import type { Authority, Plan } from '../engine/plan.js'
import { type PhaseOutcome, type PhasePlan, type PhaseProgress, type PhaseStatus, failureReason, incidentRun, runPhase } from '../engine/runPhase.js'
import { InvalidInputError, UsageError } from '../errors.js'
import type { Incident } from '../journal/incident.js'
import type { Artifacts } from '../solidity/artifacts.js'
import { buildClaimPlan } from './buildClaimPlan.js'
import { type Distribution, buildDistribution } from '../distribution/buildDistribution.js'
import { buildRecoveryTokenPlan } from './buildRecoveryTokenPlan.js'
import { buildTransferPlan } from './buildTransferPlan.js'
import { checkFunds } from './checkFunds.js'
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
  /** Build, publish and simulate; send nothing. */
  dryRun?: boolean
  /** Keys handed over in memory (tests, the drill); the CLI reads keys from the environment or keystores. */
  accounts?: readonly LocalAccount[]
  signatureFiles?: readonly string[]
  onProgress?: (event: ReimbursementProgress) => void | Promise<void>
}

export type ReimbursementProgress = PhaseProgress<{}, { stage: 'distributed'; policy: PolicyResult; distribution: Distribution; file: string; asset: AssetInfo }>

type ReimbursementDetail = {
  incident: string
  mode: ReimburseMode
  asset: AssetInfo
  policy: PolicyResult
  distribution: Distribution
  /** The published distribution, in the incident folder. */
  file: string
  /** merkle: the claim contract users claim from. */
  claimAddress?: Address
  /** tokens: the recovery token. */
  recoveryToken?: Address
}

/** `waiting`: a step waits for a timelock; run the same command again once its delay has passed. */
export type ReimbursementOutcome = PhaseOutcome<PhaseStatus<'reimbursed'>, ReimbursementDetail>

/**
 * `firebreak reimburse`: losses file → policy → distribution, published in the incident folder in
 * OpenZeppelin StandardMerkleTree's format, then paid through the engine (simulated on a fork,
 * executed by the funder's authority, verified, journaled). Every check of the inputs (the file,
 * the policy, the funds) happens before the plan exists, so bad input never deploys anything. Run
 * again after an interruption, it resumes the same plan: the journal keeps the claim deadline and
 * the transfer baselines it was built with.
 */
export function runReimbursement(parameters: RunReimbursementParameters): Promise<ReimbursementOutcome> {
  const { incident, mode, dryRun = false } = parameters
  const { journal } = incident
  return runPhase({
    ...incidentRun(parameters),
    started: () => journal.append('reimburse.started', { mode, lossesFile: parameters.lossesFile, policy: describePolicy(parameters.policy), dryRun }),
    build: () => buildReimbursement(parameters),
    finished: (outcome) =>
      journal.append('reimburse.finished', {
        planId: outcome.plan.id,
        status: outcome.status,
        mode: outcome.mode,
        root: outcome.distribution.root,
        ...(outcome.claimAddress ? { claimAddress: outcome.claimAddress } : {}),
        ...(outcome.recoveryToken ? { recoveryToken: outcome.recoveryToken } : {}),
        ...(outcome.waiting ? { waiting: outcome.waiting } : {}),
      }),
    failed: (error) => journal.append('reimburse.failed', { mode, reason: failureReason(error) }),
  })
}

/** The distribution, checked and published, then the plan that pays it. */
async function buildReimbursement(parameters: RunReimbursementParameters): Promise<PhasePlan<'reimbursed', ReimbursementDetail>> {
  const { chain, incident, mode, dryRun = false, onProgress = () => {} } = parameters
  const losses = readLossesFile(parameters.lossesFile)
  if (losses.chainId !== undefined && losses.chainId !== chain.chain.id) {
    throw new UsageError(`${losses.file} was computed on chain ${losses.chainId}, but the node is chain ${chain.chain.id}: use the RPC URL of that chain`)
  }
  const tokenAddress = parameters.token ?? losses.asset?.address
  if (!tokenAddress) throw new InvalidInputError({ parameter: 'token', problem: `${losses.file} does not say which token was lost: give the token to ${mode === 'tokens' ? 'mirror' : 'pay in'}` })
  const asset = await readAssetInfo(chain, tokenAddress)
  const policy = applyPolicy(losses.losses, parameters.policy)
  if (policy.payouts.length === 0) throw new UsageError(`policy "${policy.description}" pays nobody from ${losses.file}: lower the minimum or check the file`)
  const distribution = buildDistribution(policy.payouts.map(({ account, loss, amount }) => ({ account, before: loss, after: 0n, loss: amount })))
  const short = distribution.root.slice(2, 10)
  const planId = `recover-reimburse-${mode}-${short}`
  // Only a plan that sent something is resumed as it was built; one that was only dry-run is built afresh.
  const earlier = planStarted(incident, planId)
    ? (incident.journal.entries().findLast((entry) => entry.type === 'reimburse.planned' && (entry.data as { planId?: string }).planId === planId)?.data as PlannedData | undefined)
    : undefined
  // A resumed plan may already have moved the funds: the engine's simulation checks what is left to send.
  if (!earlier) await checkAvailable(chain, parameters, policy, asset, losses)
  if (mode === 'transfers' && policy.payouts.length > MAX_DIRECT_TRANSFERS) {
    throw new InvalidInputError({ parameter: 'mode', value: mode, problem: `${policy.payouts.length} accounts is too many for direct transfers (at most ${MAX_DIRECT_TRANSFERS}): reimburse in merkle mode, where each account claims its own` })
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
  await onProgress({ stage: 'distributed', policy, distribution, file, asset })

  const { plan, planned } = await buildPlan(parameters, { planId, distribution, asset, earlier })
  incident.journal.append('reimburse.planned', planned)
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
    },
  }
}

/** What a resumed run must build its plan with again, journaled the first time. */
type PlannedData = {
  planId: string
  mode: ReimburseMode
  root: string
  claimAddress?: Address
  claimDeadline?: bigint | string
  recoveryToken?: Address
  baseline?: Record<string, bigint | string>
}

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
