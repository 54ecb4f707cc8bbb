import { randomBytes } from 'node:crypto'
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { SIGNATURES_FOLDER, storedSignatureFileName } from '../engine/executors/safe/collectSignatures.js'
import { SafeSignatureError } from '../engine/executors/safe/errors.js'
import { readSafeTransactionFile } from '../engine/executors/safe/safeTransactionFile.js'
import { ownerSignatureFromFile, readSignatureFile } from '../engine/executors/safe/signatures.js'
import { FirebreakError } from '../errors.js'
import type { IncidentJournal } from '../journal/incidentJournal.js'
import { safeTransactionPath } from './readIncidentFiles.js'

export type StoreSignatureUploadParameters = {
  /** The incident folder. */
  dir: string
  /** The uploaded file's text, as `firebreak safe sign` wrote it. */
  text: string
  /** The name the upload is journaled under: the token's. */
  by: string
  /** The incident's journal, as it stands now: the proposal is looked up in it and the upload appended to it. */
  journal: IncidentJournal
}

export type StoreSignatureUploadReturnType = { owner: string; safeTxHash: string; file: string }

/**
 * Checks an uploaded signature file exactly as `contain --signature` does (the signer recovered from
 * the signature, an owner of the Safe, over this incident's Safe transaction hash on its chain),
 * then stores it where the Safe executor picks it up and journals the upload.
 */
export async function storeSignatureUpload({ dir, text, by, journal }: StoreSignatureUploadParameters): Promise<StoreSignatureUploadReturnType> {
  const folder = join(dir, SIGNATURES_FOLDER)
  mkdirSync(folder, { recursive: true })
  const upload = join(folder, `.upload-${randomBytes(8).toString('hex')}.json`)
  writeFileSync(upload, text)
  try {
    const file = await asUploaded(upload, () => Promise.resolve(readSignatureFile(upload)))
    const proposed = journal.filter('safe.proposed').findLast((entry) => entry.data.safeTxHash.toLowerCase() === file.safeTxHash.toLowerCase())
    if (!proposed) throw new SafeSignatureError(`the uploaded file signs Safe transaction ${file.safeTxHash}, which this incident never proposed: sign the Safe transaction shown on this page`)
    const { planId, stepId } = proposed.data
    const transaction = readSafeTransactionFile(safeTransactionPath(dir, planId, stepId))
    if (transaction.hashes.safeTxHash !== proposed.data.safeTxHash.toLowerCase()) {
      throw new SafeSignatureError(`the Safe transaction of step ${stepId} was written again for another nonce since ${file.safeTxHash} was proposed: sign the one shown on this page`)
    }
    const { chainId, safe, owners } = transaction.file
    const owner = await asUploaded(upload, () => ownerSignatureFromFile(upload, file, { chainId, safe, safeTxHash: transaction.hashes.safeTxHash, owners }))
    const stored = join(folder, storedSignatureFileName(transaction.hashes.safeTxHash, owner.owner))
    renameSync(upload, stored)
    journal.append('serve.signature', { planId, stepId, safe, chainId, safeTxHash: transaction.hashes.safeTxHash, owner: owner.owner, kind: owner.kind, file: stored, by })
    return { owner: owner.owner, safeTxHash: transaction.hashes.safeTxHash, file: stored }
  } finally {
    rmSync(upload, { force: true })
  }
}

/** The checks name the file they read: the person uploading knows it as the file they chose. */
async function asUploaded<T>(path: string, check: () => Promise<T>): Promise<T> {
  try {
    return await check()
  } catch (error) {
    if (error instanceof FirebreakError) throw new SafeSignatureError(error.shortMessage.split(path).join('the uploaded file'), { cause: error })
    throw error
  }
}
