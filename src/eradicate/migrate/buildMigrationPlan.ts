import { type Abi, type Address, type Hex, erc20Abi } from 'viem'
import { create2DeployStep } from '../../engine/create2.js'
import { type Authority, type Check, type ContractRef, type Plan, type Step, contractCall, viewFunction } from '../../engine/plan.js'
import type { ContractArtifact } from '../../solidity/artifacts.js'
import { type UpgradeRoute, upgradeAbi, upgradeAction } from '../upgradeRoute.js'
import type { SnapshotBatch } from './readSnapshotBatches.js'
import { type RescueLever, rescueAction } from './rescueLever.js'

/** `mint`: every balance minted to its account, in batches. `claim`: the total minted to a Merkle claim contract. */
export type MigrationMode = 'mint' | 'claim'

export type AssetToMove = {
  asset: Address
  /** Its symbol, for titles. */
  label: string
  /** What the old contract holds of it when the plan is built: all of it moves. */
  held: bigint
  /** What the destination holds before the move. */
  destinationHeld: bigint
}

export type AssetMove = {
  lever: RescueLever
  to: Address
  assets: readonly AssetToMove[]
  /** Holds the lever (and the upgrade right): often the old contract's owner, not the migrator. */
  authority: Authority
  /** A one-off upgrade of the old contract (a proxy) to a migration implementation that has the lever. */
  upgrade?: { route: UpgradeRoute; implementation: Address }
}

export type BuildMigrationPlanParameters = {
  /** Stable across runs: the journal resumes by it (see migrationPlanId). */
  id: string
  /** Its ABI, when known, decodes its custom errors in a failed simulation (a lever refused to the wrong caller). */
  oldContract: { name: string; address: Address; abi?: Abi }
  snapshot: { sha256: Hex; accounts: number; total: bigint }
  token: { artifact: ContractArtifact; name: string; symbol: string; decimals: number }
  /** Deploys the new contract and is its migrator. */
  authority: Authority
  mode:
    | { kind: 'mint'; batches: readonly SnapshotBatch[] }
    | { kind: 'claim'; artifact: ContractArtifact; root: Hex; deadline: bigint }
  move?: AssetMove
}

export type MigrationPlan = Plan & { tokenAddress: Address; claimAddress?: Address }

export const deployTokenStepId = 'deploy-token'
export const deployClaimStepId = 'deploy-claim'
export const finishStepId = 'finish'

/** `eradicate-migrate-mint-1a2b3c4d5e6f`: one migration per snapshot and mode within an incident. */
export function migrationPlanId(mode: MigrationMode, snapshotSha256: Hex): string {
  return `eradicate-migrate-${mode}-${snapshotSha256.slice(2, 14)}`
}

/** `mint-000123`: the batch's place in the sorted snapshot, so a resumed run names it the same. */
export function mintStepId(batchIndex: number): string {
  return `mint-${String(batchIndex).padStart(6, '0')}`
}

export function moveStepId(asset: Address): string {
  return `move-${asset.slice(2, 10).toLowerCase()}`
}

/**
 * The migration as one plan: deploy the new contract at a CREATE2 address known in advance, carry
 * the balances over (one step per batch, or the total to a claim contract), let the assets out of
 * the old contract (after a one-off upgrade when it has no lever of its own), then end minting.
 * Every step says how to tell it is already on chain (`doneWhen`), so a run that lost its journal
 * still never mints twice; the contract refuses a second mint for an account all the same.
 */
export function buildMigrationPlan(parameters: BuildMigrationPlanParameters): MigrationPlan {
  const { id, oldContract, snapshot, token, authority, mode, move } = parameters
  const deployment = create2DeployStep({
    id: deployTokenStepId,
    artifact: token.artifact,
    args: [token.name, token.symbol, token.decimals, authority.address, snapshot.sha256],
    saltText: `firebreak:${id}:${token.artifact.contractName}`,
    authority,
    checks: (address) => [
      read(token.artifact.abi, address, 'migrator', [], authority.address, `${token.symbol}'s migrator is ${authority.label}`),
      read(token.artifact.abi, address, 'snapshotHash', [], snapshot.sha256, `${token.symbol} commits to snapshot ${snapshot.sha256}`),
    ],
  })
  const tokenRef: ContractRef = { name: token.symbol, address: deployment.address, abi: token.artifact.abi }
  const steps: Step[] = [withCodeDone(deployment.step, deployment.address)]
  let claimAddress: Address | undefined

  if (mode.kind === 'mint') {
    let minted = 0n
    for (const batch of mode.batches) {
      minted += batch.total
      steps.push(mintStep(tokenRef, batch, minted, snapshot.accounts, authority))
    }
  } else {
    const claim = create2DeployStep({
      id: deployClaimStepId,
      artifact: mode.artifact,
      // ReimbursementClaim(token, root, deadline, treasury): what nobody claims by the deadline goes back to the migrator.
      args: [deployment.address, mode.root, mode.deadline, authority.address],
      saltText: `firebreak:${id}:${mode.artifact.contractName}`,
      authority,
      checks: (address) => [read(mode.artifact.abi, address, 'merkleRoot', [], mode.root, `the claim contract commits to root ${mode.root}`)],
    })
    claimAddress = claim.address
    steps.push(withCodeDone(claim.step, claim.address), {
      id: mintStepId(0),
      title: `mint the snapshot total ${snapshot.total} ${token.symbol} to the claim contract ${claim.address} (${snapshot.accounts} accounts claim from it)`,
      authority,
      actions: [contractCall(tokenRef, 'migrateBalances' as never, [[claim.address], [snapshot.total]] as never)],
      postconditions: [
        read(erc20Abi, deployment.address, 'balanceOf', [claim.address], snapshot.total, `the claim contract holds ${snapshot.total} ${token.symbol}`),
        read(erc20Abi, deployment.address, 'totalSupply', [], snapshot.total, `${token.symbol} supply is the snapshot total ${snapshot.total}`),
      ],
      doneWhen: read(token.artifact.abi, deployment.address, 'countMigrated', [[claim.address]], 1n, `the claim contract's balance was already minted`),
    })
  }

  if (move) steps.push(...moveSteps(oldContract, move))

  steps.push({
    id: finishStepId,
    title: `end minting on ${token.symbol} for good, at the snapshot total ${snapshot.total}`,
    authority,
    actions: [contractCall(tokenRef, 'finishMigration' as never, [] as never)],
    postconditions: [
      read(token.artifact.abi, deployment.address, 'migrationFinished', [], true, `${token.symbol} can mint no more`),
      read(erc20Abi, deployment.address, 'totalSupply', [], snapshot.total, `${token.symbol} supply is the snapshot total ${snapshot.total}`),
    ],
    doneWhen: read(token.artifact.abi, deployment.address, 'migrationFinished', [], true, `${token.symbol}'s migration was already finished`),
  })

  const abis: Abi[] = [token.artifact.abi, erc20Abi, ...(oldContract.abi ? [oldContract.abi] : []), ...(mode.kind === 'claim' ? [mode.artifact.abi] : []), ...(move ? [[move.lever.abi], upgradeAbi] : [])]
  const carried = mode.kind === 'mint' ? `${snapshot.accounts} balances in ${mode.batches.length} batches` : `${snapshot.accounts} balances as Merkle claims`
  return { id, phase: 'eradicate', title: `migrate ${oldContract.name} to a new ${token.symbol}: ${carried}`, steps, abis, tokenAddress: deployment.address, ...(claimAddress ? { claimAddress } : {}) }
}

function mintStep(token: ContractRef, batch: SnapshotBatch, mintedThrough: bigint, accounts: number, authority: Authority): Step {
  const first = batch.accounts[0] as Address
  const last = batch.accounts.at(-1) as Address
  const count = batch.accounts.length
  return {
    id: mintStepId(batch.index),
    title: `carry over balances ${batch.offset + 1}–${batch.offset + count} of ${accounts} (${batch.total} ${token.name})`,
    authority,
    actions: [contractCall(token, 'migrateBalances' as never, [batch.accounts, batch.amounts] as never)],
    postconditions: [
      // Exact, not "at least": a batch minted twice, or an account minted outside the plan, shows here.
      read(erc20Abi, token.address, 'totalSupply', [], mintedThrough, `${token.name} supply is ${mintedThrough}: every balance through account ${batch.offset + count} minted once`),
      read(erc20Abi, token.address, 'balanceOf', [first], batch.amounts[0], `${first} holds its snapshot balance ${batch.amounts[0]}`),
      read(erc20Abi, token.address, 'balanceOf', [last], batch.amounts.at(-1), `${last} holds its snapshot balance ${batch.amounts.at(-1)}`),
    ],
    doneWhen: read(token.abi, token.address, 'countMigrated', [batch.accounts], BigInt(count), `the ${count} accounts from ${first} were already migrated`),
  }
}

function moveSteps(oldContract: { name: string; address: Address }, move: AssetMove): Step[] {
  const steps: Step[] = []
  if (move.upgrade) {
    const upgrade = upgradeAction(move.upgrade.route, oldContract.name, move.upgrade.implementation, '0x')
    steps.push({
      id: 'upgrade-old',
      title: `upgrade ${oldContract.name} (${move.upgrade.route.kind}) to the migration implementation ${move.upgrade.implementation}, whose ${move.lever.abi.name} lets the assets out`,
      authority: move.authority,
      actions: [upgrade.action],
      postconditions: [upgrade.check],
      doneWhen: upgrade.check,
    })
  }
  for (const asset of move.assets) {
    const empty = read(erc20Abi, asset.asset, 'balanceOf', [oldContract.address], 0n, `${oldContract.name} holds no ${asset.label}`)
    steps.push({
      id: moveStepId(asset.asset),
      title: `move all ${asset.held} ${asset.label} out of ${oldContract.name} to ${move.to} through ${move.lever.abi.name}`,
      authority: move.authority,
      actions: [rescueAction(move.lever, oldContract, { asset: asset.asset, to: move.to, amount: asset.held })],
      postconditions: [
        empty,
        // At least: the destination may receive other transfers meanwhile. The conservation proof counts the move's own Transfer logs exactly.
        { ...read(erc20Abi, asset.asset, 'balanceOf', [move.to], asset.destinationHeld + asset.held, `${move.to} received the ${asset.held} ${asset.label}`), op: 'gte' },
      ],
      doneWhen: empty,
    })
  }
  return steps
}

/** A CREATE2 deployment found on chain (by a run whose journal is elsewhere) is not sent again: the factory would revert. */
function withCodeDone(step: Step, address: Address): Step {
  return { ...step, doneWhen: { kind: 'code', description: `a contract is already deployed at ${address}`, address, present: true } }
}

function read(abi: Abi, address: Address, functionName: string, args: unknown[], expect: unknown, description: string): Check & { kind: 'read' } {
  return { kind: 'read', description, address, abi: viewFunction(abi, functionName), args, expect }
}
