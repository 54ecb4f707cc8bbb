import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { isAddressEqual } from 'viem'
import type { SafeAuthority } from '../../plan.js'
import type { ExecutorContext } from '../types.js'
import { wasSent } from '../../journalLike.js'
import type { PendingSafeTransaction } from './pendingSafeTransactions.js'
import type { SafeState } from './readSafe.js'
import { type OwnerSignature, ownerSignature, ownerSignatureFromFile, readSignatureFile, signSafeTransaction } from './signatures.js'

/**
 * Owner signatures for this step's Safe transaction: from owner keys handed over in memory, and
 * from signature files. A file for another step of the same plan (same Safe at another nonce,
 * another Safe of the plan, or a step already sent, when a run is resumed with the same
 * `--signature` list) belongs to that step and is left alone; any other mismatch is refused,
 * naming the file. Signature files stored in the incident's `signatures/` folder (where the war
 * room page puts the ones owners upload) count too, each named after the Safe transaction it signs:
 * those of other Safe transactions are not even read. Each owner counts once; each approval is
 * journaled once.
 */
export async function collectSignatures(
  context: ExecutorContext,
  authority: SafeAuthority,
  own: PendingSafeTransaction,
  pending: readonly PendingSafeTransaction[],
  state: SafeState,
): Promise<OwnerSignature[]> {
  const { chain, plan, step } = context
  const chainId = chain.chain.id
  const expected = { chainId, safe: authority.address, safeTxHash: own.hashes.safeTxHash, owners: state.owners }
  const collected: OwnerSignature[] = []

  for (const account of context.accounts ?? []) {
    if (!state.owners.some((owner) => isAddressEqual(owner, account.address))) continue
    const signature = await signSafeTransaction(account, chainId, authority.address, own.transaction)
    collected.push(ownerSignature({ signer: account.address, kind: 'eip712', signature }, expected, `key of ${account.address}`))
  }

  const usedHashes = sentSafeTxHashes(context)
  const otherSafes = plan.steps.flatMap((each) => (each.authority.kind === 'safe' && each.id !== step.id ? [each.authority.address] : []))
  for (const path of context.signatureFiles ?? []) {
    const file = readSignatureFile(path)
    const sameSafe = file.chainId === chainId && isAddressEqual(file.safe, authority.address)
    if (!sameSafe && file.chainId === chainId && otherSafes.some((safe) => isAddressEqual(safe, file.safe))) continue
    if (sameSafe && pending.some((each) => each !== own && each.hashes.safeTxHash === file.safeTxHash)) continue
    if (sameSafe && usedHashes.has(file.safeTxHash)) continue
    collected.push(await ownerSignatureFromFile(path, file, expected))
  }
  for (const path of storedSignatureFiles(context, own.hashes.safeTxHash)) collected.push(await ownerSignatureFromFile(path, readSignatureFile(path), expected))

  const distinct = new Map<string, OwnerSignature>()
  for (const signature of collected) if (!distinct.has(signature.owner.toLowerCase())) distinct.set(signature.owner.toLowerCase(), signature)
  const signatures = [...distinct.values()]
  journalApprovals(context, own, signatures)
  return signatures
}

/** The folder `firebreak serve` stores uploaded signatures in: `<incident>/signatures/<safeTxHash>-<owner>.json`. */
export const SIGNATURES_FOLDER = 'signatures'

export function storedSignatureFileName(safeTxHash: string, owner: string): string {
  return `${safeTxHash.toLowerCase()}-${owner.toLowerCase()}.json`
}

function storedSignatureFiles({ outputDir, journal }: ExecutorContext, safeTxHash: string): string[] {
  const incidentDir = outputDir ?? (journal as { dir?: unknown }).dir
  if (typeof incidentDir !== 'string') return []
  const folder = join(incidentDir, SIGNATURES_FOLDER)
  if (!existsSync(folder)) return []
  const prefix = `${safeTxHash.toLowerCase()}-`
  return readdirSync(folder)
    .filter((name) => name.startsWith(prefix) && name.endsWith('.json'))
    .sort()
    .map((name) => join(folder, name))
}

function journalApprovals({ journal, plan, step }: ExecutorContext, own: PendingSafeTransaction, signatures: readonly OwnerSignature[]): void {
  const approved = new Set(
    journal
      .entries()
      .filter((entry) => entry.type === 'safe.approved')
      .map((entry) => {
        const data = entry.data as { safeTxHash?: string; owner?: string }
        return `${data.safeTxHash}/${data.owner?.toLowerCase()}`
      }),
  )
  for (const { owner, kind, source } of signatures) {
    if (approved.has(`${own.hashes.safeTxHash}/${owner.toLowerCase()}`)) continue
    journal.append('safe.approved', { planId: plan.id, stepId: step.id, safeTxHash: own.hashes.safeTxHash, owner, kind, source })
  }
}

/** The Safe transactions proposed for steps of this plan that the journal shows sent. */
function sentSafeTxHashes({ journal, plan }: ExecutorContext): Set<string> {
  const hashes = new Set<string>()
  for (const entry of journal.entries()) {
    const data = entry.data as { planId?: unknown; stepId?: unknown; safeTxHash?: unknown }
    if (entry.type === 'safe.proposed' && data.planId === plan.id && typeof data.stepId === 'string' && wasSent(journal, plan, { id: data.stepId }) && typeof data.safeTxHash === 'string') hashes.add(data.safeTxHash)
  }
  return hashes
}
