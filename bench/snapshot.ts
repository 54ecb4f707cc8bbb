/**
 * Snapshots a token with 10k, 100k and 1M holders on a local anvil and prints accounts per second,
 * peak memory, and the ratio against the naive path (one eth_call per account, no batching).
 *
 * Seeding: test/contracts/snapshot/SnapshotSeedToken is an OpenZeppelin ERC20 whose test-only
 * `seed(first, count, amount)` writes OZ's `_balances` slots and `_totalSupply` directly in a loop
 * and emits the same Transfer(0, holder, amount) a mint does: 5000 holders per transaction (~30k
 * gas each), anvil started with --disable-block-gas-limit.
 * The naive path is measured on the first NAIVE accounts (default 2000) and extrapolated (labelled).
 * Memory: each size's snapshot runs in this process after a GC; rss and heapUsed are sampled every
 * 20 ms and reported as the peak above the pre-run baseline.
 * Run: npm run bench:snapshot   (SIZES=10000,100000,1000000 NAIVE=2000)
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type Address, erc20Abi } from 'viem'
import { startAnvil } from '../src/chain/anvil.js'
import { connect } from '../src/chain/clients.js'
import { takeSnapshot } from '../src/snapshot/takeSnapshot.js'
import { deploySeedToken, seedHolders, seededHolder } from '../test/fixtures/seedHolders.js'

const sizes = (process.env.SIZES ?? '10000,100000,1000000').split(',').map(Number)
const naiveCount = Number(process.env.NAIVE ?? 2000)
const gc = (globalThis as { gc?: () => void }).gc

const directory = await mkdtemp(join(tmpdir(), 'firebreak-bench-snapshot-'))
for (const size of sizes) {
  const anvil = await startAnvil({ args: ['--disable-block-gas-limit'] })
  try {
    const chain = await connect(anvil.rpcUrl)
    const token = await deploySeedToken(chain)
    const seedStart = performance.now()
    await seedHolders(chain, token, { count: size, amount: 10n ** 18n, perTransaction: 5000 })
    const seedMs = performance.now() - seedStart
    const blockNumber = await chain.public.getBlockNumber()

    gc?.()
    const base = process.memoryUsage()
    const peak = { rss: base.rss, heapUsed: base.heapUsed }
    const sampler = setInterval(() => {
      const now = process.memoryUsage()
      peak.rss = Math.max(peak.rss, now.rss)
      peak.heapUsed = Math.max(peak.heapUsed, now.heapUsed)
    }, 20)
    const started = performance.now()
    const result = await takeSnapshot(chain, { contract: token.address, blockNumber, outFile: join(directory, `${size}.ndjson`), batchSize: 1000 })
    const ms = performance.now() - started
    clearInterval(sampler)
    if (result.footer.accounts !== size) throw new Error(`expected ${size} accounts, the snapshot has ${result.footer.accounts}`)

    const naiveChain = await connect(anvil.rpcUrl, { batch: false })
    const naiveSubset = Math.min(naiveCount, size)
    const naiveStart = performance.now()
    for (let index = 0; index < naiveSubset; index++) {
      await naiveChain.public.readContract({ address: token.address, abi: erc20Abi, functionName: 'balanceOf', args: [seededHolder(index) as Address], blockNumber })
    }
    const naivePerAccountMs = (performance.now() - naiveStart) / naiveSubset
    const rate = size / (ms / 1000)
    const naiveRate = 1000 / naivePerAccountMs
    console.log(
      `${size.toLocaleString('en')} holders: seeded in ${(seedMs / 1000).toFixed(1)} s; snapshot ${(ms / 1000).toFixed(1)} s = ${Math.round(rate).toLocaleString('en')} accounts/s (${result.balanceReader}); ` +
        `naive ${Math.round(naiveRate).toLocaleString('en')} accounts/s measured on ${naiveSubset.toLocaleString('en')}, ${size > naiveSubset ? `extrapolated to ${((size * naivePerAccountMs) / 1000).toFixed(0)} s for all` : `${((size * naivePerAccountMs) / 1000).toFixed(1)} s`}; ` +
        `ratio ${(rate / naiveRate).toFixed(1)}×; peak above baseline: rss +${mb(peak.rss - base.rss)} MB, heapUsed +${mb(peak.heapUsed - base.heapUsed)} MB`,
    )
  } finally {
    await anvil.stop()
  }
}
await rm(directory, { recursive: true, force: true })

function mb(bytes: number): string {
  return (bytes / 2 ** 20).toFixed(0)
}
