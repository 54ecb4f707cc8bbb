import { compileContracts } from '../solidity/compile.js'
import type { ContractArtifact } from '../solidity/artifacts.js'

export type LoadImplementationsParameters = {
  /** The folder of the protocol's Solidity sources, holding both implementations. */
  sourcesDir: string
  /** The implementation the proxy runs now, by contract name (or `file.sol:Name`). */
  current: string
  /** The patched implementation. */
  patched: string
  cacheDir?: string
}

/**
 * Both implementations compiled from source in one solc run, so their storage layouts (ERC-7201
 * namespaces included) come from the same compiler and settings. A source that does not compile
 * is a CompileError naming file, line and column.
 */
export async function loadImplementations(parameters: LoadImplementationsParameters): Promise<{ current: ContractArtifact; patched: ContractArtifact }> {
  const { artifacts } = await compileContracts({ sourcesDir: parameters.sourcesDir, cacheDir: parameters.cacheDir })
  return { current: artifacts.get(parameters.current), patched: artifacts.get(parameters.patched) }
}
