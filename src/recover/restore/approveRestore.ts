import type { Address, Hex, LocalAccount } from 'viem'
import { keyAuthority } from '../../engine/routing/authorityFor.js'
import { accountFor } from '../../engine/executors/key.js'
import { UsageError } from '../../errors.js'
import type { Incident } from '../../journal/incident.js'
import { didYouMean } from '../../describeValue.js'
import type { Manifest } from '../../manifest/types.js'
import { restoreApprovalMessage } from './approvalMessage.js'
import { manifestChain } from '../../manifest/manifestChain.js'
import { findRestoreStage } from './findRestoreStage.js'

export type ApproveRestoreParameters = {
  manifest: Manifest
  incident: Incident
  /** A stage under `restore.stages`. */
  stage: string
  /** The name of the eoa authority approving; its key signs the approval. */
  as: string
  chain?: string
  /** Keys handed over in memory (tests, a war-room server); otherwise the authority's keyEnv or keystore. */
  accounts?: readonly LocalAccount[]
}

export type ApproveRestoreReturnType = { stage: string; authority: string; address: Address; message: string; signature: Hex }

/**
 * `firebreak restore approve <stage> --as <authority>`: the authority's key signs the stage's
 * approval message (EIP-191), and the journal records it as `restore.approved`. The restore gate
 * checks the signature, not the line: a journal entry alone approves nothing.
 */
export async function approveRestore({ manifest, incident, stage: stageName, as, chain, accounts }: ApproveRestoreParameters): Promise<ApproveRestoreReturnType> {
  const stage = findRestoreStage(manifest, stageName)
  const { from, required } = stage.approvals
  if (required === 0) throw new UsageError(`restore stage "${stage.name}" requires no approval in ${manifest.file}: nothing to sign`)
  const eligible = manifest.authorities.filter((authority) => authority.type === 'eoa' && (from.length === 0 || from.includes(authority.name))).map((authority) => authority.name)
  const authority = manifest.authorities.find((candidate) => candidate.name === as)
  if (!authority || !eligible.includes(as)) {
    throw new UsageError(`${as} cannot approve restore stage "${stage.name}": expected one of ${eligible.join(', ')}${didYouMean(as, eligible)}`)
  }
  const message = restoreApprovalMessage({ manifest, stage, incidentId: incident.id, chainId: manifestChain(manifest, chain).chainId })
  const account = await accountFor(keyAuthority(authority.address, manifest.authorities), { accounts })
  const signature = await account.signMessage({ message })
  const approval = { stage: stage.name, authority: authority.name, address: authority.address, message, signature }
  incident.journal.append('restore.approved', approval)
  return approval
}
