export { type Anvil, AnvilStartError, type StartAnvilParameters, startAnvil } from './anvil.js'
export { anvilBinaryPath } from './anvilBinary.js'
export { type ChainClients, ChainUnreachableError, type ConnectOptions, connect } from './clients.js'
export { ANVIL_MNEMONIC, devAccount } from './devAccounts.js'
export { isLocalChain, startFork } from './fork.js'
export { type NodeFault, type NodeFaultKind, NodeFailedError, nodeFault, nodeLabel } from './nodeFault.js'
export {
  LogRangeError,
  type LogChunk,
  type RawLog,
  type RawLogChunk,
  type ReadLogsAdaptiveParameters,
  isRangeTooLargeError,
  readLogsAdaptive,
  readRawLogsAdaptive,
  transferEvent,
} from './readLogsAdaptive.js'
export { type RetryEvent, type RetryPolicy, type RetryingHttpParameters, retryingHttp } from './retryingHttp.js'
export { isTransportError, unwrapNodeFailure } from './transportError.js'
