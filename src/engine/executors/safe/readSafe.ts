import type { Address, Hash } from 'viem'
import type { ChainClients } from '../../../chain/clients.js'
import { safeAbi } from './abi.js'
import { SafeTransactionError } from './errors.js'
import type { SafeTransaction } from './safeTransaction.js'

/** The Safe as the chain has it now: the plan's copy of owners and threshold may be stale, the chain wins. */
export type SafeState = { address: Address; version: string; owners: Address[]; threshold: number; nonce: bigint }

export async function readSafeState(chain: ChainClients, address: Address): Promise<SafeState> {
  const read = <name extends 'VERSION' | 'getOwners' | 'getThreshold' | 'nonce'>(functionName: name) =>
    chain.public.readContract({ address, abi: safeAbi, functionName })
  let state: [string, readonly Address[], bigint, bigint]
  try {
    state = await Promise.all([read('VERSION'), read('getOwners'), read('getThreshold'), read('nonce')])
  } catch (error) {
    const code = await chain.public.getCode({ address }).catch(() => undefined)
    const why = !code || code === '0x' ? 'there is no contract at that address' : 'it does not answer as a Safe (VERSION, getOwners, getThreshold, nonce)'
    throw new SafeTransactionError(`${address} is not a Safe on chain ${chain.chain.id}: ${why}`, { cause: error })
  }
  const [version, owners, threshold, nonce] = state
  if (!supportsChainIdDomain(version)) {
    throw new SafeTransactionError(`Safe ${address} is version ${version}: firebreak signs for Safe 1.3.0 and later, whose EIP-712 domain holds the chain id`)
  }
  return { address, version, owners: [...owners], threshold: Number(threshold), nonce }
}

function supportsChainIdDomain(version: string): boolean {
  const [major = 0, minor = 0] = version.split('.').map((part) => Number.parseInt(part, 10))
  return major > 1 || (major === 1 && minor >= 3)
}

/** The safeTxHash as the Safe itself computes it, to check firebreak's own computation against. */
export function safeTxHashOnChain(chain: ChainClients, safe: Address, transaction: SafeTransaction): Promise<Hash> {
  const { to, value, data, operation, safeTxGas, baseGas, gasPrice, gasToken, refundReceiver, nonce } = transaction
  return chain.public.readContract({
    address: safe,
    abi: safeAbi,
    functionName: 'getTransactionHash',
    args: [to, value, data, operation, safeTxGas, baseGas, gasPrice, gasToken, refundReceiver, nonce],
  })
}
