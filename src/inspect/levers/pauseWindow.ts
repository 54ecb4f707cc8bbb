import { type Address, parseAbi } from 'viem'
import type { ChainClients } from '../../chain/clients.js'
import { tryRead } from '../../chain/tryRead.js'

export type PauseWindow = {
  /** Unix time (seconds) after which the contract can no longer be paused. */
  endsAt: bigint
  /** The view it was read from: `getPausedState()`, `pauseWindowEndTime()`, … */
  signature: string
}

export type ReadPauseWindowReturnType = PauseWindow | undefined

const pauseWindowAbi = parseAbi([
  // Balancer v2 pools and Vault (TemporarilyPausable)
  'function getPausedState() view returns (bool paused, uint256 pauseWindowEndTime, uint256 bufferPeriodEndTime)',
  // Balancer v3 Vault
  'function getVaultPausedState() view returns (bool paused, uint32 pauseWindowEndTime, uint32 bufferPeriodEndTime)',
  'function getPauseWindowEndTime() view returns (uint256)',
  'function pauseWindowEndTime() view returns (uint256)',
  'function pauseExpiry() view returns (uint256)',
])

/** Tried in this order: the first the contract answers decides. */
const readers = [
  { signature: 'getPausedState()', functionName: 'getPausedState', tuple: true },
  { signature: 'getVaultPausedState()', functionName: 'getVaultPausedState', tuple: true },
  { signature: 'getPauseWindowEndTime()', functionName: 'getPauseWindowEndTime', tuple: false },
  { signature: 'pauseWindowEndTime()', functionName: 'pauseWindowEndTime', tuple: false },
  { signature: 'pauseExpiry()', functionName: 'pauseExpiry', tuple: false },
] as const

/**
 * When a contract's right to pause runs out, for contracts built that way (Balancer's pools and
 * Vault may be paused only during a window after deployment). Teams have learned in the middle of
 * an incident that the window had closed; the readiness report compares `endsAt` with the chain's
 * time. Undefined when the contract answers none of the known views: its pause does not expire,
 * or it expires in a way firebreak does not read.
 *
 * `pauseExpiry()` is read as the end of the right to pause; a contract that uses the name for
 * the end of the current pause (an automatic unpause) is misread, which the lever's own
 * simulation will contradict.
 */
export async function readPauseWindow(chain: ChainClients, address: Address): Promise<ReadPauseWindowReturnType> {
  // All at once: the transport batches them into one request.
  // tryRead rethrows an unreachable node's error: it must not read as "no pause window".
  const answers = await Promise.all(readers.map((reader) => tryRead(chain, { address, abi: pauseWindowAbi, functionName: reader.functionName })))
  for (const [index, reader] of readers.entries()) {
    const answer = answers[index]
    if (answer === undefined) continue
    const endsAt = reader.tuple ? (answer as readonly [boolean, bigint | number, bigint | number])[1] : (answer as bigint)
    return { endsAt: BigInt(endsAt), signature: reader.signature }
  }
  return undefined
}
