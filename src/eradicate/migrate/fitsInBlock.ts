import type { SimulationResult } from '../../engine/simulate.js'
import { MigrationInputError } from './errors.js'

/** Leaves room for the executor's gas margin (a fifth) and for the block's other transactions. */
const BLOCK_PERCENT = 70n
/** What MigrationToken.migrateBalances spends per account (two fresh storage slots and a Transfer log): about 48k measured. */
export const MINT_GAS_PER_ACCOUNT = 50_000n

function blockBudget(gasLimit: bigint): bigint {
  return (gasLimit * BLOCK_PERCENT) / 100n
}

/** Before the fork: a batch that cannot fit in a block would only show there as an out-of-gas revert. */
export function refuseBatchSizeAboveBlock(gasLimit: bigint, batchSize: number): void {
  const largest = blockBudget(gasLimit) / MINT_GAS_PER_ACCOUNT
  if (BigInt(batchSize) <= largest) return
  throw new MigrationInputError({ parameter: 'batchSize', value: batchSize, problem: `needs about ${BigInt(batchSize) * MINT_GAS_PER_ACCOUNT} gas per batch, more than ${BLOCK_PERCENT}% of a block (${gasLimit}): give at most ${largest}` })
}

/** After the fork, with the gas each step really used: the executor adds a fifth, and the block has other transactions. */
export function refuseOversizedSteps(gasLimit: bigint, simulation: SimulationResult, batchSize: number): void {
  const heavy = simulation.steps.find((step) => step.gasUsed !== undefined && step.gasUsed > blockBudget(gasLimit))
  if (!heavy) return
  throw new MigrationInputError({ parameter: 'batchSize', value: batchSize, problem: `too large: step "${heavy.title}" used ${heavy.gasUsed} gas on the fork, more than ${BLOCK_PERCENT}% of a block (${gasLimit})` })
}
