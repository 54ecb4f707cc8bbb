export { type CallRevert, type RevertClass, knownErrorsAbi, revertClass, revertKey } from './accessRevert.js'
export { selectorsFromBytecode } from './bytecodeSelectors.js'
export { type ConfirmLeverParameters, type ConfirmLeverReturnType, confirmLever } from './confirmLever.js'
export { leverFunctionsFromAbi, leverFunctionsFromBytecode } from './leverFunctions.js'
export {
  type KnownLever,
  classifyAbiFunction,
  knownLeverBySelector,
  knownLeverBySignature,
  knownLevers,
  leverKindFromName,
} from './leverSignatures.js'
export { neutralArguments } from './neutralArguments.js'
export { type PauseWindow, type ReadPauseWindowReturnType, readPauseWindow } from './pauseWindow.js'
