/**
 * Inspects a protocol of 200 contracts on a local chain twice in one run: with JSON-RPC batching
 * (how firebreak reads) and with one HTTP request per read (the naive baseline), and prints the
 * time and the number of requests of each, and their ratio.
 * Run: npm run bench:inspect   (CONTRACTS=200 by default)
 */
import { type Address, encodeFunctionData } from 'viem'
import { startAnvil } from '../src/chain/anvil.js'
import { type ChainClients, connect } from '../src/chain/clients.js'
import { deployContract } from '../src/chain/deploy.js'
import { drillActors } from '../src/drill/actors.js'
import { deployProtocol } from '../src/drill/deployProtocol.js'
import { inspectProtocol } from '../src/inspect/inspectProtocol.js'
import type { InspectTarget } from '../src/inspect/types.js'
import { compileContracts } from '../src/solidity/compile.js'

const contracts = Number(process.env.CONTRACTS ?? 200)

const anvil = await startAnvil()
try {
  const setupChain = await connect(anvil.rpcUrl)
  const { artifacts } = await compileContracts()
  const actors = drillActors()
  const protocol = await deployProtocol(setupChain, artifacts, actors)
  const targets = await deployVaults(setupChain, contracts, protocol.implementationV1, protocol.token.address)
  const labels = [
    { name: 'governance', address: actors.admin.address },
    { name: 'guardian', address: actors.guardian.address },
  ]

  const batched = await measure(anvil.rpcUrl, true, targets, labels)
  const naive = await measure(anvil.rpcUrl, false, targets, labels)
  const levers = batched.levers
  console.log(`${contracts} contracts (UUPS vault proxies), ${levers} levers found and confirmed`)
  console.log(`batched JSON-RPC: ${batched.httpRequests} HTTP requests carrying ${batched.calls} calls, ${(batched.ms / 1000).toFixed(2)} s`)
  console.log(`one request/read: ${naive.httpRequests} HTTP requests, ${(naive.ms / 1000).toFixed(2)} s`)
  console.log(`ratio: ${(naive.httpRequests / batched.httpRequests).toFixed(1)}× fewer requests, ${(naive.ms / batched.ms).toFixed(2)}× the speed; requests per lever: ${(batched.httpRequests / levers).toFixed(3)} batched vs ${(naive.httpRequests / levers).toFixed(2)} naive`)
} finally {
  await anvil.stop()
}

async function measure(rpcUrl: string, batch: boolean, targets: InspectTarget[], authorities: { name: string; address: Address }[]) {
  let httpRequests = 0
  let calls = 0
  const chain = await connect(rpcUrl, {
    batch,
    onFetchRequest: async (request) => {
      httpRequests++
      const body = await request.clone().json()
      calls += Array.isArray(body) ? body.length : 1
    },
  })
  httpRequests = 0
  calls = 0
  const started = performance.now()
  const inspection = await inspectProtocol(chain, { targets, authorities })
  const ms = performance.now() - started
  const failed = inspection.contracts.filter((contract) => contract.error)
  if (failed.length) throw new Error(`${failed.length} contracts failed: ${failed[0]?.error}`)
  return { httpRequests, calls, ms, levers: inspection.contracts.reduce((sum, contract) => sum + contract.levers.length, 0) }
}

/** `count` proxies of the drill's vault implementation, each initialised, sent back to back. */
async function deployVaults(chain: ChainClients, count: number, implementation: Address, token: Address): Promise<InspectTarget[]> {
  const { artifacts } = await compileContracts()
  const vault = artifacts.get('DrillVaultV1')
  const { admin, guardian } = drillActors()
  const initialize = encodeFunctionData({ abi: vault.abi, functionName: 'initialize', args: [token, admin.address, guardian.address, 10n ** 24n] })
  const addresses: Address[] = []
  for (let index = 0; index < count; index++) {
    addresses.push(await deployContract(chain, admin, artifacts.get('ERC1967Proxy'), [implementation, initialize]))
  }
  return addresses.map((address, index) => ({ name: `vault-${index}`, address, abi: vault.abi }))
}
