import type { ListrTask } from 'listr2'
import { startAnvil } from '../../chain/anvil.js'
import { connect } from '../../chain/clients.js'
import { compileContracts } from '../../solidity/compile.js'
import { drillActors } from '../actors.js'
import { deployProtocol } from '../deployProtocol.js'
import { depositAll } from '../scenario.js'
import { formatAmount } from '../format.js'
import { type PartialDrillState, need } from '../state.js'

export type SetupOptions = { cacheDir?: string; port?: number; chainId?: number }

/** Start the embedded chain, compile, deploy the protocol, and let the users deposit. */
export function setupTasks(state: PartialDrillState, options: SetupOptions): ListrTask[] {
  return [
    {
      title: 'start the embedded chain (anvil)',
      task: async (_, task) => {
        state.anvil = await startAnvil({ port: options.port, ...(options.chainId ? { chainId: options.chainId } : {}) })
        state.chain = await connect(state.anvil.rpcUrl)
        state.actors = drillActors()
        task.title = `embedded chain at ${state.anvil.rpcUrl} (chain id ${state.chain.chain.id})`
      },
    },
    {
      title: 'compile contracts/ with solc-js',
      task: async (_, task) => {
        const result = await compileContracts({ cacheDir: options.cacheDir })
        state.artifacts = result.artifacts
        state.compile = { fromCache: result.fromCache }
        task.title = `compiled ${result.artifacts.all.length} contracts${result.fromCache ? ' (from cache)' : ''}`
      },
    },
    {
      title: 'deploy dUSD and DrillVaultV1 behind a UUPS proxy',
      task: async (_, task) => {
        state.protocol = await deployProtocol(need(state, 'chain'), need(state, 'artifacts'), need(state, 'actors'))
        task.title = `vault (proxy) at ${state.protocol.vault.address}, guardian may pause`
      },
    },
    {
      title: 'users deposit',
      task: async (_, task) => {
        const actors = need(state, 'actors')
        await depositAll(need(state, 'chain'), need(state, 'protocol'), actors)
        const total = actors.users.reduce((sum, user) => sum + user.deposit, 0n)
        task.title = `${actors.users.length} users deposited ${formatAmount(total)}`
      },
    },
  ]
}
