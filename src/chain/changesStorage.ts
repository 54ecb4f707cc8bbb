import type { Address, Hex } from 'viem'
import type { ChainClients } from './clients.js'
import { isTransportError } from './transportError.js'

export type ChangesStorageParameters = { from: Address; to: Address; data: Hex; value?: bigint }

type AccountState = { storage?: Record<string, Hex>; code?: Hex }
type StateDiff = { pre?: Record<string, AccountState>; post?: Record<string, AccountState> }

/**
 * Whether a call, were it sent now, would write any contract's storage or code: read with
 * `debug_traceCall`'s prestateTracer in diff mode (geth, reth, anvil). A call that succeeds but
 * writes nothing is a no-op for its caller (`revokeRoles([], account)`), which proves nothing
 * about who may call it. Balances and nonces are left out: every call moves the sender's nonce.
 * Undefined when the node has no such tracer; a node that fails is an error.
 */
export async function changesStorage(chain: ChainClients, call: ChangesStorageParameters): Promise<boolean | undefined> {
  let diff: StateDiff
  try {
    diff = (await chain.public.request({
      method: 'debug_traceCall',
      params: [
        { from: call.from, to: call.to, data: call.data, value: `0x${(call.value ?? 0n).toString(16)}` },
        'latest',
        { tracer: 'prestateTracer', tracerConfig: { diffMode: true } },
      ],
    } as never)) as StateDiff
  } catch (error) {
    if (isTransportError(error)) throw error
    return undefined
  }
  const storageIn = (states: Record<string, AccountState> | undefined) => Object.values(states ?? {}).some((state) => Object.keys(state.storage ?? {}).length > 0)
  // A slot cleared appears only in `pre`, a slot set from zero only in `post`; `pre` also carries
  // the code of any account whose balance moved, so only `post` tells of code deployed.
  const codeDeployed = Object.values(diff.post ?? {}).some((state) => state.code !== undefined && state.code !== '0x')
  return storageIn(diff.post) || storageIn(diff.pre) || codeDeployed
}
