import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join, resolve } from 'node:path'
import { packageRoot } from '../packageRoot.js'
import { type Artifacts, type ContractArtifact, type StorageLayout, artifactsFrom } from './artifacts.js'
import { CompileError, type SolcMessage } from './errors.js'
import { findNamespaceDeclarations, namespaceHelperInput, namespacedLayoutsFrom } from './namespacedLayout.js'
import { runSolc } from './runSolc.js'
import { collectSources } from './sourceClosure.js'

export type CompileParameters = {
  /** Folder of .sol files; every file under it is compiled. Default: firebreak's own contracts/. */
  sourcesDir?: string
  /** Where compiled artifacts are kept by input hash. Default: .firebreak/cache/solc in the working directory. */
  cacheDir?: string
  evmVersion?: string
  optimizerRuns?: number
}

export type CompileResult = {
  artifacts: Artifacts
  /** sha256 of everything that decides the output: every source (libraries included), compiler version, settings. */
  inputHash: string
  fromCache: boolean
  warnings: SolcMessage[]
}

const solcVersion = readSolcVersion()

/**
 * Compiles every .sol file under the sources folder with solc-js (standard JSON, imports from
 * node_modules), or returns the cached result of an identical input.
 */
export async function compileContracts(parameters: CompileParameters = {}): Promise<CompileResult> {
  const sourcesDir = resolve(parameters.sourcesDir ?? join(packageRoot, 'contracts'))
  const cacheDir = resolve(parameters.cacheDir ?? join('.firebreak', 'cache', 'solc'))
  const sources = collectSources(sourcesDir)
  const settings = {
    evmVersion: parameters.evmVersion ?? 'cancun',
    optimizer: { enabled: true, runs: parameters.optimizerRuns ?? 200 },
    outputSelection: {
      '*': {
        '*': [
          'abi',
          'evm.bytecode.object',
          'evm.deployedBytecode.object',
          'storageLayout',
        ],
        // The AST is read for ERC-7201 namespaces (see namespacedLayout.ts); it is not cached.
        '': ['ast'],
      },
    },
  }
  const input = { language: 'Solidity', sources, settings }
  const inputHash = hashInput(input)
  const cacheFile = join(cacheDir, `${inputHash}.json`)

  const cached = readCache(cacheFile)
  if (cached) return { artifacts: artifactsFrom(cached), inputHash, fromCache: true, warnings: [] }

  const output = JSON.parse(await runSolc(input, sourcesDir)) as SolcOutput
  const messages = (output.errors ?? []) as SolcMessage[]
  const errors = messages.filter((message) => message.severity === 'error')
  if (errors.length > 0) throw new CompileError(errors, sourcesDir)

  const contracts = collectContracts(output.contracts ?? {})
  await addNamespacedLayouts(contracts, output, input, sourcesDir)
  writeCache(cacheFile, contracts)
  return {
    artifacts: artifactsFrom(contracts),
    inputHash,
    fromCache: false,
    warnings: messages.filter((message) => message.severity !== 'error'),
  }
}

/** The input holds every source, libraries included, so its hash and the compiler's version decide the output. */
function hashInput(input: object): string {
  return createHash('sha256').update(solcVersion).update(JSON.stringify(input)).digest('hex')
}

type SolcOutput = {
  errors?: unknown[]
  contracts?: Record<string, Record<string, SolcContract>>
  sources?: Record<string, { ast?: unknown }>
}

/**
 * solc's layout leaves out ERC-7201 namespaced structs; a second, analysis-only pass over a
 * generated helper lays them out (see namespacedLayout.ts). Skipped when no source declares one.
 */
async function addNamespacedLayouts(contracts: ContractArtifact[], output: SolcOutput, input: { sources: Record<string, unknown>; settings: { evmVersion?: string } }, sourcesDir: string) {
  const declarations = findNamespaceDeclarations(output.sources ?? {})
  if (declarations.structs.length === 0) return
  const helperOutput = JSON.parse(await runSolc(namespaceHelperInput(input.sources, input.settings, declarations.structs), sourcesDir)) as SolcOutput
  const errors = ((helperOutput.errors ?? []) as SolcMessage[]).filter((message) => message.severity === 'error')
  if (errors.length > 0) throw new CompileError(errors, sourcesDir)
  const layouts = namespacedLayoutsFrom(helperOutput, declarations.structs)
  for (const contract of contracts) {
    const declared = declarations.byContract.get(`${contract.sourceName}:${contract.contractName}`) ?? []
    const namespaces = declared.map((struct) => layouts.get(struct.structId)).filter((layout) => layout !== undefined)
    if (namespaces.length > 0) contract.storageLayout = { ...contract.storageLayout, namespaces }
  }
}

type SolcContract = {
  abi: ContractArtifact['abi']
  evm: {
    bytecode: { object: string }
    deployedBytecode: { object: string }
  }
  storageLayout?: StorageLayout
}

function collectContracts(output: Record<string, Record<string, SolcContract>>): ContractArtifact[] {
  const contracts: ContractArtifact[] = []
  for (const [sourceName, byName] of Object.entries(output)) {
    for (const [contractName, contract] of Object.entries(byName)) {
      contracts.push({
        contractName,
        sourceName,
        abi: contract.abi,
        bytecode: `0x${contract.evm.bytecode.object}`,
        deployedBytecode: `0x${contract.evm.deployedBytecode.object}`,
        storageLayout: contract.storageLayout ?? { storage: [], types: {} },
      })
    }
  }
  return contracts
}

/** A cache file holds the artifacts of one input; its name is the input's hash. */
function readCache(file: string): ContractArtifact[] | undefined {
  if (!existsSync(file)) return undefined
  try {
    const contracts: unknown = JSON.parse(readFileSync(file, 'utf8'))
    // Anything else (an older firebreak's format) is a miss like a damaged file.
    return Array.isArray(contracts) ? (contracts as ContractArtifact[]) : undefined
  } catch {
    // A cache file cut short by a crash is only a miss: compile again and overwrite it.
    return undefined
  }
}

function writeCache(file: string, content: ContractArtifact[]) {
  mkdirSync(dirname(file), { recursive: true })
  const temporary = `${file}.${process.pid}.tmp`
  writeFileSync(temporary, JSON.stringify(content))
  renameSync(temporary, file)
}

function readSolcVersion(): string {
  const file = createRequire(import.meta.url).resolve('solc/package.json', { paths: [packageRoot] })
  return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version
}
