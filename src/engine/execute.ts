import type { Abi, Address, Hash, Hex, TransactionReceipt } from 'viem'
import type { ChainClients } from '../chain/clients.js'
import { isTransportError } from '../chain/transportError.js'
import { FirebreakError, errorMessage } from '../errors.js'
import { type CheckResult, evaluateChecks } from './checks.js'
import { AwaitingSignaturesError, type SafeTransactionAwaitingSignatures, awaitingSignaturesOf } from './awaitingSignatures.js'
import { PostconditionFailedError, SimulationFailedError, StepRevertedError, StepWaitingError } from './errors.js'
import { type Executor, type ExecutorContext, executorFor } from './executors/index.js'
import { SafeThresholdNotMetError } from './executors/safe/errors.js'
import { type JournalLike, findStepEntry, journaledHashes, wasSent } from './journalLike.js'
import { type Authority, type Call, type Plan, type Step, type TimelockWait, describeActions, viewFunction } from './plan.js'
import { waitForAnyReceipt } from './executors/feeBump.js'
import { firstRevertingCall } from './replayCalls.js'
import { decodeRevert } from '../chain/revert.js'
import { type SimulationResult, describeSimulationFailure, simulatePlan } from './simulate.js'
import { type RunStepsOptions, type StepsOutcome, runSteps } from './runSteps.js'
import { stepDependencies } from './stepOrder.js'

export { type RunStepsOptions, type StepsOutcome, runSteps } from './runSteps.js'

export type ExecuteOptions = Omit<ExecutorContext, 'chain' | 'plan' | 'step'>

export type StepOutcome = {
  stepId: string
  /** `skipped`: the journal shows this step already done (a resumed plan never sends it twice). */
  status: 'done' | 'skipped'
  txHash?: Hash
  blockNumber?: bigint
  gasUsed?: bigint
  checks: CheckResult[]
}

/** Journals the plan as it will be shown to signers. */
function recordPlan(journal: JournalLike, plan: Plan): void {
  journal.append('plan.built', {
    planId: plan.id,
    phase: plan.phase,
    title: plan.title,
    steps: plan.steps.map((step) => ({
      stepId: step.id,
      title: step.title,
      authority: journaledAuthority(step.authority),
      calls: step.actions.map((action) => action.call),
      decoded: describeActions(step),
      ...(step.after ? { after: step.after } : {}),
      postconditions: step.postconditions.map((check) => check.description),
    })),
  })
}

/**
 * The authority as the journal keeps it: who signs and where the key is to be found, never the
 * name of the variable holding a keystore's password (the journal refuses password-named fields).
 */
function journaledAuthority(authority: Authority): Record<string, unknown> {
  switch (authority.kind) {
    case 'key': {
      const { keystore, ...rest } = authority
      return keystore ? { ...rest, keystoreFile: keystore.path } : rest
    }
    case 'safe': {
      const { submitter, ...rest } = authority
      return submitter ? { ...rest, submitter: submitter.address } : rest
    }
    case 'impersonate':
      return authority
  }
}

/**
 * The steps a resumed plan must not replay on the fork: done, or sent and mined (the fork holds
 * them). A step sent but not yet mined is simulated like any other: its transaction will have the
 * same effect once mined, and later steps' checks must see that effect on the fork too.
 */
async function stepsOnChain(chain: ChainClients, plan: Plan, journal: JournalLike): Promise<Set<string>> {
  const mined = await Promise.all(
    plan.steps.map(async (step) => {
      if (findStepEntry(journal, 'step.done', plan.id, step.id)) return true
      if (!wasSent(journal, plan, step)) return false
      const receipts = await Promise.all(journaledHashes(journal, plan, step).map((hash) => chain.public.getTransactionReceipt({ hash }).catch(() => undefined)))
      return receipts.some((receipt) => receipt !== undefined)
    }),
  )
  return new Set(plan.steps.filter((_, index) => mined[index]).map((step) => step.id))
}

/** Simulates on a fork and journals the result; refuses to go on when the simulation failed. */
async function simulateAndRecord(chain: ChainClients, plan: Plan, journal: JournalLike): Promise<SimulationResult> {
  const result = await simulatePlan(chain, plan, { skip: await stepsOnChain(chain, plan, journal) })
  journal.append('plan.simulated', { planId: plan.id, ok: result.ok, forkBlock: result.forkBlock, steps: result.steps })
  if (!result.ok) {
    journal.append('plan.failed', { planId: plan.id, stage: 'simulation', reason: describeSimulationFailure(result) })
    throw new SimulationFailedError(`plan "${plan.title}" was not executed: ${describeSimulationFailure(result)}`)
  }
  return result
}

/**
 * Every executor a plan needs, each prepared (keys found, signatures checked against the
 * threshold) before the first step is sent. Steps the journal shows sent need none.
 */
export async function prepareExecutors(chain: ChainClients, plan: Plan, options: ExecuteOptions): Promise<Map<string, Executor>> {
  const executors = new Map<string, Executor>()
  for (const step of plan.steps) {
    if (wasSent(options.journal, plan, step)) continue
    const executor = await executorFor({ ...options, chain, plan, step })
    await executor.prepare()
    executors.set(step.id, executor)
  }
  return executors
}

/**
 * Sends one step through its authority's executor, waits for it, verifies its postconditions on
 * the real chain and journals every transition. A step is marked done only when its checks pass.
 */
export async function executeStep(chain: ChainClients, plan: Plan, step: Step, options: ExecuteOptions & { executor?: Executor }): Promise<StepOutcome> {
  const { journal } = options
  const ids = { planId: plan.id, stepId: step.id }
  if (findStepEntry(journal, 'step.done', plan.id, step.id)) return { stepId: step.id, status: 'skipped', checks: [] }
  if (step.doneWhen && !wasSent(journal, plan, step)) {
    const [already] = await evaluateChecks(chain.public, [step.doneWhen], plan.abis)
    if (already?.passed) {
      journal.append('step.done', { ...ids, alreadyOnChain: already.description })
      return { stepId: step.id, status: 'skipped', checks: [already] }
    }
  }

  const receipt = await sendOnce(chain, plan, step, options)
  if (receipt.status !== 'success') {
    const reason = await explainStepRevert(chain, step, receipt.blockNumber, plan.abis)
    journal.append('step.failed', { ...ids, stage: 'execution', txHash: receipt.transactionHash, reason })
    throw new StepRevertedError(`step "${step.title}" reverted on chain: ${reason}`, {
      metaMessages: [`transaction ${receipt.transactionHash} in block ${receipt.blockNumber}`],
    })
  }

  const checks = await evaluateChecks(chain.public, step.postconditions, plan.abis)
  journal.append('step.verified', { ...ids, checks })
  const failed = checks.filter((check) => !check.passed)
  if (failed.length > 0) {
    journal.append('step.failed', { ...ids, stage: 'verification', checks: failed })
    throw new PostconditionFailedError(step.title, failed)
  }
  journal.append('step.done', { ...ids, txHash: receipt.transactionHash, blockNumber: receipt.blockNumber })
  return { stepId: step.id, status: 'done', txHash: receipt.transactionHash, blockNumber: receipt.blockNumber, gasUsed: receipt.gasUsed, checks }
}

/**
 * A step is sent at most once: if the journal holds a sent transaction for it (the previous run
 * was interrupted), we wait for that transaction instead of sending another.
 */
async function sendOnce(chain: ChainClients, plan: Plan, step: Step, options: ExecuteOptions & { executor?: Executor }): Promise<TransactionReceipt> {
  const { journal } = options
  const ids = { planId: plan.id, stepId: step.id }
  const mined = findStepEntry(journal, 'step.mined', plan.id, step.id)
  const sent = wasSent(journal, plan, step) ? findStepEntry(journal, 'step.sent', plan.id, step.id) : undefined
  if (mined) return chain.public.waitForTransactionReceipt({ hash: mined.txHash as Hash })
  // Interrupted between sending and mining: the record still needs the block the step landed in.
  if (sent) {
    await broadcastAgain(chain, sent.serialized as Hex | undefined)
    return recordMined(chain, journal, ids, sent.txHash as Hash, () => waitForAnyReceipt(chain.public, journaledHashes(journal, plan, step)))
  }

  if (step.after) await waitForTimelock(chain, plan, step, step.after, journal)
  let txHash: Hash | undefined
  let executor: Executor
  const recordSent = (hash: Hash, serialized?: Hex) => {
    txHash = hash
    const nonce = executor.lastNonce
    journal.append('step.sent', {
      ...ids,
      txHash: hash,
      executor: executor.describe,
      ...(nonce === undefined ? {} : { nonce }),
      ...(serialized ? { serialized } : {}),
      calls: step.actions.map((action) => action.call),
    })
  }
  try {
    executor = options.executor ?? (await executorFor({ ...options, chain, plan, step }))
    if (!options.executor) await executor.prepare()
    const hash = await executor.send((signed) => recordSent(signed.hash, signed.serialized))
    // An executor that cannot sign ahead (impersonation) is journaled once its node took the transaction.
    if (txHash === undefined) recordSent(hash)
  } catch (error) {
    if (txHash !== undefined) {
      // Journaled, then lost on the way: the node may hold it, so a resumed run broadcasts it again and waits.
      if (isTransportError(error)) throw error
      // Journaled, then refused by the node (underfunded, nonce used): it never left, and a resumed run signs anew.
      journal.append('step.failed', { ...ids, stage: 'broadcast', txHash, reason: decodeRevert(error, plan.abis).text })
      throw error
    }
    // Nothing was sent (no key, gas estimation reverted, node refused): say so, so a resume retries it.
    journal.append('step.failed', { ...ids, stage: 'send', reason: decodeRevert(error, plan.abis).text })
    throw error
  }
  const sentHash: Hash = txHash!
  const onReplaced = (replacement: Hash) => void journal.append('step.replaced', { ...ids, txHash: replacement, replaces: sentHash })
  return recordMined(chain, journal, ids, sentHash, executor.confirm ? (hash) => executor.confirm!(hash, onReplaced) : undefined)
}

/**
 * A journaled transaction the node may never have received (the run was killed between journaling
 * and broadcasting it) is handed to the node again. A node that already has it, or has mined it or
 * a replacement, refuses: that is the expected answer, and the wait that follows finds the receipt.
 */
async function broadcastAgain(chain: ChainClients, serialized: Hex | undefined): Promise<void> {
  if (!serialized) return
  await chain.public.sendRawTransaction({ serializedTransaction: serialized }).catch(() => undefined)
}

/**
 * A step behind a timelock's delay: sent only once the operation is ready. Before that, the plan
 * stops with the time it becomes ready, and a later run picks it up from the journal.
 */
async function waitForTimelock(chain: ChainClients, plan: Plan, step: Step, wait: TimelockWait, journal: JournalLike): Promise<void> {
  const read = (name: 'isOperationReady' | 'getTimestamp') =>
    chain.public.readContract({ address: wait.timelock, abi: [viewFunction(timelockViews, name)], functionName: name, args: [wait.operationId] })
  if (await read('isOperationReady')) return
  const readyAt = (await read('getTimestamp')) as bigint
  if (readyAt === 0n) throw new StepRevertedError(`step "${step.title}" cannot run: timelock ${wait.timelock} has no operation ${wait.operationId} scheduled (did the schedule step run?)`)
  journal.append('step.waiting', { planId: plan.id, stepId: step.id, timelock: wait.timelock, operationId: wait.operationId, readyAt })
  throw new StepWaitingError(step.title, wait.timelock, readyAt)
}

const timelockViews = [
  { type: 'function', name: 'isOperationReady', stateMutability: 'view', inputs: [{ name: 'id', type: 'bytes32' }], outputs: [{ name: '', type: 'bool' }] },
  { type: 'function', name: 'getTimestamp', stateMutability: 'view', inputs: [{ name: 'id', type: 'bytes32' }], outputs: [{ name: '', type: 'uint256' }] },
] as const

async function recordMined(
  chain: ChainClients,
  journal: JournalLike,
  ids: { planId: string; stepId: string },
  txHash: Hash,
  confirm: (hash: Hash) => Promise<TransactionReceipt> = (hash) => chain.public.waitForTransactionReceipt({ hash }),
): Promise<TransactionReceipt> {
  const receipt = await confirm(txHash)
  journal.append('step.mined', {
    ...ids,
    txHash: receipt.transactionHash,
    status: receipt.status,
    blockNumber: receipt.blockNumber,
    gasUsed: receipt.gasUsed,
  })
  return receipt
}

/** Why a step's mined transaction reverted: its calls replayed as its authority on the state they met. */
async function explainStepRevert(chain: ChainClients, step: Step, blockNumber: bigint, abis: readonly Abi[]): Promise<string> {
  const failed = await firstRevertingCall(chain, step.authority.address, step.actions.map((action) => action.call), abis, blockNumber - 1n)
  if (!failed) return 'reverted (each call succeeds when replayed; the revert depended on the block or on the authority itself)'
  return step.actions.length > 1 ? `${step.actions[failed.index]!.decoded.text}: ${failed.reason}` : failed.reason
}

/** Why a mined transaction reverted: its call replayed on the state it met (the end of the block before). */
export async function explainRevert(chain: ChainClients, call: Call & { from: Address }, blockNumber: bigint, abis: readonly Abi[]): Promise<string> {
  const failed = await firstRevertingCall(chain, call.from, [call], abis, blockNumber - 1n)
  return failed?.reason ?? 'reverted (the call succeeds when replayed; the revert depended on the block)'
}

export type PlanStages = {
  /** Journals the plan as signers will see it, simulates it on a fork, refuses to go on if that fails. */
  simulate(): Promise<SimulationResult>
  /**
   * Readies every executor (keys, signatures, thresholds) before anything is sent. A Safe step
   * whose owners have not all signed is set aside in `awaitingSignatures` (its file written, like
   * every other Safe transaction of the plan); anything else not ready stops the plan here.
   */
  prepare(): Promise<void>
  /** The Safe transactions `prepare` found short of owner signatures, every one of the plan's, in plan order. */
  readonly awaitingSignatures: SafeTransactionAwaitingSignatures[]
  /** Each step, with the earlier steps it waits for (see stepDependencies). */
  steps: { step: Step; run(): Promise<StepOutcome>; dependsOn: string[] }[]
  /** Journals the plan as done. */
  finish(): void
}

/**
 * plan → simulate → execute → verify, journaled: the stages every phase runs, in order. runSteps
 * runs the steps, at once where the plan's authorities are independent; the CLI shows them as a
 * live list (src/progress/planTasks.ts).
 */
export function planStages(chain: ChainClients, plan: Plan, options: ExecuteOptions): PlanStages {
  const { journal } = options
  let executors = new Map<string, Executor>()
  const shortOfSignatures = new Map<string, SafeThresholdNotMetError>()
  const failed = (stage: string, error: unknown) => {
    const waiting = error instanceof StepWaitingError || error instanceof SafeThresholdNotMetError
    journal.append(waiting ? 'plan.waiting' : 'plan.failed', { planId: plan.id, stage: error instanceof SafeThresholdNotMetError ? 'signatures' : stage, reason: errorMessage(error).split('\n')[0] })
    return error
  }
  const dependencies = stepDependencies(plan, { defaultSubmitter: options.accounts?.[0]?.address })
  return {
    simulate: () => {
      recordPlan(journal, plan)
      return simulateAndRecord(chain, plan, journal)
    },
    prepare: async () => {
      try {
        executors = await prepareSteps(chain, plan, options, shortOfSignatures)
      } catch (error) {
        throw failed('prepare', error)
      }
    },
    get awaitingSignatures() {
      return plan.steps.flatMap((step) => {
        const short = shortOfSignatures.get(step.id)
        return short ? [awaitingSignaturesOf(short)] : []
      })
    },
    steps: plan.steps.map((step) => ({
      step,
      dependsOn: dependencies.get(step.id) ?? [],
      run: async () => {
        const short = shortOfSignatures.get(step.id)
        if (short) {
          const { safe, nonce, safeTxHash, file, signed, threshold } = short.details
          journal.append('step.waiting', { planId: plan.id, stepId: step.id, signatures: { safe, nonce, safeTxHash, file, signed, threshold } })
          throw failed('signatures', short)
        }
        try {
          return await executeStep(chain, plan, step, { ...options, executor: executors.get(step.id) })
        } catch (error) {
          throw failed('execution', error)
        }
      },
    })),
    finish: () => void journal.append('plan.done', { planId: plan.id }),
  }
}

/**
 * Like prepareExecutors, but a Safe step short of owner signatures does not stop the others from
 * being prepared: it goes into `shortOfSignatures`, so that every Safe transaction of the plan is
 * written out and named in one run. Any other problem is thrown once every step was looked at.
 * The steps of independent authorities are prepared at once (a Safe's reads do not hold up a
 * key's pause); a plan of dependent steps, possibly hundreds of batches, one after the other, so
 * as not to flood the node.
 */
async function prepareSteps(chain: ChainClients, plan: Plan, options: ExecuteOptions, shortOfSignatures: Map<string, SafeThresholdNotMetError>): Promise<Map<string, Executor>> {
  shortOfSignatures.clear()
  const prepareOne = async (step: Step): Promise<{ executor?: Executor; problem?: unknown }> => {
    if (wasSent(options.journal, plan, step)) return {}
    // On chain already (a timelock's schedule a Safe sent in an earlier run): nothing to sign, executeStep journals it done.
    // A check that cannot be read yet (its contract is deployed by an earlier step) says not done.
    if (step.doneWhen && (await evaluateChecks(chain.public, [step.doneWhen], plan.abis).catch(() => []))[0]?.passed) return {}
    try {
      const executor = await executorFor({ ...options, chain, plan, step })
      await executor.prepare()
      return { executor }
    } catch (error) {
      if (error instanceof SafeThresholdNotMetError) {
        shortOfSignatures.set(step.id, error)
        return {}
      }
      // A node that does not answer, or a bug, ends the look-around at once; a user's problem (a key unset) does not.
      if (!(error instanceof FirebreakError)) throw error
      return { problem: error }
    }
  }
  const prepared: { executor?: Executor; problem?: unknown }[] = []
  if (plan.independentAuthorities) prepared.push(...(await Promise.all(plan.steps.map(prepareOne))))
  else for (const step of plan.steps) prepared.push(await prepareOne(step))
  const problem = prepared.find((each) => each.problem !== undefined)
  if (problem) throw problem.problem
  const executors = new Map<string, Executor>()
  for (const [index, { executor }] of prepared.entries()) if (executor) executors.set(plan.steps[index]!.id, executor)
  return executors
}

/** What the engine tells a phase runner as it goes: the war room sees each stage as it happens. */
export type PlanProgress =
  | { stage: 'simulated'; simulation: SimulationResult }
  /** Every key checked; `awaitingSignatures` lists the Safe transactions still to sign, while the other steps go ahead. */
  | { stage: 'prepared'; awaitingSignatures: SafeTransactionAwaitingSignatures[] }
  | { stage: 'step'; step: Step; outcome: StepOutcome }

export type ExecutePlanOptions = ExecuteOptions &
  RunStepsOptions & {
    /** Simulate only: nothing is prepared or sent. */
    dryRun?: boolean
    onProgress?: (event: PlanProgress) => void
  }

export type ExecutePlanReturnType = StepsOutcome & { simulation: SimulationResult; dryRun: boolean }

/**
 * What every phase runner does once its plan is built: simulate it on a fork (journaled), stop
 * there on a dry run, else prepare every executor and run the steps. Safe transactions short of
 * signatures end the run with an AwaitingSignaturesError (carrying the outcome), or with
 * `awaitingSignatures` in the outcome when `awaitingSignatures: 'return'` is asked for.
 */
export async function executePlan(
  chain: ChainClients,
  plan: Plan,
  { dryRun = false, onProgress = () => {}, awaitingSignatures = 'throw', ...options }: ExecutePlanOptions,
): Promise<ExecutePlanReturnType> {
  const stages = planStages(chain, plan, options)
  const simulation = await stages.simulate()
  onProgress({ stage: 'simulated', simulation })
  if (dryRun) return { simulation, steps: [], dryRun }
  await stages.prepare()
  onProgress({ stage: 'prepared', awaitingSignatures: stages.awaitingSignatures })
  const outcome = await runSteps(stages, (step, done) => onProgress({ stage: 'step', step, outcome: done }), { awaitingSignatures: 'return' })
  const result = { simulation, ...outcome, dryRun }
  if (result.awaitingSignatures && awaitingSignatures === 'throw') throw new AwaitingSignaturesError({ ...result, awaitingSignatures: result.awaitingSignatures })
  return result
}

export type PlanOutcome = { planId: string; simulation: SimulationResult; steps: StepOutcome[] }

export async function runPlan(chain: ChainClients, plan: Plan, options: ExecuteOptions): Promise<PlanOutcome> {
  const stages = planStages(chain, plan, options)
  const simulation = await stages.simulate()
  await stages.prepare()
  const steps: StepOutcome[] = []
  for (const { run } of stages.steps) steps.push(await run())
  stages.finish()
  return { planId: plan.id, simulation, steps }
}
