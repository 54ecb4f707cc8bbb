import type { Incident } from '../../journal/incident.js'
import { ManifestError } from '../../manifest/ManifestError.js'
import { didYouMean } from '../../manifest/describeValue.js'
import type { Manifest } from '../../manifest/types.js'
import { connect } from '../../chain/clients.js'
import { errorMessage } from '../../errors.js'
import { assertChainId } from '../../manifest/assertChainId.js'
import { type TakeSnapshotReturnType, takeSnapshot } from './takeSnapshot.js'

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
  const target = manifest.contracts.find((contract) => contract.name === parameters.contract)
  if (!target) {
    const names = manifest.contracts.map((contract) => contract.name)
    throw new ManifestError({ file: manifest.file, path: ['contracts'], problem: `expected a contract named ${parameters.contract}, found ${names.join(', ')}${didYouMean(parameters.contract, names)}` })
  }
  const chainConfig = manifest.chains.find((chain) => chain.name === target.chain)!
  const chain = await connect(parameters.rpcUrl ?? chainConfig.rpcUrl)
  assertChainId(manifest, chainConfig, chain.chain.id)
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

