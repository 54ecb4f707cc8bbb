import { snapshotContract } from '../snapshot/snapshotContract.js'
import type { Incident } from '../journal/incident.js'
import type { Manifest } from '../manifest/types.js'

export type TakeLossSnapshotsParameters = {
  manifest: Manifest
  /** The contract whose holders lost: the vault (its shares), or the token itself. */
  contract: string
  /** The block before the attack. */
  beforeBlock: bigint
  /** A block after containment. Default: the latest. */
  afterBlock?: bigint
  fromBlock?: bigint
  chain?: string
  rpcUrl?: string
  incident: Incident
}

/**
 * The two snapshots a loss table compares, taken through the snapshot engine into the incident
 * folder and journaled there like any `firebreak snapshot`, for teams that did not take them yet.
 */
export async function takeLossSnapshots(parameters: TakeLossSnapshotsParameters): Promise<{ before: string; after: string }> {
  const common = { manifest: parameters.manifest, contract: parameters.contract, fromBlock: parameters.fromBlock, chain: parameters.chain, rpcUrl: parameters.rpcUrl, incident: parameters.incident }
  const before = await snapshotContract({ ...common, blockNumber: parameters.beforeBlock })
  const after = await snapshotContract({ ...common, blockNumber: parameters.afterBlock })
  return { before: before.file, after: after.file }
}
