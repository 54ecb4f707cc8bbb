import { type Address, type Hex, encodeFunctionData } from 'viem'
import { ManifestError } from './ManifestError.js'
import { manifestArguments, manifestFunction } from './manifestCall.js'
import type { Manifest } from './types.js'

/** One of the manifest's `normalOperations`, encoded: a call the protocol serves in ordinary times. */
export type NormalOperationCall = {
  description: string
  /** The manifest's name for the contract called. */
  contract: string
  from: Address
  to: Address
  data: Hex
  value: bigint
}

/**
 * The manifest's `normalOperations` as calls. Containment tries them to see that a pause stops
 * them; the replay gate, that a fix still serves them. A function or argument that does not fit is
 * an error naming its place in the manifest, before any fork starts.
 */
export function normalOperationsOf(manifest: Manifest): NormalOperationCall[] {
  return manifest.normalOperations.map((operation, index) => {
    const fail = (path: (string | number)[], problem: string): never => {
      throw new ManifestError({ file: manifest.file, path: ['normalOperations', index, ...path], problem })
    }
    const contract = manifest.contracts.find((candidate) => candidate.name === operation.contract)!
    const fn =
      manifestFunction(contract.abi ?? [], operation.function) ??
      fail(['function'], `expected a function of ${contract.name}, got ${JSON.stringify(operation.function)}${contract.abi ? '' : ': without an ABI in the manifest, give its full signature, e.g. withdraw(uint256,address,address)'}`)
    const args = manifestArguments(fn, operation.args, (path, problem) => fail(['args', ...path], problem))
    return {
      description: operation.description,
      contract: contract.name,
      from: operation.from,
      to: contract.address,
      data: encodeFunctionData({ abi: [fn], functionName: fn.name, args }),
      value: operation.value,
    }
  })
}
