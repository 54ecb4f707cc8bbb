import { type Address, type Hex, isAddressEqual, recoverMessageAddress } from 'viem'
import type { JournalLike } from '../../engine/journalLike.js'
import type { Manifest, ManifestRestoreStage } from '../../manifest/types.js'

export type RestoreGate = 'order' | 'fix' | 'approvals' | 'invariants'

/** One gate's verdict, as journaled (`restore.gate`) and shown to the war room. */
export type RestoreGateResult = { gate: RestoreGate; passed: boolean; detail: string }

type Entries = ReturnType<JournalLike['entries']>
type Data = Record<string, unknown>

/** A stage is restored once the journal says so; a later run of it has nothing to do. */
export function stageRestored(entries: Entries, stage: string): boolean {
  return entries.some((entry) => entry.type === 'restore.finished' && (entry.data as Data).stage === stage && (entry.data as Data).status === 'restored')
}

/** Stages reopen in the order the manifest lists them: deposits never before withdrawals. */
export function orderGate(entries: Entries, manifest: Manifest, stage: ManifestRestoreStage): RestoreGateResult {
  const earlier = manifest.restore.slice(0, manifest.restore.indexOf(stage))
  const pending = earlier.filter((candidate) => !stageRestored(entries, candidate.name)).map((candidate) => candidate.name)
  if (pending.length === 0) return { gate: 'order', passed: true, detail: earlier.length === 0 ? 'first stage' : `earlier stages restored: ${earlier.map((candidate) => candidate.name).join(', ')}` }
  return { gate: 'order', passed: false, detail: `earlier stage${pending.length === 1 ? '' : 's'} not restored yet: ${pending.join(', ')} (run firebreak restore run ${pending[0]} first)` }
}

/**
 * The fix was verified: the latest storage-layout gate found the layouts compatible and the
 * latest attack replay passed against the patched code. A stage that needs no fix says so.
 */
export function fixGate(entries: Entries, stage: ManifestRestoreStage): RestoreGateResult {
  if (stage.fix === 'not-needed') return { gate: 'fix', passed: true, detail: 'the stage says no fix was needed (fix: not-needed)' }
  const storage = entries.findLast((entry) => entry.type === 'gate.storage')?.data as Data | undefined
  const replay = entries.findLast((entry) => entry.type === 'gate.replay')?.data as Data | undefined
  const missing = [!storage && 'storage-layout', !replay && 'attack-replay'].filter(Boolean)
  if (missing.length > 0) {
    return { gate: 'fix', passed: false, detail: `the journal has no ${missing.join(' or ')} gate result: verify the fix first (storage layout, attack replay on a fork), or mark the stage fix: not-needed` }
  }
  if (storage!.compatible !== true) return { gate: 'fix', passed: false, detail: `the latest storage-layout gate FAILED (${String(storage!.from)} → ${String(storage!.to)})` }
  if (replay!.passed !== true) return { gate: 'fix', passed: false, detail: `the latest attack replay FAILED: ${String(replay!.verdict)}` }
  return { gate: 'fix', passed: true, detail: `storage layout ${String(storage!.from)} → ${String(storage!.to)} compatible; attack replay passed: ${String(replay!.verdict)}` }
}

export type ApprovalsGateParameters = {
  manifest: Manifest
  stage: ManifestRestoreStage
  /** What an approver of this stage, incident and chain signs (restoreApprovalMessage). */
  message: string
}

/**
 * Enough distinct authorities approved this very stage: each `restore.approved` entry's EIP-191
 * signature must recover to the address the manifest gives the authority now, over the message
 * the stage produces now. Anyone can write a journal line; only the key holder can sign it.
 */
export async function approvalsGate(entries: Entries, { manifest, stage, message }: ApprovalsGateParameters): Promise<RestoreGateResult> {
  const { required, from } = stage.approvals
  const eligible = manifest.authorities.filter((authority) => authority.type === 'eoa' && (from.length === 0 || from.includes(authority.name)))
  if (required === 0) return { gate: 'approvals', passed: true, detail: 'the stage requires no approval' }
  const approved = new Set<string>()
  let stale = 0
  let forged = 0
  for (const entry of entries) {
    const data = entry.data as Data
    if (entry.type !== 'restore.approved' || data.stage !== stage.name) continue
    const authority = eligible.find((candidate) => candidate.name === data.authority)
    if (!authority) continue
    if (data.message !== message) {
      stale++
      continue
    }
    if (await signedBy(message, data.signature, authority.address)) approved.add(authority.name)
    else forged++
  }
  const names = eligible.map((authority) => authority.name)
  const notes = [stale > 0 && `${stale} approval${stale === 1 ? '' : 's'} of an earlier version of the stage ignored`, forged > 0 && `${forged} approval${forged === 1 ? '' : 's'} whose signature does not match the authority ignored`].filter(Boolean)
  const got = `${approved.size} of ${required} approval${required === 1 ? '' : 's'}${approved.size > 0 ? ` (${[...approved].join(', ')})` : ''}${notes.length ? `; ${notes.join('; ')}` : ''}`
  if (approved.size >= required) return { gate: 'approvals', passed: true, detail: got }
  const others = names.filter((name) => !approved.has(name))
  return { gate: 'approvals', passed: false, detail: `${got}: ${required - approved.size} more needed from ${others.join(', ')} (firebreak restore approve ${stage.name} --as <authority>)` }
}

async function signedBy(message: string, signature: unknown, address: Address): Promise<boolean> {
  if (typeof signature !== 'string' || !/^0x[0-9a-fA-F]{130}$/.test(signature)) return false
  try {
    return isAddressEqual(await recoverMessageAddress({ message, signature: signature as Hex }), address)
  } catch {
    return false
  }
}
