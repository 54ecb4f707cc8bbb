import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { SIGNATURES_FOLDER } from '../engine/executors/safe/collectSignatures.js'
import { readSafeTransactionFile } from '../engine/executors/safe/safeTransactionFile.js'
import { readSignatureFile } from '../engine/executors/safe/signatures.js'
import type { JournalEntry } from '../journal/hashChain.js'
import type { StoredSafeTransaction } from './incidentView.js'

/** Where the Safe executor writes the Safe transaction of a plan's step, inside the incident folder. */
export function safeTransactionPath(dir: string, planId: string, stepId: string): string {
  return join(dir, 'safe-tx', `${planId}-${stepId}.json`)
}

/**
 * The Safe transaction files of the journal's proposals, verified (hashes recomputed from their
 * fields, listed calls rebuilt into their data). A file that fails, or that a later run rewrote for
 * another nonce, is left out: the page shows only what a signer can rely on.
 */
export function readStoredSafeTransactions(dir: string, entries: readonly JournalEntry[]): Map<string, StoredSafeTransaction> {
  const stored = new Map<string, StoredSafeTransaction>()
  for (const entry of entries) {
    if (entry.type !== 'safe.proposed') continue
    const { planId, stepId, safeTxHash } = entry.data as { planId: string; stepId: string; safeTxHash: string }
    const path = safeTransactionPath(dir, planId, stepId)
    if (!existsSync(path)) continue
    try {
      const { file, hashes } = readSafeTransactionFile(path)
      if (hashes.safeTxHash.toLowerCase() !== safeTxHash.toLowerCase()) continue
      stored.set(hashes.safeTxHash.toLowerCase(), {
        planId: file.planId,
        stepId: file.stepId,
        title: file.title,
        chainId: file.chainId,
        safe: file.safe,
        safeVersion: file.safeVersion,
        nonce: file.safeTx.nonce,
        to: file.safeTx.to,
        value: file.safeTx.value,
        data: file.safeTx.data,
        operation: file.safeTx.operation === 1 ? 'DELEGATECALL' : 'CALL',
        actions: file.actions,
        domainHash: hashes.domainHash,
        messageHash: hashes.messageHash,
        safeTxHash: hashes.safeTxHash,
        owners: file.owners,
        threshold: file.threshold,
      })
    } catch {
      // A file that does not verify is not shown as something to sign.
    }
  }
  return stored
}

/** The signers of the signature files stored in `<incident>/signatures/`, by safeTxHash (checked when they were uploaded). */
export function readStoredSigners(dir: string): Map<string, string[]> {
  const signers = new Map<string, string[]>()
  const folder = join(dir, SIGNATURES_FOLDER)
  if (!existsSync(folder)) return signers
  for (const name of readdirSync(folder)) {
    if (!/^0x[0-9a-f]{64}-0x[0-9a-f]{40}\.json$/.test(name)) continue
    try {
      const file = readSignatureFile(join(folder, name))
      const hash = file.safeTxHash.toLowerCase()
      signers.set(hash, [...(signers.get(hash) ?? []), file.signer])
    } catch {
      // Only files the upload checked are named this way; anything else is not counted.
    }
  }
  return signers
}

/** Changes when a Safe transaction or signature file is written: the page is refreshed then too. */
export function incidentFilesFingerprint(dir: string): string {
  return ['safe-tx', SIGNATURES_FOLDER]
    .flatMap((folder) => {
      const path = join(dir, folder)
      if (!existsSync(path)) return []
      return readdirSync(path).map((name) => `${folder}/${name}@${statSync(join(path, name)).mtimeMs}`)
    })
    .join('\n')
}
