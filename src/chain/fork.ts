import { type Anvil, startAnvil } from './anvil.js'

export type StartForkParameters = {
  /** The node to fork: the real chain, or the embedded one during a drill. */
  forkUrl: string
  /** Fork at this block (e.g. the block before an attack); by default the latest. */
  blockNumber?: bigint
}

/** A throwaway anvil that copies `forkUrl`'s state on demand: where plans and replays are simulated. */
export function startFork({ forkUrl, blockNumber }: StartForkParameters): Promise<Anvil> {
  return startAnvil({ forkUrl, forkBlockNumber: blockNumber })
}

/** anvil answers `anvil_nodeInfo`; a real network's node does not. Impersonation is only allowed there. */
export async function isLocalChain(rpcUrl: string): Promise<boolean> {
  try {
    const response = await fetch(rpcUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'anvil_nodeInfo', params: [] }),
    })
    const body = (await response.json()) as { result?: unknown }
    return body.result !== undefined
  } catch {
    return false
  }
}
