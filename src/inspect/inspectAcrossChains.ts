import { isTransportError } from '../chain/transportError.js'
import { errorMessage } from '../errors.js'
import { chainsToActOn, manifestOnChain } from '../manifest/manifestOnChain.js'
import type { Manifest } from '../manifest/types.js'
import { type DeploymentDrift, type DeploymentDriftOptions, deploymentDrift } from './deploymentDrift.js'
import { connectAndInspect } from './inspectManifest.js'
import { readPauseWindow } from './levers/pauseWindow.js'
import type { Inspection, LeverKind } from './types.js'

export type InspectAcrossChainsParameters = {
  manifest: Manifest
  /** Only these chains of the manifest; every chain by default. */
  chains?: readonly string[]
  /** A node standing in for a chain's own (a fork, a private node), by chain name. */
  rpcUrls?: Readonly<Record<string, string>>
  /** Only levers of these kinds (all by default). */
  kinds?: readonly LeverKind[]
  /** Written into a pause's string argument: why it is pulled (the incident). */
  reason?: string
} & DeploymentDriftOptions

/** One chain's inspection, or why it could not be made (its node down, another chain at its URL). */
export type ChainInspection =
  | {
      chain: string
      inspection: Inspection
      /** Pause windows by contract name, as read on that chain: what drift compares them by. */
      pauseWindows: Record<string, { endsAt: bigint; signature: string }>
      error?: undefined
      reason?: undefined
    }
  | { chain: string; inspection?: undefined; error: unknown; reason: string }

export type InspectAcrossChainsReturnType = {
  chains: ChainInspection[]
  /** How the deployments of each contract on two chains or more differ, among the chains inspected. */
  drift: DeploymentDrift[]
  /** The chains that could not be inspected, in the manifest's order. */
  failed: string[]
}

/**
 * `inspect` on every chain of the manifest at once, each through its own view of the manifest (its
 * contracts, the authorities on it). A chain whose node fails is reported with its reason and the
 * others complete: a readiness report missing one chain says so, and still says the rest.
 */
export async function inspectAcrossChains(parameters: InspectAcrossChainsParameters): Promise<InspectAcrossChainsReturnType> {
  const { manifest, chains: only, rpcUrls = {}, kinds, reason, closingWithinSeconds } = parameters
  const names = [...new Set(chainsToActOn(manifest, only))]
  const chains = await Promise.all(
    names.map(async (name): Promise<ChainInspection> => {
      try {
        const { chain, inspection } = await connectAndInspect({ manifest: manifestOnChain(manifest, name), ...(rpcUrls[name] ? { rpcUrl: rpcUrls[name] } : {}), kinds, reason })
        const pauseWindows: Record<string, { endsAt: bigint; signature: string }> = {}
        await Promise.all(
          inspection.contracts
            .filter((contract) => contract.error === undefined)
            .map(async (contract) => {
              const window = await readPauseWindow(chain, contract.address).catch((error: unknown) => {
                if (isTransportError(error)) throw error
                return undefined
              })
              if (window) pauseWindows[contract.name] = window
            }),
        )
        return { chain: name, inspection, pauseWindows }
      } catch (error) {
        return { chain: name, error, reason: errorMessage(error).split('\n')[0]! }
      }
    }),
  )
  const inspected = chains.flatMap((result) => (result.inspection ? [{ chain: result.chain, inspection: result.inspection, pauseWindows: result.pauseWindows }] : []))
  return {
    chains,
    drift: deploymentDrift(inspected, closingWithinSeconds === undefined ? {} : { closingWithinSeconds }),
    failed: chains.filter((result) => result.error !== undefined).map((result) => result.chain),
  }
}
