import { encodeFunctionData } from 'viem'
import { ManifestError } from '../manifest/ManifestError.js'
import { manifestArguments, manifestFunction } from '../manifest/manifestCall.js'
import type { Manifest } from '../manifest/types.js'
import type { NormalOperation } from './replayAttack.js'

/**
 * The manifest's `normalOperations` as calls the replay gate sends on the patched fork. A function
 * or argument that does not fit is an error naming its place in the manifest, before any fork starts.
 */
export function normalOperationsOf(manifest: Manifest): NormalOperation[] {
  return manifest.normalOperations.map((operation, index) => {
    const fail = (path: (string | number)[], problem: string): never => {
      throw new ManifestError({ file: manifest.file, path: ['normalOperations', index, ...path], problem })
    }
    const contract = manifest.contracts.find((candidate) => candidate.name === operation.contract)!
    const fn =
      manifestFunction(contract.abi ?? [], operation.function) ??
      fail(['function'], `expected a function of ${contract.name}, got ${JSON.stringify(operation.function)}${contract.abi ? '' : ': without an ABI in the manifest, give its full signature, e.g. withdraw(uint256,address,address)'}`)
    const args = manifestArguments(fn, operation.args, (position, problem) => fail(['args', ...(position === undefined ? [] : [position])], problem))
    return {
      description: operation.description,
      from: operation.from,
      to: contract.address,
      data: encodeFunctionData({ abi: [fn], functionName: fn.name, args }),
      value: operation.value,
    }
  })
}
