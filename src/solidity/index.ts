export * from './artifacts.js'
export { type CompileParameters, type CompileResult, compileContracts } from './compile.js'
export { ArtifactNotFoundError, CompileError, type SolcMessage, SourcesNotFoundError } from './errors.js'
export * from './storageLayout.js'
