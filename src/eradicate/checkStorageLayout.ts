import type { ContractArtifact } from '../solidity/artifacts.js'
import { type StorageComparison, compareStorageLayouts } from '../solidity/storageLayout.js'
import { FirebreakError } from '../errors.js'

export type StorageGateResult = StorageComparison & { from: string; to: string }

export class StorageLayoutConflictError extends FirebreakError {
  override name = 'StorageLayoutConflictError'
}

/** The storage gate of an upgrade: passes when `next` keeps every variable of `current` in place. */
export function checkStorageLayout(current: ContractArtifact, next: ContractArtifact): StorageGateResult {
  return { from: current.contractName, to: next.contractName, ...compareStorageLayouts(current.storageLayout, next.storageLayout) }
}

export function assertStorageCompatible(result: StorageGateResult): void {
  if (result.compatible) return
  const [first] = result.conflicts
  throw new StorageLayoutConflictError(`upgrade from ${result.from} to ${result.to} refused: ${first?.message}`, {
    metaMessages: result.conflicts.map((conflict) => conflict.message),
  })
}
