import { type Anvil, AnvilStartError, startAnvil } from './anvil.js'
import { startForkRelay } from './forkRelay.js'

export type StartForkParameters = {
  /** The node to fork: the real chain, or the embedded one during a drill. */
  forkUrl: string
  /** Fork at this block (e.g. the block before an attack); by default the latest. */
  blockNumber?: bigint
}

/**
 * Tries at starting a fork whose node failed it even through the relay's retries, 0.5 s, 1 s, 2 s apart.
 */
const FORK_ATTEMPTS = 4

/**
 * A throwaway anvil that copies `forkUrl`'s state on demand: where plans and replays are simulated.
 * anvil asks the node for its chain id and genesis once, without retrying: a node that dropped
 * that one answer is asked again here, and one that keeps failing is reported as the node's fault.
 */
export async function startFork({ forkUrl, blockNumber }: StartForkParameters): Promise<Anvil> {
  // The fork reads the node through firebreak's retries, not anvil's (which do not retry a dropped answer).
  const relay = await startForkRelay(forkUrl)
  try {
    const anvil = await startThroughRelay(relay.url, blockNumber)
    return { ...anvil, stop: async () => {
      await anvil.stop()
      await relay.stop()
    } }
  } catch (error) {
    await relay.stop()
    throw error
  }
}

async function startThroughRelay(forkUrl: string, blockNumber: bigint | undefined): Promise<Anvil> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startAnvil({ forkUrl, forkBlockNumber: blockNumber })
    } catch (error) {
      if (!(error instanceof AnvilStartError) || !upstreamFault(error) || attempt >= FORK_ATTEMPTS) throw error
      await new Promise((resolve) => setTimeout(resolve, Math.min(250 * 2 ** attempt, 2_000)))
    }
  }
}

/**
 * anvil's words for a node that did not answer its fork requests (as opposed to a bad block or a
 * busy port). Read from its last lines too: anvil often prints a bare `Error:` line first and the
 * cause ("error sending request", "connection closed") on the lines after it.
 */
function upstreamFault(error: AnvilStartError): boolean {
  const said = [error.shortMessage, ...error.metaMessages].join('\n')
  return /failed to (fetch|get|create genesis)|error sending request|connection|timed out|429|too many requests/i.test(said)
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
