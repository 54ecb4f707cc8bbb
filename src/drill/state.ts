import type { Address, Hash, LocalAccount } from 'viem'
import type { Anvil } from '../chain/anvil.js'
import type { ChainClients } from '../chain/clients.js'
import type { ReplayGateResult } from '../eradicate/replayAttack.js'
import type { StorageGateResult } from '../eradicate/checkStorageLayout.js'
import type { Incident } from '../journal/incident.js'
import type { Manifest } from '../manifest/types.js'
import type { Distribution } from '../distribution/buildDistribution.js'
import type { ClaimsOutcome } from '../recover/runClaimsTracking.js'
import type { LossesOutcome } from '../recover/runLosses.js'
import type { Artifacts } from '../solidity/artifacts.js'
import type { DrillActors } from './actors.js'
import type { DrillProtocol } from './deployProtocol.js'
import type { Attack } from './scenario.js'

/** What the drill has learned so far; each phase reads what earlier phases filled in. */
export type DrillState = {
  /** Set on each chain of a drill over several chains (`chain-1`, …): its manifest and plans say which chain. */
  chainName?: string
  anvil: Anvil
  chain: ChainClients
  actors: DrillActors
  compile: { fromCache: boolean }
  artifacts: Artifacts
  protocol: DrillProtocol
  attack: Attack
  incident: Incident
  /** Keys of the drill's authorities, held in memory for the key executor. */
  accounts: readonly LocalAccount[]
  /** The manifest a team would have written for the drill's protocol (see drillManifest). */
  manifest: Manifest
  containment: { pauseBlock: bigint; secondAttempt: { txHash: Hash; reverted: boolean; reason: string } }
  eradication: { storage: StorageGateResult; replay: ReplayGateResult; implementation: Address; upgradeBlock: bigint }
  recovery: {
    /** The vault's share snapshots, before the attack and after containment, in the incident folder. */
    snapshots: { before: string; after: string }
    /** The users' dUSD losses as `firebreak losses` computes them, with the CSV and JSON it wrote. */
    losses: LossesOutcome['assets'][number]
    distribution: Distribution
    /** The published distribution (`distribution-<root>.json`) in the incident folder. */
    distributionFile: string
    claimAddress: Address
    claims: ClaimsOutcome
    madeWhole: { name: string; account: Address; deposit: bigint; holdings: bigint; whole: boolean }[]
    restoreBlock: bigint
  }
  reportFile: string
}

/** A drill in progress: fields appear phase by phase. */
export type PartialDrillState = Partial<DrillState>

/** Reads a field an earlier phase must have filled; a missing one is a bug in the phase order. */
export function need<K extends keyof DrillState>(state: PartialDrillState, key: K): DrillState[K] {
  const value = state[key]
  if (value === undefined) throw new Error(`drill phase order: ${key} is not known yet`)
  return value as DrillState[K]
}
