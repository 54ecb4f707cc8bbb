import type { Manifest, ManifestInvariant } from './types.js'
import { manifestChain } from './manifestChain.js'

/**
 * The manifest as one chain sees it: that chain, its contracts, the authorities on it, and the
 * playbooks, operations and restore stages of its contracts. Every phase works on one chain; a
 * command over several runs a phase per view, at once. When the manifest names several chains,
 * the view carries its chain (`scope`), and the plan ids built from it say which chain they are
 * of, so that one incident's journal holds them apart.
 */
export function manifestOnChain(manifest: Manifest, chainName: string): Manifest {
  const chain = manifestChain(manifest, chainName)
  const contracts = manifest.contracts.filter((contract) => contract.chain === chain.name)
  const here = new Set(contracts.map((contract) => contract.name))
  const onChain = (name: string) => here.has(name)
  const invariantHere = (invariant: ManifestInvariant) => !('contract' in invariant.target) || onChain(invariant.target.contract)
  return {
    ...manifest,
    chains: [chain],
    contracts,
    authorities: manifest.authorities.filter((authority) => authority.chain === undefined || authority.chain === chain.name),
    playbooks: manifest.playbooks.map((playbook) => ({ ...playbook, actions: playbook.actions.filter((action) => action.contract === 'all' || onChain(action.contract)) })),
    normalOperations: manifest.normalOperations.filter((operation) => onChain(operation.contract)),
    restore: manifest.restore
      .map((stage) => ({ ...stage, unpause: stage.unpause.filter(onChain), calls: stage.calls.filter((call) => onChain(call.contract)), invariants: stage.invariants.filter(invariantHere) }))
      .filter((stage) => stage.unpause.length + stage.calls.length > 0),
    ...(manifest.chains.length > 1 ? { scope: { chain: chain.name } } : {}),
  }
}

/** The chains a command acts on: the one named, or every chain of the manifest. */
export function chainsToActOn(manifest: Manifest, chainNames?: readonly string[]): string[] {
  if (chainNames && chainNames.length > 0) return chainNames.map((name) => manifestChain(manifest, name).name)
  return manifest.chains.map((chain) => chain.name)
}

/** A plan id as the incident's journal keeps it: `contain-pause-all@arbitrum` when the manifest spans chains. */
export function scopedPlanId(manifest: Pick<Manifest, 'scope'>, id: string): string {
  return manifest.scope ? `${id}@${manifest.scope.chain}` : id
}

/** The chain a journaled plan id is of, when it says (see scopedPlanId). */
export function chainOfPlanId(planId: string): string | undefined {
  const at = planId.lastIndexOf('@')
  return at > 0 ? planId.slice(at + 1) : undefined
}

/**
 * What a one-chain command acts on: the manifest itself when it names one chain, else the view of
 * the chain named (see manifestOnChain), so that its plans and files are that chain's in an
 * incident spanning several. With several chains and none named, the error names them.
 */
export function chainView(manifest: Manifest, chainName: string | undefined): Manifest {
  if (manifest.chains.length === 1) return manifest
  return manifestOnChain(manifest, manifestChain(manifest, chainName).name)
}
