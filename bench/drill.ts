/**
 * How long a drill takes, cold (nothing compiled) and warm, against a baseline measured in the
 * same run: start the embedded chain, deploy the protocol and stop — the least any drill does.
 * Run: npm run bench:drill
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startAnvil } from '../src/chain/anvil.js'
import { connect } from '../src/chain/clients.js'
import { drillActors } from '../src/drill/actors.js'
import { deployProtocol } from '../src/drill/deployProtocol.js'
import { runDrill } from '../src/drill/runDrill.js'
import { compileContracts } from '../src/solidity/compile.js'

const rounds = Number(process.env.ROUNDS ?? 3)
const scratch = mkdtempSync(join(tmpdir(), 'firebreak-bench-'))

async function time(run: () => Promise<unknown>): Promise<number> {
  const started = performance.now()
  await run()
  return performance.now() - started
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN
}

const warmCache = join(scratch, 'warm-cache')
const artifacts = (await compileContracts({ cacheDir: warmCache })).artifacts

async function baseline() {
  const anvil = await startAnvil()
  try {
    await deployProtocol(await connect(anvil.rpcUrl), artifacts, drillActors())
  } finally {
    await anvil.stop()
  }
}

const baselines: number[] = []
const warm: number[] = []
const cold: number[] = []
for (let round = 0; round < rounds; round++) {
  baselines.push(await time(baseline))
  warm.push(await time(() => runDrill({ cacheDir: warmCache, incidentsRoot: join(scratch, 'incidents'), progress: 'silent' })))
  const coldCache = join(scratch, `cold-cache-${round}`)
  cold.push(await time(() => runDrill({ cacheDir: coldCache, incidentsRoot: join(scratch, 'incidents'), progress: 'silent' })))
}
rmSync(scratch, { recursive: true, force: true })

const [b, w, c] = [median(baselines), median(warm), median(cold)]
console.log(`rounds: ${rounds} (medians)`)
console.log(`baseline (start anvil, deploy, stop): ${(b / 1000).toFixed(2)} s`)
console.log(`drill, warm compile cache:            ${(w / 1000).toFixed(2)} s  = ${(w / b).toFixed(1)}× baseline`)
console.log(`drill, cold compile cache:            ${(c / 1000).toFixed(2)} s  = ${(c / b).toFixed(1)}× baseline, ${(c / w).toFixed(1)}× warm`)
