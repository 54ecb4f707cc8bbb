import type { Hash, LocalAccount } from 'viem'
import type { ChainClients } from '../../chain/clients.js'
import type { Call } from '../plan.js'

/** Sends one step's call through one kind of authority and returns the transaction hash. */
export type Executor = {
  /** Shown in progress and in the journal: `key 0xabc…`, `impersonated 0xabc…`. */
  describe: string
  send(call: Call): Promise<Hash>
}

export type ExecutorContext = {
  chain: ChainClients
  /** Keys handed over in memory (never read from or written to a file). */
  accounts?: readonly LocalAccount[]
}
