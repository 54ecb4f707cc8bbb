import { readSignatureFile } from '../engine/executors/safe/signatures.js'
import { failureReason } from '../engine/runPhase.js'
import { chainsToActOn, manifestOnChain } from '../manifest/manifestOnChain.js'
import type { Manifest } from '../manifest/types.js'
import { incidentForView } from '../journal/incident.js'
import { type ContainmentOutcome, type ContainmentProgress, type RunContainmentParameters, runContainment } from './runContainment.js'

export type ContainAcrossChainsParameters = Omit<RunContainmentParameters, 'chain' | 'rpcUrl' | 'onProgress'> & {
  /** Only these chains of the manifest; every chain by default. */
  chains?: readonly string[]
  /** A node standing in for a chain's own (a fork, a private node), by chain name. */
  rpcUrls?: Readonly<Record<string, string>>
  onProgress?: (chain: string, event: ContainmentProgress) => void
}

/** One chain's containment: its outcome, or why it could not run (its node down, its manifest view wrong). */
export type ChainContainment = { chain: string; outcome: ContainmentOutcome; error?: undefined } | { chain: string; outcome?: undefined; error: unknown; reason: string }

export type ContainAcrossChainsReturnType = {
  chains: ChainContainment[]
  /** `contained` only when every chain is; otherwise the chains that are not, by what stops them. */
  contained: string[]
  exposed: string[]
  failed: string[]
  signatures: string[]
  waiting: string[]
}

/**
 * `contain <playbook>` on every chain of the manifest at once, in one incident: each chain is
 * planned, simulated and executed through its own authorities by its own run, so a slow or failing
 * chain holds no other back. A Safe on each chain signs one transaction per chain; its owners get
 * every chain's files in one round, and each chain's run takes the signature files of its chain.
 */
export async function containAcrossChains(parameters: ContainAcrossChainsParameters): Promise<ContainAcrossChainsReturnType> {
  const { manifest, chains: only, rpcUrls = {}, onProgress, signatureFiles = [], ...rest } = parameters
  const names = chainsToActOn(manifest, only)
  const byChain = signaturesByChain(manifest, signatureFiles)
  const results = await Promise.all(
    names.map(async (chain): Promise<ChainContainment> => {
      try {
        const view = manifestOnChain(manifest, chain)
        const outcome = await runContainment({
          ...rest,
          manifest: view,
          // Its Safe transactions and signatures in its own folder: file names may be the same on two chains.
          incident: incidentForView(rest.incident, view),
          ...(rpcUrls[chain] ? { rpcUrl: rpcUrls[chain] } : {}),
          signatureFiles: byChain(chain),
          ...(onProgress ? { onProgress: (event: ContainmentProgress) => onProgress(chain, event) } : {}),
        })
        return { chain, outcome }
      } catch (error) {
        return { chain, error, reason: failureReason(error) }
      }
    }),
  )
  const withStatus = (status: string) => results.filter((result) => result.outcome?.status === status).map((result) => result.chain)
  return {
    chains: results,
    contained: results.filter((result) => result.outcome && (result.outcome.status === 'contained' || result.outcome.status === 'nothing-to-do' || result.outcome.status === 'dry-run') && result.outcome.exposed.length === 0).map((result) => result.chain),
    exposed: results.filter((result) => result.outcome && (result.outcome.status === 'exposed' || result.outcome.exposed.length > 0)).map((result) => result.chain),
    failed: results.filter((result) => result.error !== undefined).map((result) => result.chain),
    signatures: withStatus('signatures'),
    waiting: withStatus('waiting'),
  }
}

/**
 * Each chain's run gets the signature files of its own chain id; a file of no chain in the
 * manifest goes to every run, which refuses it by name.
 */
function signaturesByChain(manifest: Manifest, files: readonly string[]): (chain: string) => string[] {
  const chainIds = new Map(manifest.chains.map((chain) => [chain.name, chain.chainId]))
  const known = new Set(chainIds.values())
  const idOf = new Map(files.map((file) => [file, readSignatureFile(file).chainId]))
  return (chain) => files.filter((file) => idOf.get(file) === chainIds.get(chain) || !known.has(idOf.get(file)!))
}
