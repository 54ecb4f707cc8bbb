import type { Incident } from '../journal/incident.js'
import { connectToManifestChain, manifestContract } from '../manifest/manifestChain.js'
import type { Manifest } from '../manifest/types.js'
import { InvalidInputError, errorMessage } from '../errors.js'
import { type TakeSnapshotReturnType, holderEvent, takeSnapshot } from './takeSnapshot.js'

export type SnapshotContractParameters = {
  manifest: Manifest
  /** A contract named in the manifest. */
  contract: string
  /** The block to snapshot at; the chain's latest when absent. */
  blockNumber?: bigint
  fromBlock?: bigint
  event?: string
  chain?: string
  rpcUrl?: string
  incident: Incident
}

/**
 * `firebreak snapshot <contract>`: the manifest's contract snapshotted into the incident folder as
 * `snapshot-<contract>-<block>.ndjson`, and the journal told where it is and what it holds (its
 * block, account count, total and content hash), so the file can be checked against the record.
 */
export async function snapshotContract(parameters: SnapshotContractParameters): Promise<TakeSnapshotReturnType> {
  const { manifest, incident } = parameters
  const target = manifestContract(manifest, parameters.contract)
  // Refused before the node is asked or the journal told a snapshot started.
  holderEvent(parameters.event)
  if (parameters.blockNumber !== undefined && parameters.fromBlock !== undefined && parameters.fromBlock > parameters.blockNumber) {
    throw new InvalidInputError({ parameter: 'fromBlock', value: parameters.fromBlock, problem: `is after the snapshot block ${parameters.blockNumber}: the contract's history must start at or before the block it is snapshotted at`, related: ['blockNumber'] })
  }
  const { chain } = await connectToManifestChain(manifest, { chain: target.chain, rpcUrl: parameters.rpcUrl })
  const blockNumber = parameters.blockNumber ?? (await chain.public.getBlockNumber({ cacheTime: 0 }))
  incident.journal.append('snapshot.started', { contract: target.name, address: target.address, blockNumber, event: parameters.event ?? 'Transfer' })
  try {
    const result = await takeSnapshot(chain, {
      contract: target.address,
      blockNumber,
      fromBlock: parameters.fromBlock,
      event: parameters.event,
      outFile: incident.path(`snapshot-${target.name}-${blockNumber}.ndjson`),
    })
    incident.journal.append('snapshot.taken', { contract: target.name, file: result.file, blockNumber, accounts: result.footer.accounts, total: result.footer.total, sha256: result.footer.sha256 })
    return result
  } catch (error) {
    incident.journal.append('snapshot.failed', { contract: target.name, blockNumber, reason: errorMessage(error).split('\n')[0] })
    throw error
  }
}

