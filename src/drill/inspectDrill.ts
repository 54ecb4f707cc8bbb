import { startAnvil } from '../chain/anvil.js'
import { connect } from '../chain/clients.js'
import { inspectProtocol } from '../inspect/inspectProtocol.js'
import type { Inspection } from '../inspect/types.js'
import { compileContracts } from '../solidity/compile.js'
import { drillActors } from './actors.js'
import { deployProtocol } from './deployProtocol.js'
import { depositAll } from './scenario.js'

/**
 * The drill's protocol, deployed on a fresh embedded chain and inspected as a team would inspect
 * its own before an incident: which levers, who holds them, how fast it can be contained.
 */
export async function inspectDrill(options: { cacheDir?: string } = {}): Promise<Inspection> {
  const anvil = await startAnvil()
  try {
    const chain = await connect(anvil.rpcUrl)
    const { artifacts } = await compileContracts({ cacheDir: options.cacheDir })
    const actors = drillActors()
    const protocol = await deployProtocol(chain, artifacts, actors)
    await depositAll(chain, protocol, actors)
    return await inspectProtocol(chain, {
      targets: [protocol.vault, protocol.token].map(({ name, address, abi }) => ({ name, address, abi })),
      authorities: [
        { name: 'governance', address: actors.admin.address },
        { name: 'guardian', address: actors.guardian.address },
        { name: 'treasury', address: actors.treasury.address },
      ],
    })
  } finally {
    await anvil.stop()
  }
}
