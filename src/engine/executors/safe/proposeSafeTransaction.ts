import { join } from 'node:path'
import type { SafeAuthority } from '../../plan.js'
import type { ExecutorContext } from '../types.js'
import { SafeTransactionError } from './errors.js'
import { writeJsonFile } from './jsonFile.js'
import { type PendingSafeTransaction, multiSendOf } from './pendingSafeTransactions.js'
import { type SafeState, safeTxHashOnChain } from './readSafe.js'
import { toSafeTransactionFile } from './safeTransactionFile.js'
import { transactionBuilderBatch } from './transactionBuilderBatch.js'

/**
 * Checks one Safe transaction of the plan and writes it out for its signers: its MultiSend must
 * exist, and the Safe itself must hash it as firebreak does (else nobody could check what they
 * sign). The proposal is journaled once per safeTxHash, so a resumed run proposes nothing new.
 */
export async function proposeSafeTransaction(context: ExecutorContext, pending: PendingSafeTransaction, state: SafeState): Promise<string> {
  const { chain, plan, journal } = context
  const { step, authority, transaction, hashes } = pending
  const chainId = chain.chain.id
  if (step.actions.length > 1) await requireMultiSend(context, authority)
  const onChain = await safeTxHashOnChain(chain, authority.address, transaction)
  if (onChain.toLowerCase() !== hashes.safeTxHash) {
    throw new SafeTransactionError(
      `Safe ${authority.address} hashes the transaction of step "${step.title}" to ${onChain}, firebreak to ${hashes.safeTxHash}: refusing to collect signatures for a hash nobody can check`,
      { metaMessages: [`Safe version ${state.version} on chain ${chainId}; firebreak signs the EIP-712 domain {chainId, verifyingContract} of Safe 1.3.0 and later.`] },
    )
  }

  const dir = join(outputDirOf(context), 'safe-tx')
  const file = join(dir, `${plan.id}-${step.id}.json`)
  const batchFile = join(dir, `${plan.id}-${step.id}.tx-builder.json`)
  writeJsonFile(
    file,
    toSafeTransactionFile({ plan, step, chainId, safe: authority.address, safeVersion: state.version, owners: state.owners, threshold: state.threshold, transaction, hashes }),
  )
  writeJsonFile(
    batchFile,
    transactionBuilderBatch({
      chainId,
      safe: authority.address,
      name: `${plan.id} / ${step.id}`,
      description: `${step.title}. firebreak's Safe transaction: nonce ${transaction.nonce}, safeTxHash ${hashes.safeTxHash}; Safe{Wallet} picks its own nonce and MultiSend, so compare the calls.`,
      calls: step.actions.map((action) => action.call),
      createdAt: Date.now(),
    }),
  )
  const proposed = journal.entries().some((entry) => entry.type === 'safe.proposed' && (entry.data as { safeTxHash?: unknown }).safeTxHash === hashes.safeTxHash)
  if (!proposed) {
    journal.append('safe.proposed', {
      planId: plan.id,
      stepId: step.id,
      safe: authority.address,
      nonce: transaction.nonce,
      safeTxHash: hashes.safeTxHash,
      domainHash: hashes.domainHash,
      messageHash: hashes.messageHash,
      file,
      transactionBuilderFile: batchFile,
    })
  }
  return file
}

async function requireMultiSend({ chain }: ExecutorContext, authority: SafeAuthority): Promise<void> {
  const multiSend = multiSendOf(authority)
  const code = await chain.public.getCode({ address: multiSend })
  if (!code || code === '0x') {
    throw new SafeTransactionError(
      `no MultiSendCallOnly contract at ${multiSend} on chain ${chain.chain.id}, needed to batch the step's calls in one Safe transaction: set multiSend for Safe ${authority.label} in the manifest to this chain's MultiSendCallOnly address`,
      { metaMessages: [authority.multiSend ? 'The address comes from the manifest.' : 'The address is the canonical Safe 1.4.1 deployment, which this chain does not have.'] },
    )
  }
}

/** Where signers find the Safe transaction: the folder given, else the incident folder the journal lives in. */
function outputDirOf({ outputDir, journal }: ExecutorContext): string {
  if (outputDir) return outputDir
  const journalDir = (journal as { dir?: unknown }).dir
  if (typeof journalDir === 'string') return journalDir
  throw new SafeTransactionError('no folder to write the Safe transaction file to: give an output folder (outputDir)')
}
