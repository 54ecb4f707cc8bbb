import { keccak256, toHex } from 'viem'
import { canonicalJson, toJsonValue } from '../../journal/hashChain.js'
import type { Manifest, ManifestRestoreStage } from '../../manifest/types.js'

export type RestoreApprovalMessageParameters = {
  manifest: Manifest
  stage: ManifestRestoreStage
  incidentId: string
  chainId: number
}

/**
 * The text an approver signs (EIP-191 personal message) to approve one restore stage of one
 * incident on one chain. It is readable, so that a signer sees in their wallet what turns back on,
 * and it ends with a digest of the whole stage as the manifest defines it (contracts, calls,
 * invariants, gates): an approval given before someone edits the stage no longer counts.
 */
export function restoreApprovalMessage({ manifest, stage, incidentId, chainId }: RestoreApprovalMessageParameters): string {
  const address = (name: string) => manifest.contracts.find((contract) => contract.name === name)?.address ?? name
  const turnsOn = [
    ...stage.unpause.map((name) => `- unpause ${name} (${address(name)})`),
    ...stage.calls.map((call) => `- ${call.contract}.${call.function}(${call.args.map(String).join(', ')}) (${address(call.contract)})`),
  ]
  const named = stage.invariants.flatMap((invariant) => ('contract' in invariant.target ? [invariant.target.contract] : []))
  const definition = { ...stage, contracts: [...new Set([...stage.unpause, ...stage.calls.map((call) => call.contract), ...named])].map((name) => [name, address(name)]) }
  return [
    'firebreak restore approval',
    `incident: ${incidentId}`,
    `chain: ${chainId}`,
    `stage: ${stage.name}`,
    'turns back on:',
    ...turnsOn,
    `gates: fix ${stage.fix}, ${stage.invariants.length} invariant${stage.invariants.length === 1 ? '' : 's'}, ${stage.approvals.required} approval${stage.approvals.required === 1 ? '' : 's'}`,
    `stage digest: ${keccak256(toHex(canonicalJson(toJsonValue(definition))))}`,
  ].join('\n')
}
