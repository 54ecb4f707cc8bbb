import { type Address, type Hash, type Hex, decodeFunctionData, erc20Abi, getAddress, parseAbi } from 'viem'
import type { DistributionContext } from '../distribution/distributionFile.js'

type ReimburseMode = DistributionContext['mode']

/** What one journaled step of a reimbursement paid (or issued), as its incident recorded it. */
export type JournaledPayout = {
  /** `transfer`: tokens sent to the accounts; `claim`: a claim contract funded for them; `recovery-token`: IOUs minted. */
  kind: 'transfer' | 'claim' | 'recovery-token'
  /** The incident folder's name. */
  incident: string
  planId: string
  stepId: string
  /** The accounts the step pays, with what; a claim's are its distribution's, read from the published file. */
  accounts: { account: Address; amount: bigint }[]
  /** Every transaction journaled for the step (sent, fee-bumped replacements, mined): any one may be the one on chain. */
  txHashes: Hash[]
  /** A `step.done` names a mined transaction; without one, the step was only sent (and the process may have died there). */
  done: boolean
  /** The root of the distribution the step pays. */
  root: Hex
}

const recoveryTokenAbi = parseAbi(['function mintBatch(address[] accounts, uint256[] amounts)'])

/**
 * The payouts one incident's journal records for a losses file, known by its sha256 (the same file
 * copied elsewhere or renamed is the same losses), whatever policy or mode paid it: every step of
 * a reimbursement plan that was sent or done. Pure: the caller reads the journal, and
 * `distributionEntries` reads a claim's published distribution (relative to the incident folder).
 */
export function journaledPayouts(
  entries: readonly { type: string; data: unknown }[],
  { incident, lossesSha256, distributionEntries }: { incident: string; lossesSha256: Hex; distributionEntries: (file: string) => { account: Address; amount: bigint }[] },
): JournaledPayout[] {
  const data = (entry: { data: unknown }) => entry.data as Record<string, any>
  // Only a distribution that was made counts: a dry run's (distribution.previewed) paid nobody.
  const distributions = new Map<string, { file: string; root: Hex }>()
  for (const entry of entries) {
    if (entry.type !== 'distribution.built') continue
    const { root, file, lossesFile } = data(entry)
    if (typeof root === 'string' && typeof lossesFile?.sha256 === 'string' && lossesFile.sha256.toLowerCase() === lossesSha256.toLowerCase()) distributions.set(root.toLowerCase(), { file, root: root as Hex })
  }
  if (distributions.size === 0) return []
  const plans = new Map<string, { mode: ReimburseMode; root: Hex; file: string }>()
  for (const entry of entries) {
    if (entry.type !== 'reimburse.planned') continue
    const { planId, mode, root } = data(entry)
    const distribution = typeof root === 'string' ? distributions.get(root.toLowerCase()) : undefined
    if (distribution && typeof planId === 'string') plans.set(planId, { mode, root: distribution.root, file: distribution.file })
  }
  const steps = new Map<string, { calls: { to: Address; data: Hex }[]; txHashes: Hash[]; done: boolean; started: boolean }>()
  const key = (planId: string, stepId: string) => `${planId}\n${stepId}`
  for (const entry of entries) {
    const { planId, stepId, txHash } = data(entry)
    if (typeof planId !== 'string' || !plans.has(planId)) continue
    if (entry.type === 'plan.built') {
      for (const step of data(entry).steps ?? []) steps.set(key(planId, step.stepId), { calls: step.calls ?? [], txHashes: [], done: false, started: false })
      continue
    }
    const step = typeof stepId === 'string' ? steps.get(key(planId, stepId)) : undefined
    if (!step) continue
    if (entry.type === 'step.sent' || entry.type === 'step.replaced' || entry.type === 'step.mined' || entry.type === 'step.done') {
      step.started = true
      if (typeof txHash === 'string' && !step.txHashes.includes(txHash as Hash)) step.txHashes.push(txHash as Hash)
      if (entry.type === 'step.done' && typeof txHash === 'string') step.done = true
    }
  }
  const payouts: JournaledPayout[] = []
  for (const [planId, plan] of plans) {
    for (const [stepKey, step] of steps) {
      const [stepPlan, stepId] = stepKey.split('\n') as [string, string]
      if (stepPlan !== planId || !step.started) continue
      const base = { incident, planId, stepId, txHashes: step.txHashes, done: step.done, root: plan.root }
      if (plan.mode === 'merkle' && stepId === 'fund-claim') payouts.push({ ...base, kind: 'claim', accounts: distributionEntries(plan.file) })
      else if (plan.mode === 'transfers') payouts.push({ ...base, kind: 'transfer', accounts: step.calls.flatMap(transferOf) })
      else if (plan.mode === 'tokens' && stepId.startsWith('mint-')) payouts.push({ ...base, kind: 'recovery-token', accounts: step.calls.flatMap(mintsOf) })
    }
  }
  return payouts
}

function transferOf(call: { data: Hex }): { account: Address; amount: bigint }[] {
  try {
    const decoded = decodeFunctionData({ abi: erc20Abi, data: call.data })
    if (decoded.functionName !== 'transfer') return []
    const [account, amount] = decoded.args
    return [{ account: getAddress(account), amount }]
  } catch {
    return []
  }
}

function mintsOf(call: { data: Hex }): { account: Address; amount: bigint }[] {
  try {
    const [accounts, amounts] = decodeFunctionData({ abi: recoveryTokenAbi, data: call.data }).args
    return accounts.map((account, index) => ({ account: getAddress(account), amount: amounts[index]! }))
  } catch {
    return []
  }
}
