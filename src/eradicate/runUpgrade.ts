import type { Address, Hash, Hex, LocalAccount } from 'viem'
import { keysAtHand } from '../engine/routing/keysAtHand.js'
import type { Check } from '../engine/plan.js'
import { type PhaseOutcome, type PhasePlan, type PhaseProgress, type PhaseStatus, failureReason, incidentRun, runPhase } from '../engine/runPhase.js'
import { FirebreakError } from '../errors.js'
import { connectAndInspect } from '../inspect/inspectManifest.js'
import type { ProxyKind } from '../inspect/types.js'
import type { Incident } from '../journal/incident.js'
import { manifestContract } from '../manifest/manifestChain.js'
import { scopedPlanId } from '../manifest/manifestOnChain.js'
import type { Manifest } from '../manifest/types.js'
import type { ContractArtifact } from '../solidity/artifacts.js'
import { buildUpgradePlan } from './buildUpgradePlan.js'
import { type StorageGateResult, StorageLayoutConflictError, checkStorageLayout } from './checkStorageLayout.js'
import { normalOperationsOf } from '../manifest/normalOperations.js'
import { readAttackTransactions } from '../attack/readAttackTransactions.js'
import { recordReplayedAttack } from '../attack/recordAttack.js'
import { type AttackTransaction, type ReplayGateResult, replayAttack } from './replayAttack.js'
import { type UpgradeHolder, routeUpgrade } from './routeUpgrade.js'
import { readUpgradeRoute } from './upgradeRoute.js'

/** The attack as a war room has it: transaction hashes, or the calls themselves and their block. */
export type AttackInput = { hashes: Hash[] } | { block: bigint; transactions: AttackTransaction[] }

export type RunUpgradeParameters = {
  manifest: Manifest
  /** The proxy, by its name in the manifest. */
  contract: string
  /** The implementation the proxy runs now and the patched one, both compiled (loadImplementations). */
  current: ContractArtifact
  patched: ContractArtifact
  /** The kind of proxy the team expects; another kind is refused. */
  kind?: ProxyKind
  /** Run by the new implementation during the upgrade (`initializeV2()`); `0x` when absent. */
  initData?: Hex
  attack: AttackInput
  /** The asset the attack drained. */
  asset: Address
  /** Whose holdings of `asset` the attack drained; the proxy when absent. */
  victims?: Address[]
  chain?: string
  rpcUrl?: string
  incident: Incident
  /** Run both gates and simulate the upgrade; send nothing. */
  dryRun?: boolean
  signatureFiles?: readonly string[]
  accounts?: readonly LocalAccount[]
  /** Checks that must hold once the proxy runs the patched code, beyond its implementation slot (`fixVersion() == 1`). */
  checks?: Check[]
  onProgress?: (event: UpgradeProgress) => void | Promise<void>
}

export type UpgradeProgress = PhaseProgress<{ holder: UpgradeHolder }, { stage: 'storage-gate'; result: StorageGateResult } | { stage: 'replay-gate'; result: ReplayGateResult }>

type UpgradeDetail = { incident: string; storage: StorageGateResult; replay: ReplayGateResult; implementation: Address }

/** `waiting`: the upgrade is scheduled on a timelock; run the same command again once its delay has passed. */
export type UpgradeOutcome = PhaseOutcome<PhaseStatus<'upgraded'>, UpgradeDetail>

/** A gate refused the fix: the journal holds the gate's full result, the error its verdict. */
export class UpgradeRefusedError extends FirebreakError {
  override name = 'UpgradeRefusedError'
}

/**
 * `firebreak upgrade`: the fix is proposed only after both gates pass. The storage gate compares
 * the layouts (ERC-7201 namespaces included); the replay gate replays the real attack on a fork of
 * the block before it, against the code as it was and then the patched code, and sends the
 * protocol's normal operations. Then the upgrade goes through whoever holds it (a key, a Safe, a
 * timelock), simulated, verified and journaled like every plan. Run again, it resumes.
 */
export function runUpgrade(parameters: RunUpgradeParameters): Promise<UpgradeOutcome> {
  const { incident, contract, dryRun = false } = parameters
  const { journal } = incident
  return runPhase({
    ...incidentRun(parameters),
    started: () => journal.append('upgrade.started', { contract, from: parameters.current.contractName, to: parameters.patched.contractName, dryRun }),
    build: () => buildUpgrade(parameters),
    finished: (outcome) =>
      journal.append('upgrade.finished', {
        planId: outcome.plan.id,
        status: outcome.status,
        implementation: outcome.implementation,
        ...(outcome.steps.length > 0 ? { blockNumber: outcome.steps.at(-1)!.blockNumber } : {}),
        ...(outcome.waiting ? { waiting: outcome.waiting } : {}),
      }),
    failed: (error) =>
      journal.append(error instanceof UpgradeRefusedError || error instanceof StorageLayoutConflictError ? 'upgrade.refused' : 'upgrade.failed', { contract, reason: failureReason(error) }),
  })
}

/** Both gates, then the plan through whoever holds the upgrade. */
async function buildUpgrade(parameters: RunUpgradeParameters): Promise<PhasePlan<'upgraded', UpgradeDetail, { holder: UpgradeHolder }>> {
  const { manifest, incident, current, patched, initData = '0x', onProgress = () => {} } = parameters
  const { journal } = incident
  const target = manifestContract(manifest, parameters.contract)
  // Before anything is read from the chain: a manifest call that cannot be encoded is the team's to fix.
  const normalOperations = normalOperationsOf(manifest)

  const storage = checkStorageLayout(current, patched)
  journal.append('gate.storage', storage)
  await onProgress({ stage: 'storage-gate', result: storage })
  if (!storage.compatible) throw new StorageLayoutConflictError(`upgrade from ${storage.from} to ${storage.to} refused by the storage gate: ${storage.conflicts[0]?.message}`, { metaMessages: storage.conflicts.map((conflict) => conflict.message) })

  const { chain, inspection } = await connectAndInspect({ manifest, chain: parameters.chain ?? target.chain, rpcUrl: parameters.rpcUrl, kinds: ['upgrade'] })
  const upgradeRoute = await readUpgradeRoute(chain, target, parameters.kind)
  const holder = routeUpgrade(inspection, target.name, upgradeRoute, manifest.authorities, keysAtHand(manifest.authorities, parameters.accounts))
  const attack = 'hashes' in parameters.attack ? await readAttackTransactions(chain, parameters.attack.hashes) : { attackBlock: parameters.attack.block, attack: parameters.attack.transactions, preceding: [] }

  const replay = await replayAttack({
    forkUrl: chain.rpcUrl,
    attackBlock: attack.attackBlock,
    attack: attack.attack,
    preceding: attack.preceding,
    proxy: { address: target.address, abi: current.abi },
    route: upgradeRoute,
    implementation: patched,
    initData,
    upgrader: holder.holder,
    asset: parameters.asset,
    victims: parameters.victims,
    normalOperations,
  })
  await recordReplayedAttack(chain, journal, { attack, hashes: 'hashes' in parameters.attack ? parameters.attack.hashes : [], extracted: replay.unpatched.extracted, asset: parameters.asset, victims: parameters.victims ?? [target.address] })
  journal.append('gate.replay', { ...replay, attackBlock: attack.attackBlock, attack: 'hashes' in parameters.attack ? parameters.attack.hashes : attack.attack })
  await onProgress({ stage: 'replay-gate', result: replay })
  if (!replay.passed) throw new UpgradeRefusedError(`upgrade to ${patched.contractName} refused by the replay gate: ${replay.verdict}`)

  const route = holder.route
  const plan = buildUpgradePlan({
    id: scopedPlanId(parameters.manifest, `eradicate-upgrade-${target.name}`),
    proxy: { name: target.name, address: target.address, abi: current.abi },
    route: upgradeRoute,
    implementation: patched,
    initData,
    authority: route.kind === 'timelock' ? route.proposer : route.authority,
    ...(route.kind === 'timelock'
      ? { timelock: { address: route.timelock.address, label: route.timelock.label ?? route.timelock.address, minDelay: route.timelock.minDelay, executor: route.executor, incidentId: incident.id } }
      : {}),
    ...(parameters.checks ? { checks: parameters.checks } : {}),
  })
  journal.append('upgrade.planned', { planId: plan.id, implementation: plan.implementationAddress, proxyKind: upgradeRoute.kind, holder: holder.holder, route: route.time.description })
  return { chain, plan, done: 'upgraded', detail: { incident: incident.id, storage, replay, implementation: plan.implementationAddress }, shown: { holder } }
}
