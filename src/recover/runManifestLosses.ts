import type { Address, Hash } from 'viem'
import { InvalidInputError } from '../errors.js'
import type { Incident } from '../journal/incident.js'
import { connectManifestChain, resolveContract } from '../manifest/connectManifestChain.js'
import type { Manifest } from '../manifest/types.js'
import type { AfterRate, Valuation } from './measureLosses.js'
import { type LossesOutcome, runLosses } from './runLosses.js'
import { takeLossSnapshots } from './takeLossSnapshots.js'

/** Where the two sides of a loss table come from: snapshot files, or a manifest contract snapshotted now. */
export type LossesSource =
  | { kind: 'files'; before: readonly string[]; after: readonly string[] }
  | { kind: 'contract'; contract: string; beforeBlock: bigint; afterBlock?: bigint; fromBlock?: bigint }

export type LossesSourceParameters = {
  before?: readonly string[]
  after?: readonly string[]
  contract?: string
  beforeBlock?: bigint
  afterBlock?: bigint
  fromBlock?: bigint
}

/**
 * Which of the two ways to give the snapshots a caller chose, refused when it chose both, neither,
 * or half of one. Pure, so that a command checks it before it opens an incident folder.
 */
export function lossesSource(parameters: LossesSourceParameters): LossesSource {
  const fromFiles = parameters.before !== undefined || parameters.after !== undefined
  if (fromFiles === (parameters.contract !== undefined)) {
    throw new InvalidInputError({ parameter: 'before', problem: 'give either the before and after snapshot files, or a contract with the block before the attack', related: ['after', 'contract', 'beforeBlock'] })
  }
  if (fromFiles) {
    if (!parameters.before?.length || !parameters.after?.length) {
      throw new InvalidInputError({ parameter: parameters.before?.length ? 'after' : 'before', problem: 'the before and after snapshot files go together: pass the pre-attack and the post-containment snapshot of each contract', related: ['before', 'after'] })
    }
    return { kind: 'files', before: parameters.before, after: parameters.after }
  }
  if (parameters.beforeBlock === undefined) throw new InvalidInputError({ parameter: 'beforeBlock', problem: 'a contract to snapshot needs the block before the attack', related: ['contract'] })
  return { kind: 'contract', contract: parameters.contract!, beforeBlock: parameters.beforeBlock, afterBlock: parameters.afterBlock, fromBlock: parameters.fromBlock }
}

export type RunManifestLossesParameters = {
  manifest: Manifest
  chain?: string
  rpcUrl?: string
  incident: Incident
  source: LossesSource
  valuation?: Valuation
  afterRate?: AfterRate
  attackers?: readonly Address[]
  attackTransactions?: readonly Hash[]
  /** The protocol's own contracts by name or address; `false`: none apart; default: every contract of the manifest. */
  protocol?: readonly string[] | false
}

/**
 * `firebreak losses` over a manifest: connects to its chain, takes the snapshots when asked to,
 * names the contracts from the manifest and computes the loss tables (runLosses).
 */
export async function runManifestLosses(parameters: RunManifestLossesParameters): Promise<LossesOutcome> {
  const { manifest, source, incident } = parameters
  const { chain, contracts } = await connectManifestChain({ manifest, chain: parameters.chain, rpcUrl: parameters.rpcUrl })
  const protocol =
    parameters.protocol === false
      ? []
      : parameters.protocol
        ? parameters.protocol.map((name) => resolveContract(contracts, name, 'protocol')).map((contract) => ({ name: contract.name ?? contract.address, address: contract.address }))
        : contracts
  const files =
    source.kind === 'files'
      ? source
      : await takeLossSnapshots({ manifest, contract: source.contract, beforeBlock: source.beforeBlock, afterBlock: source.afterBlock, fromBlock: source.fromBlock, chain: parameters.chain, rpcUrl: parameters.rpcUrl, incident }).then(({ before, after }) => ({ before: [before], after: [after] }))
  return runLosses({
    chain,
    incident,
    before: files.before,
    after: files.after,
    names: contracts,
    valuation: parameters.valuation,
    afterRate: parameters.afterRate,
    attackers: parameters.attackers,
    attackTransactions: parameters.attackTransactions,
    protocol,
  })
}
