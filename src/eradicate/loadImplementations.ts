import { readFileSync } from 'node:fs'
import type { Abi, Hex } from 'viem'
import { UsageError } from '../errors.js'
import type { Artifacts, ContractArtifact, StorageLayout } from '../solidity/artifacts.js'
import { compileContracts } from '../solidity/compile.js'

export type LoadImplementationsParameters = {
  /** The folder of the protocol's Solidity sources, holding the implementations named by contract. */
  sourcesDir: string
  /** The implementation the proxy runs now: a contract name (or `file.sol:Name`) in the sources, or a Foundry/solc artifact file (`.json`). */
  current: string
  /** The patched implementation, named the same way. */
  patched: string
  cacheDir?: string
}

export type LoadImplementationsReturnType = {
  current: ContractArtifact
  patched: ContractArtifact
  /** What the storage gate cannot see in what it was given: shown to the war room before the gates run. */
  warnings: string[]
}

/**
 * Both implementations, compiled from source in one solc run (so their layouts, ERC-7201
 * namespaces included, come from the same compiler and settings) or read from the artifacts a
 * team's build already wrote. A source that does not compile is a CompileError naming file, line
 * and column.
 */
export async function loadImplementations(parameters: LoadImplementationsParameters): Promise<LoadImplementationsReturnType> {
  const specs = [parameters.current, parameters.patched]
  let compiled: Artifacts | undefined
  if (specs.some((spec) => !isArtifactFile(spec))) compiled = (await compileContracts({ sourcesDir: parameters.sourcesDir, cacheDir: parameters.cacheDir })).artifacts
  const [current, patched] = specs.map((spec) => (isArtifactFile(spec) ? readArtifactFile(spec) : compiled!.get(spec))) as [ContractArtifact, ContractArtifact]
  const fromFiles = specs.filter(isArtifactFile)
  const warnings = fromFiles.length
    ? [`${fromFiles.join(' and ')}: an artifact carries solc's storageLayout only, so ERC-7201 namespaced storage is not compared; give the contracts' sources to compare it too`]
    : []
  return { current, patched, warnings }
}

function isArtifactFile(spec: string): boolean {
  return spec.endsWith('.json')
}

/** Foundry's `out/X.sol/X.json` (built with `extra_output = ["storageLayout"]`), or solc's per-contract output. */
function readArtifactFile(file: string): ContractArtifact {
  let json: Record<string, any>
  try {
    json = JSON.parse(readFileSync(file, 'utf8'))
  } catch (error) {
    throw new UsageError(`${file} cannot be read as a JSON artifact: ${(error as Error).message.split('\n')[0]}`)
  }
  const hex = (value: unknown) => (typeof value === 'string' ? value : (value as { object?: string } | undefined)?.object)
  const bytecode = hex(json.bytecode ?? json.evm?.bytecode)
  const deployedBytecode = hex(json.deployedBytecode ?? json.evm?.deployedBytecode)
  if (!Array.isArray(json.abi) || !bytecode) throw new UsageError(`${file} is not a compiler artifact: expected "abi" and "bytecode"`)
  const storageLayout = json.storageLayout as StorageLayout | undefined
  if (!storageLayout?.storage) throw new UsageError(`${file} has no storageLayout: build with Foundry's extra_output = ["storageLayout"], or give the contracts' sources instead`)
  const name = (json.contractName as string | undefined) ?? file.replace(/^.*\//, '').replace(/\.json$/, '')
  return {
    contractName: name,
    sourceName: file,
    abi: json.abi as Abi,
    bytecode: (bytecode.startsWith('0x') ? bytecode : `0x${bytecode}`) as Hex,
    deployedBytecode: (deployedBytecode?.startsWith('0x') ? deployedBytecode : `0x${deployedBytecode ?? ''}`) as Hex,
    storageLayout: { storage: storageLayout.storage, types: storageLayout.types ?? null },
  }
}
