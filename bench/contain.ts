/**
 * Containment speed on a local chain, each figure against a baseline measured in the same run:
 *  (a) pausing N = 10, 100, 200 contracts through an EmergencyGuardian (one transaction) against
 *      one pause transaction per contract: blocks and wall time until all are paused, with anvil
 *      mining a block every second (transactions wait for a block, as on a real chain);
 *  (b) `firebreak contain pause-all` on 100 guarded contracts: from the decision (the call) to the
 *      pause transaction's broadcast, with the fork simulation (how firebreak runs) and without it.
 * Run: npm run bench:contain   (SIZES=10,100,200 and CONTAIN=100 by default)
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Address, Hash } from 'viem'
import { startAnvil } from '../src/chain/anvil.js'
import { type ChainClients, connect } from '../src/chain/clients.js'
import { planContainment } from '../src/contain/planContainment.js'
import { runContainment } from '../src/contain/runContainment.js'
import { drillActors } from '../src/drill/actors.js'
import { prepareExecutors } from '../src/engine/execute.js'
import { openIncident } from '../src/journal/index.js'
import { loadManifest } from '../src/manifest/index.js'
import { compileContracts } from '../src/solidity/compile.js'
import { type GuardedFleet, deployGuardedFleet } from '../test/fixtures/guardian.js'
import { writeTestManifest } from '../test/fixtures/manifest.js'

const sizes = (process.env.SIZES ?? '10,100,200').split(',').map(Number)
const containSize = Number(process.env.CONTAIN ?? 100)
const rounds = 3
const { admin, guardian } = drillActors()

const anvil = await startAnvil()
const dir = mkdtempSync(join(tmpdir(), 'firebreak-bench-contain-'))
try {
  const chain = await connect(anvil.rpcUrl)
  const { artifacts } = await compileContracts()
  const pauseAbi = [{ type: 'function', name: 'pause', inputs: [], outputs: [], stateMutability: 'nonpayable' }] as const
  const guardianAbi = [{ type: 'function', name: 'pause', inputs: [{ name: 'targets', type: 'address[]' }], outputs: [], stateMutability: 'nonpayable' }] as const

  console.log('(a) blocks and wall time until N contracts are paused (one block a second)')
  for (const size of sizes) {
    // The same fleet serves both paths: its pauser is the guardian contract, or, for the baseline, the key itself.
    const fleet = await deployGuardedFleet(chain, { admin, guardianKey: guardian.address, count: size, artifacts })
    const direct = await deployGuardedFleet(chain, { admin, guardianKey: guardian.address, count: size, artifacts })
    await handPauseTo(chain, direct, guardian.address)
    const targets = fleet.targets.map((target) => target.address)
    const viaGuardian = await timed(chain, async () => [await chain.wallet(guardian).writeContract({ address: fleet.guardian.address, abi: guardianAbi, functionName: 'pause', args: [targets] } as never)])
    const perContract = await timed(chain, async () => {
      let nonce = await chain.public.getTransactionCount({ address: guardian.address, blockTag: 'pending' })
      const hashes: Hash[] = []
      for (const target of direct.targets) hashes.push(await chain.wallet(guardian).writeContract({ address: target.address, abi: pauseAbi, functionName: 'pause', nonce: nonce++ } as never))
      return hashes
    })
    console.log(
      `  N=${String(size).padStart(3)}: guardian 1 tx, ${viaGuardian.blocks} block, ${viaGuardian.ms.toFixed(0)} ms, ${viaGuardian.gas} gas | one tx each: ${size} txs, ${perContract.blocks} blocks, ${perContract.ms.toFixed(0)} ms, ${perContract.gas} gas | ratio ${(perContract.ms / viaGuardian.ms).toFixed(2)}× the time, ${perContract.blocks}× the blocks`,
    )
  }

  console.log(`(b) decision to broadcast, contain pause-all on ${containSize} guarded contracts (median of ${rounds})`)
  const fleet = await deployGuardedFleet(chain, { admin, guardianKey: guardian.address, count: containSize, artifacts })
  const manifest = loadManifest(
    writeTestManifest(dir, {
      rpcUrl: anvil.rpcUrl,
      contracts: [...fleet.targets, fleet.guardian],
      authorities: [{ name: 'guardian-key', type: 'eoa', address: guardian.address, keyEnv: 'BENCH_GUARDIAN_KEY' }],
    }),
  )
  const withSimulation: number[] = []
  const withoutSimulation: number[] = []
  for (let round = 0; round < rounds; round++) {
    withSimulation.push(await fromSnapshot(chain, () => broadcastLatency(round, true)))
    withoutSimulation.push(await fromSnapshot(chain, () => broadcastLatency(round, false)))
  }
  const [simulated, direct] = [median(withSimulation), median(withoutSimulation)]
  console.log(`  with the fork simulation: ${simulated.toFixed(0)} ms; without: ${direct.toFixed(0)} ms; the simulation costs ${(simulated - direct).toFixed(0)} ms (${(simulated / direct).toFixed(2)}×)`)

  async function broadcastLatency(round: number, simulate: boolean): Promise<number> {
    const incident = openIncident({ root: join(dir, 'incidents'), id: `round-${round}-${simulate}` })
    const append = incident.journal.append.bind(incident.journal)
    let sentAt = 0
    incident.journal.append = ((type, data) => {
      if (type === 'step.sent' && sentAt === 0) sentAt = performance.now()
      return append(type, data)
    }) as typeof incident.journal.append
    const started = performance.now()
    if (simulate) {
      const outcome = await runContainment({ manifest, playbook: 'pause-all', incident, accounts: [guardian] })
      if (outcome.status !== 'contained') throw new Error(`contain ended ${outcome.status}`)
    } else {
      // The same plan, inspection included, sent without simulating it first: the baseline only.
      const { plan, chain: planned } = await planContainment({ manifest, playbook: 'pause-all' })
      const executors = await prepareExecutors(planned, plan, { journal: incident.journal, accounts: [guardian] })
      for (const step of plan.steps) {
        const hash = await executors.get(step.id)!.send()
        incident.journal.append('step.sent', { planId: plan.id, stepId: step.id, txHash: hash, executor: executors.get(step.id)!.describe, calls: step.actions.map((action) => action.call) })
        await planned.public.waitForTransactionReceipt({ hash })
      }
    }
    return sentAt - started
  }
} finally {
  await anvil.stop()
  rmSync(dir, { recursive: true, force: true })
}

async function handPauseTo(chain: ChainClients, fleet: GuardedFleet, key: Address): Promise<void> {
  const setPauser = [{ type: 'function', name: 'setPauser', inputs: [{ name: 'pauser', type: 'address' }], outputs: [], stateMutability: 'nonpayable' }] as const
  let nonce = await chain.public.getTransactionCount({ address: admin.address, blockTag: 'pending' })
  const hashes: Hash[] = []
  for (const target of fleet.targets) hashes.push(await chain.wallet(admin).writeContract({ address: target.address, abi: setPauser, functionName: 'setPauser', args: [key], nonce: nonce++ } as never))
  await Promise.all(hashes.map((hash) => chain.public.waitForTransactionReceipt({ hash })))
}

/** Sends with a block every second (as a chain does), and measures until every transaction is mined. */
async function timed(chain: ChainClients, send: () => Promise<Hash[]>) {
  await chain.test.setIntervalMining({ interval: 1 })
  try {
    const startBlock = await chain.public.getBlockNumber({ cacheTime: 0 })
    const started = performance.now()
    const hashes = await send()
    const receipts = await Promise.all(hashes.map((hash) => chain.public.waitForTransactionReceipt({ hash, pollingInterval: 50 })))
    const ms = performance.now() - started
    if (receipts.some((receipt) => receipt.status !== 'success')) throw new Error('a pause reverted')
    const blocks = new Set(receipts.map((receipt) => receipt.blockNumber)).size
    const lastBlock = receipts.reduce((last, receipt) => (receipt.blockNumber > last ? receipt.blockNumber : last), 0n)
    return { ms, blocks: Math.max(blocks, Number(lastBlock - startBlock)), gas: receipts.reduce((sum, receipt) => sum + receipt.gasUsed, 0n) }
  } finally {
    await chain.test.setAutomine(true)
  }
}

async function fromSnapshot<T>(chain: ChainClients, run: () => Promise<T>): Promise<T> {
  const snapshot = await chain.test.snapshot()
  try {
    return await run()
  } finally {
    await chain.test.revert({ id: snapshot })
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]!
}
