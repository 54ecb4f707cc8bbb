export { CANONICAL_MULTI_SEND_CALL_ONLY, multiSendCallOnlyAbi, safeAbi } from './abi.js'
export { SafeSignatureError, SafeThresholdNotMetError, SafeTransactionError } from './errors.js'
export { type SafeTxHashes, safeTxHashes, safeTxTypedData, safeTxTypes } from './hashes.js'
export { type MultiSendDeployed, readMultiSendDeployments } from './multiSendDeployments.js'
export { type PendingSafeTransaction, multiSendOf, pendingSafeTransactions } from './pendingSafeTransactions.js'
export { type SafeState, readSafeState, safeTxHashOnChain } from './readSafe.js'
export { safeExecutor } from './safeExecutor.js'
export { type SafeOperation, type SafeTransaction, buildSafeTransaction, encodeMultiSendCalls } from './safeTransaction.js'
export {
  SAFE_TRANSACTION_FORMAT,
  type SafeTransactionFile,
  type VerifiedSafeTransaction,
  describeSafeTransaction,
  parseSafeTransactionFile,
  readSafeTransactionFile,
  toSafeTransactionFile,
} from './safeTransactionFile.js'
export { type SignSafeTransactionFileParameters, type SignSafeTransactionFileReturnType, signSafeTransactionFile } from './signSafeTransactionFile.js'
export { type OwnerSignature, type SafeSignatureFile, encodeSignatures, ownerSignatureFromFile, readSignatureFile, recoverSafeSignature, signSafeTransaction } from './signatures.js'
export { type LoadSignerParameters, loadSigner } from './signer.js'
export { type TransactionBuilderBatch, canonicalJson, transactionBuilderBatch, transactionBuilderChecksum } from './transactionBuilderBatch.js'
