import { encodeFunctionData, isAddressEqual } from 'viem'
import { AuthorityMissingError } from '../../errors.js'
import type { Call, KeyAuthority, SafeAuthority, Step } from '../../plan.js'
import { keyExecutor } from '../key.js'
import type { Executor, ExecutorContext } from '../types.js'
import { CANONICAL_MULTI_SEND_CALL_ONLY, safeAbi } from './abi.js'
import { collectSignatures } from './collectSignatures.js'
import { SafeThresholdNotMetError, SafeTransactionError } from './errors.js'
import { pendingSafeTransactions } from './pendingSafeTransactions.js'
import { proposeSafeTransaction } from './proposeSafeTransaction.js'
import { type SafeState, readSafeState } from './readSafe.js'
import { encodeSignatures } from './signatures.js'
import { type PreparedSafeTransaction, confirmSafeTransaction, submitSafeTransaction } from './submitSafeTransaction.js'

/**
 * Performs a step through a Safe: builds one Safe transaction for its calls (a MultiSend batch when
 * there are several), writes it out for owners to check and sign, collects their signatures (keys
 * handed over in memory, signature files from other machines), and has any account with gas
 * submit `execTransaction` once the threshold is met.
 */
export async function safeExecutor(authority: SafeAuthority, context: ExecutorContext): Promise<Executor> {
  let prepared: Promise<PreparedSafeTransaction> | undefined
  let state: SafeState | undefined
  const prepare = () =>
    (prepared ??= prepareSafeTransaction(authority, context).then((result) => {
      state = result.state
      return result
    }))
  return {
    get describe() {
      const threshold = state?.threshold ?? authority.threshold
      const owners = state?.owners.length ?? authority.owners.length
      return `Safe ${authority.label} ${threshold}-of-${owners} ${authority.address}`
    },
    prepare: async () => {
      await prepare()
    },
    send: async (beforeBroadcast) => submitSafeTransaction(await prepare(), context, beforeBroadcast),
    confirm: async (hash, onReplaced) => confirmSafeTransaction(context, await prepare(), hash, onReplaced),
  }
}

/** Reads the Safe, writes its transaction files, collects signatures and builds `execTransaction`: what an armed watcher keeps ready. */
export async function prepareSafeTransaction(authority: SafeAuthority, context: ExecutorContext): Promise<PreparedSafeTransaction> {
  const { chain, plan, step, journal } = context
  const chainId = chain.chain.id
  const state = await readSafeState(chain, authority.address)
  const pending = pendingSafeTransactions(plan, journal, authority.address, state.nonce, chainId)
  const own = pending.find((each) => each.step.id === step.id)
  if (!own) throw new SafeTransactionError(`step "${step.title}" is not a pending step of Safe ${authority.label} in plan ${plan.id}`)
  const { transaction, hashes } = own

  // Every Safe transaction of the plan for this Safe is written out now, not only this step's, so
  // that owners sign the whole plan in one sitting instead of once per step.
  const files = new Map<string, string>()
  for (const each of pending) files.set(each.step.id, await proposeSafeTransaction(context, each, state))
  const file = files.get(step.id)!
  const signatures = await collectSignatures(context, authority, own, pending, state)
  const signed = signatures.map((signature) => signature.owner)
  if (signed.length < state.threshold) {
    const missing = state.owners.filter((owner) => !signed.some((signer) => isAddressEqual(signer, owner)))
    const later = pending.filter((each) => each !== own).map((each) => `also to sign for step "${each.step.title}" (nonce ${each.transaction.nonce}): ${files.get(each.step.id)}`)
    const multiSend = transaction.operation === 1 && !isAddressEqual(transaction.to, CANONICAL_MULTI_SEND_CALL_ONLY) ? transaction.to : undefined
    const [problem] = submitterProblem(authority, context)
    throw new SafeThresholdNotMetError(
      {
        stepId: step.id,
        stepTitle: step.title,
        safe: authority.address,
        label: authority.label,
        nonce: transaction.nonce,
        safeTxHash: hashes.safeTxHash,
        file,
        signed,
        missing,
        threshold: state.threshold,
        ...(multiSend ? { multiSend } : {}),
        ...(problem ? { submitterProblem: problem } : {}),
      },
      { metaMessages: [...later, ...(problem ? [`also: ${problem}`] : [])] },
    )
  }
  const submitterAuthority = submitterOf(authority, context)

  const { to, value, data, operation, safeTxGas, baseGas, gasPrice, gasToken, refundReceiver } = transaction
  const signatureBytes = encodeSignatures(signatures, state.threshold)
  const execCall: Call = {
    to: authority.address,
    value: 0n,
    data: encodeFunctionData({ abi: safeAbi, functionName: 'execTransaction', args: [to, value, data, operation, safeTxGas, baseGas, gasPrice, gasToken, refundReceiver, signatureBytes] }),
  }
  // The submitter sends like any key: its key found, its balance checked, its transaction re-priced if stuck.
  const submitter = keyExecutor(submitterAuthority, { ...context, step: submitStep(step, authority, execCall) })
  await submitter.prepare()
  return { ...own, state, file, signatures, execCall, submitter, submitterAddress: submitterAuthority.address }
}

/** The step as the submitter sends it: one call, `execTransaction` on the Safe. */
function submitStep(step: Step, authority: SafeAuthority, execCall: Call): Step {
  const text = `Safe ${authority.label}.execTransaction(${step.actions.map((action) => action.decoded.text).join('; ')})`
  return { ...step, actions: [{ call: execCall, decoded: { contract: `Safe ${authority.label}`, address: authority.address, functionName: 'execTransaction', args: [], text } }] }
}

/** Said along with missing signatures, so the submitter's key is sorted out while owners sign. */
function submitterProblem(authority: SafeAuthority, context: ExecutorContext): string[] {
  try {
    submitterOf(authority, context)
    return []
  } catch (error) {
    return error instanceof AuthorityMissingError ? [error.shortMessage] : []
  }
}

/**
 * Who pays the gas of `execTransaction`: the Safe's submitter key (handed over, from its
 * environment variable or its keystore), else the first account handed over.
 */
function submitterOf(authority: SafeAuthority, context: ExecutorContext): KeyAuthority {
  if (authority.submitter) return authority.submitter
  const [first] = context.accounts ?? []
  if (first) return { kind: 'key', address: first.address, label: `submitter of Safe ${authority.label}` }
  throw new AuthorityMissingError(`no account to submit the Safe transaction of ${authority.label} (${authority.address}): any account with gas can, owner or not`, {
    metaMessages: ['Set submitter (an address with keyEnv or a keystore) for the Safe in the manifest, or hand over an account.'],
  })
}

