import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join, resolve, sep } from 'node:path'
import { packageRoot } from '../packageRoot.js'
import { type Artifacts, type ContractArtifact, type StorageLayout, artifactsFrom } from './artifacts.js'
import { CompileError, type SolcMessage, SourcesNotFoundError } from './errors.js'

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
  /** sha256 of everything that decides the output: sources, library versions, compiler, settings. */
  inputHash: string
  fromCache: boolean
  warnings: SolcMessage[]
}

const require = createRequire(import.meta.url)
const solcVersion = readPackageVersion('solc')
/** Libraries that contracts import from node_modules; their versions pin their sources' content. */
const libraries = ['@openzeppelin/contracts', '@openzeppelin/contracts-upgradeable']

export function compileContracts(parameters: CompileParameters = {}): CompileResult {
  const sourcesDir = resolve(parameters.sourcesDir ?? join(packageRoot, 'contracts'))
  const cacheDir = resolve(parameters.cacheDir ?? join('.firebreak', 'cache', 'solc'))
  const sources = readSources(sourcesDir)
  const settings = {
    evmVersion: parameters.evmVersion ?? 'cancun',
    optimizer: { enabled: true, runs: parameters.optimizerRuns ?? 200 },
    outputSelection: {
      '*': {
        '*': [
          'abi',
          'evm.bytecode.object',
          'evm.deployedBytecode.object',
          'evm.deployedBytecode.immutableReferences',
          'storageLayout',
        ],
      },
    },
  }
  const input = { language: 'Solidity', sources, settings }
  const inputHash = hashInput(input)
  const cacheFile = join(cacheDir, `${inputHash}.json`)

  const cached = readCache(cacheFile)
  if (cached) return { artifacts: artifactsFrom(cached.contracts), inputHash, fromCache: true, warnings: [] }

  const output = runSolc(input, sourcesDir)
  const messages = (output.errors ?? []) as SolcMessage[]
  const errors = messages.filter((message) => message.severity === 'error')
  if (errors.length > 0) throw new CompileError(errors, sourcesDir)

  const contracts = collectContracts(output.contracts ?? {})
  writeCache(cacheFile, { solcVersion, inputHash, contracts })
  return {
    artifacts: artifactsFrom(contracts),
    inputHash,
    fromCache: false,
    warnings: messages.filter((message) => message.severity !== 'error'),
  }
}

function readSources(sourcesDir: string): Record<string, { content: string }> {
  if (!existsSync(sourcesDir)) throw new SourcesNotFoundError(sourcesDir)
  const files = readdirSync(sourcesDir, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.sol'))
    .sort()
  if (files.length === 0) throw new SourcesNotFoundError(sourcesDir)
  const sources: Record<string, { content: string }> = {}
  for (const file of files) {
    sources[file.split(sep).join('/')] = { content: readFileSync(join(sourcesDir, file), 'utf8') }
  }
  return sources
}

function hashInput(input: object): string {
  const hash = createHash('sha256')
  hash.update(JSON.stringify({ solcVersion, libraries: libraries.map((name) => [name, readPackageVersion(name)]) }))
  hash.update(JSON.stringify(input))
  return hash.digest('hex')
}

type SolcOutput = {
  errors?: unknown[]
  contracts?: Record<string, Record<string, SolcContract>>
}

type SolcContract = {
  abi: ContractArtifact['abi']
  evm: {
    bytecode: { object: string }
    deployedBytecode: { object: string; immutableReferences?: Record<string, { start: number; length: number }[]> }
  }
  storageLayout?: StorageLayout
}

function runSolc(input: object, sourcesDir: string): SolcOutput {
  // solc-js is an 8 MB emscripten module that takes a second to load: only pay for it on a cache miss.
  const solc = require('solc') as { compile(input: string, callbacks: object): string }
  const findImports = (path: string) => {
    const file = resolveImport(path, sourcesDir)
    return file ? { contents: readFileSync(file, 'utf8') } : { error: `File not found: ${path} (looked in ${sourcesDir} and node_modules)` }
  }
  return JSON.parse(solc.compile(JSON.stringify(input), { import: findImports })) as SolcOutput
}

/** An import is either a file under the sources folder or a path inside an npm package. */
function resolveImport(path: string, sourcesDir: string): string | undefined {
  const local = join(sourcesDir, path)
  if (existsSync(local)) return local
  for (const base of [sourcesDir, process.cwd(), packageRoot]) {
    try {
      return createRequire(join(base, 'noop.js')).resolve(path)
    } catch {
      // try the next base
    }
  }
  return undefined
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
        immutableReferences: contract.evm.deployedBytecode.immutableReferences ?? {},
        storageLayout: contract.storageLayout ?? { storage: [], types: {} },
      })
    }
  }
  return contracts
}

type CacheFile = { solcVersion: string; inputHash: string; contracts: ContractArtifact[] }

function readCache(file: string): CacheFile | undefined {
  if (!existsSync(file)) return undefined
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as CacheFile
  } catch {
    // A cache file cut short by a crash is only a miss: compile again and overwrite it.
    return undefined
  }
}

function writeCache(file: string, content: CacheFile) {
  mkdirSync(dirname(file), { recursive: true })
  const temporary = `${file}.${process.pid}.tmp`
  writeFileSync(temporary, JSON.stringify(content))
  renameSync(temporary, file)
}

function readPackageVersion(name: string): string {
  const file = require.resolve(`${name}/package.json`, { paths: [packageRoot, process.cwd()] })
  return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version
}
