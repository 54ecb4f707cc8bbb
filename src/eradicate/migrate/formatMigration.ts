import type { StepOutcome } from '../../engine/execute.js'
import type { Step } from '../../engine/plan.js'
import type { SimulationResult } from '../../engine/simulate.js'
import type { MigrationOutcome, MigrationProgress } from './runMigration.js'
import type { ConservationProof } from './proveConservation.js'

/**
 * What the war room reads before anything is signed. A migration has dozens of batches of hundreds
 * of accounts: each step is one line (its title says which accounts and how much), the calls
 * themselves are in the journal's plan.built entry.
 */
export function formatMigrationPlan({ planned, distributionFile }: Extract<MigrationProgress, { stage: 'planned' }>): string {
  const { plan, snapshot, token } = planned
  const lines = [
    `plan ${plan.id}: ${plan.title}`,
    `  snapshot ${snapshot.header.contract} at block ${snapshot.header.blockNumber}: ${snapshot.accounts} accounts, total ${snapshot.total}, sha256 ${snapshot.sha256}`,
    `  new token ${token.name} (${token.symbol}, ${token.decimals} decimals) at ${plan.tokenAddress}${plan.claimAddress ? `, claim contract at ${plan.claimAddress}` : ''}`,
  ]
  if (distributionFile) lines.push(`  claims published in ${distributionFile}`)
  plan.steps.forEach((step, index) => lines.push(`  ${index + 1}. ${step.title}  [${step.authority.kind} ${step.authority.label}]`))
  for (const note of planned.notes) lines.push(`  note: ${note}`)
  return `${lines.join('\n')}\n`
}

export function formatMigrationSimulation(simulation: SimulationResult): string {
  const done = simulation.steps.filter((step) => step.status === 'already-done').length
  const gas = simulation.steps.reduce((sum, step) => sum + (step.gasUsed ?? 0n), 0n)
  return `simulated on a fork at block ${simulation.forkBlock}: every step and check passes, ${gas} gas${done > 0 ? ` (${done} step${done === 1 ? '' : 's'} already on chain)` : ''}\n`
}

export function formatMigrationStep(step: Step, outcome: StepOutcome): string {
  if (outcome.status === 'skipped') return `  ✔ ${step.id} ${step.title}: already done (journal or chain)\n`
  return `  ✔ ${step.id} ${step.title}: block ${outcome.blockNumber}, tx ${outcome.txHash}\n`
}

export function formatConservation(proof: ConservationProof): string {
  const lines = [`conservation proven at block ${proof.block}:`]
  if (proof.claim) {
    lines.push(`  the claim contract ${proof.claim.address} holds ${proof.claim.balance} = the snapshot total = the whole supply`)
    lines.push(`  its root ${proof.claim.rootOnChain} is rebuilt from the snapshot and from the published file`)
  } else {
    lines.push(`  ${proof.token.accountsChecked} accounts hold exactly their snapshot balance; they sum to ${proof.token.sumOfBalances} = the snapshot total = the supply ${proof.token.totalSupply}`)
  }
  for (const asset of proof.assets) {
    lines.push(`  ${asset.moved} ${asset.label} moved to ${asset.to} = all ${asset.from} held before the move; it holds ${asset.remaining} now`)
  }
  return `${lines.join('\n')}\n`
}

export function formatMigrationOutcome(outcome: MigrationOutcome): string {
  if (outcome.status === 'dry-run') return `dry run: nothing was sent (incident ${outcome.incident}); run without --dry-run to migrate\n`
  return `migrated: ${outcome.planned.snapshot.accounts} accounts to ${outcome.plan.tokenAddress}, conservation proven (incident ${outcome.incident})\n`
}

/** The outcome for scripts: every figure, without the plan's calldata (megabytes for a large migration). */
export function migrationSummary(outcome: MigrationOutcome) {
  return {
    status: outcome.status,
    incident: outcome.incident,
    planId: outcome.plan.id,
    mode: outcome.planned.mode,
    snapshot: { sha256: outcome.planned.snapshot.sha256, blockNumber: outcome.planned.snapshot.header.blockNumber, accounts: outcome.planned.snapshot.accounts, total: outcome.planned.snapshot.total },
    token: { address: outcome.plan.tokenAddress, ...outcome.planned.token },
    ...(outcome.plan.claimAddress ? { claim: outcome.plan.claimAddress, distributionFile: outcome.distributionFile } : {}),
    steps: outcome.steps.map(({ stepId, status, txHash, blockNumber }) => ({ stepId, status, txHash, blockNumber })),
    ...(outcome.proof ? { proof: outcome.proof } : {}),
  }
}
