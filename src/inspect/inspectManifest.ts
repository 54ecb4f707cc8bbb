import type { ChainClients } from '../chain/clients.js'
import { type Manifest, manifestTargets } from '../manifest/index.js'
import { connectToManifestChain } from '../manifest/manifestChain.js'
import { normalOperationsOf } from '../manifest/normalOperations.js'
import { inspectProtocol } from './inspectProtocol.js'
import type { Inspection, LeverKind } from './types.js'

export type InspectManifestParameters = {
  manifest: Manifest
  /** Which of the manifest's chains; may be omitted when it names only one. */
  chain?: string
  /** Use this node instead of the chain's own RPC URL (a fork, a private node). */
  rpcUrl?: string
  /** Only levers of these kinds (all by default). */
  kinds?: readonly LeverKind[]
  /** Written into a pause's string argument: why it is pulled (the incident). */
  reason?: string
}

/** Connects to the manifest's chain, checks it is the chain the manifest expects, and inspects its contracts. */
export async function inspectManifest(parameters: InspectManifestParameters): Promise<Inspection> {
  return (await connectAndInspect(parameters)).inspection
}

/** The inspection and the connection it was made on, for commands that act on what they found. */
export async function connectAndInspect({ manifest, chain: chainName, rpcUrl, kinds, reason }: InspectManifestParameters): Promise<{ chain: ChainClients; inspection: Inspection }> {
  const targets = manifestTargets(manifest, chainName)
  const onThisChain = new Set(targets.map((target) => target.name))
  const operations = normalOperationsOf(manifest).filter((operation) => onThisChain.has(operation.contract))
  const { chain } = await connectToManifestChain(manifest, { chain: chainName, rpcUrl })
  const inspection = await inspectProtocol(chain, {
    targets,
    authorities: manifest.authorities.map((authority) => ({ name: authority.name, address: authority.address })),
    kinds,
    operations,
    ...(reason ? { reason } : {}),
  })
  return { chain, inspection }
}
