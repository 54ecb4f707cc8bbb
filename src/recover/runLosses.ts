import { relative } from 'node:path'
import { type Address, type Hash, isAddressEqual } from 'viem'
import type { ChainClients } from '../chain/clients.js'
import { InvalidInputError, errorMessage } from '../errors.js'
import type { Incident } from '../journal/incident.js'
import { findAttackers } from './findAttackers.js'
import { type AfterRate, type AssetLosses, type Valuation, measureLosses } from './measureLosses.js'
import { type SnapshotPositions, readSnapshotPositions } from './readSnapshotPositions.js'
import { writeLossFiles } from './writeLossFiles.js'

export type RunLossesParameters = {
  chain: ChainClients
  incident: Incident
  /** Snapshot files taken before the attack, one per contract (`firebreak snapshot <contract> --block <n>`). */
  before: readonly string[]
  /** Snapshot files of the same contracts after containment; paired with `before` by the contract they record. */
  after: readonly string[]
  /** Names for the snapshots' contracts (from the manifest), used in the method and the file names. */
  names?: readonly { name: string; address: Address }[]
  valuation?: Valuation
  afterRate?: AfterRate
  /** Addresses the team attributes to the attacker. */
  attackers?: readonly Address[]
  /** The attack's transactions: their senders and the contracts those created are excluded too. */
  attackTransactions?: readonly Hash[]
  /** The protocol's own contracts: reported apart, never in the users' table. */
  protocol?: readonly { name: string; address: Address }[]
}

export type LossesOutcome = {
  incident: string
  assets: (AssetLosses & { files: { csv: string; json: string } })[]
  /** What could not be searched when looking for the attacker's addresses. */
  notes: string[]
}

/**
 * `firebreak losses`: each account's loss per asset from pairs of snapshots, the attacker's
 * addresses left out (given, and found from the attack transactions), the protocol's own losses
 * apart; written as CSV and JSON into the incident folder and journaled as `losses.computed`, one
 * entry per asset.
 */
export async function runLosses(parameters: RunLossesParameters): Promise<LossesOutcome> {
  const { journal } = parameters.incident
  journal.append('losses.started', { before: parameters.before, after: parameters.after, attackTransactions: parameters.attackTransactions ?? [] })
  try {
    return await computeAll(parameters)
  } catch (error) {
    journal.append('losses.failed', { reason: errorMessage(error).split('\n')[0] })
    throw error
  }
}

async function computeAll(parameters: RunLossesParameters): Promise<LossesOutcome> {
  const { chain, incident } = parameters
  const pairs = pairSnapshots(await Promise.all(parameters.before.map(readSnapshotPositions)), await Promise.all(parameters.after.map(readSnapshotPositions)))
  const latestAfter = pairs.reduce((latest, pair) => (pair.after.blockNumber > latest ? pair.after.blockNumber : latest), 0n)
  const { attackers, notes } = await findAttackers(chain, { given: parameters.attackers, transactions: parameters.attackTransactions, atBlock: latestAfter })

  const assets: LossesOutcome['assets'] = []
  for (const { before, after } of pairs) {
    const name = parameters.names?.find((entry) => isAddressEqual(entry.address, before.contract))?.name
    const losses = await measureLosses(chain, { before, after, name, valuation: parameters.valuation, afterRate: parameters.afterRate, attackers, protocol: parameters.protocol })
    const files = writeLossFiles(losses, incident.path)
    incident.journal.append('losses.computed', {
      // The report reads method, asset, beforeBlock, afterBlock, losses, total and excluded.
      method: losses.method,
      asset: losses.asset.address,
      assetSymbol: losses.asset.symbol,
      source: losses.source,
      beforeBlock: losses.beforeBlock,
      afterBlock: losses.afterBlock,
      losses: losses.losses,
      total: losses.total,
      excluded: losses.excluded,
      attackers: losses.attackers,
      protocol: losses.protocol,
      snapshots: losses.snapshots,
      files: { csv: relative(incident.dir, files.csv), json: relative(incident.dir, files.json) },
      ...(notes.length ? { notes } : {}),
    })
    assets.push({ ...losses, files })
  }
  return { incident: incident.id, assets, notes }
}

/** Each before-snapshot with the after-snapshot of the same contract, in the order the befores were given. */
function pairSnapshots(before: SnapshotPositions[], after: SnapshotPositions[]): { before: SnapshotPositions; after: SnapshotPositions }[] {
  if (before.length === 0) throw new InvalidInputError({ parameter: 'before', problem: 'no snapshot given: give the snapshot files from before the attack and after containment (firebreak snapshot writes them)', related: ['after'] })
  const pairs = before.map((snapshot) => {
    const matches = after.filter((candidate) => isAddressEqual(candidate.contract, snapshot.contract))
    if (matches.length !== 1) {
      throw new InvalidInputError({ parameter: 'after', problem: `${snapshot.file} records ${snapshot.contract}, and ${matches.length === 0 ? 'no snapshot after containment records it' : `${matches.length} snapshots after containment record it`}: give exactly one after-containment snapshot per contract` })
    }
    return { before: snapshot, after: matches[0]! }
  })
  const unmatched = after.find((snapshot) => !before.some((candidate) => isAddressEqual(candidate.contract, snapshot.contract)))
  if (unmatched) throw new InvalidInputError({ parameter: 'before', problem: `${unmatched.file} records ${unmatched.contract}, which no pre-attack snapshot records: give its pre-attack snapshot too` })
  const seen = new Set<string>()
  for (const pair of pairs) {
    if (seen.has(pair.before.contract)) throw new InvalidInputError({ parameter: 'before', problem: `two pre-attack snapshots record ${pair.before.contract}: give one per contract` })
    seen.add(pair.before.contract)
  }
  return pairs
}
