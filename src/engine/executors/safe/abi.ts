import { type Address, parseAbi } from 'viem'

/** The parts of Safe v1.3+/v1.4.1 this executor reads and calls. */
export const safeAbi = parseAbi([
  'function VERSION() view returns (string)',
  'function nonce() view returns (uint256)',
  'function getOwners() view returns (address[])',
  'function getThreshold() view returns (uint256)',
  'function getTransactionHash(address to, uint256 value, bytes data, uint8 operation, uint256 safeTxGas, uint256 baseGas, uint256 gasPrice, address gasToken, address refundReceiver, uint256 _nonce) view returns (bytes32)',
  'function execTransaction(address to, uint256 value, bytes data, uint8 operation, uint256 safeTxGas, uint256 baseGas, uint256 gasPrice, address gasToken, address refundReceiver, bytes signatures) payable returns (bool success)',
  'event ExecutionSuccess(bytes32 indexed txHash, uint256 payment)',
  'event ExecutionFailure(bytes32 indexed txHash, uint256 payment)',
])

export const multiSendCallOnlyAbi = parseAbi(['function multiSend(bytes transactions) payable'])

/**
 * MultiSendCallOnly v1.4.1 as safe-deployments lists it (`multi_send_call_only.json`, its
 * `defaultAddress`): deployed through the Safe singleton factory, so the same address on every
 * chain where Safe 1.4.1 is deployed canonically. Chains with other deployments (zkSync-style
 * chains, older chains on 1.3.0 only) need `multiSend` in the manifest.
 */
export const CANONICAL_MULTI_SEND_CALL_ONLY: Address = '0x9641d764fc13c8B624c04430C7356C1C7C8102e2'
