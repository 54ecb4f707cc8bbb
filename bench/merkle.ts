/**
 * Builds reimbursement distributions of 10k, 100k and 1M accounts with firebreak's builder
 * (src/recover/merkle, behind buildDistribution) and with @openzeppelin/merkle-tree itself, on
 * the same values in the same run, and prints for each: time, peak memory, the ratio, and whether
 * the roots (and a sample of proofs) are equal. It aborts when they are not.
 *
 * Two figures per size:
 *  - tree: the Merkle tree and its root alone, buildDistributionTree(values) against
 *    StandardMerkleTree.of(values, ['uint256', 'address', 'uint256']);
 *  - distribution: what buildDistribution returns, a proof for every account and the dump, against
 *    the same made with the library (StandardMerkleTree.of, getProof for each value, dump), which
 *    is how buildDistribution was written before.
 * Each measurement runs in its own node process, one after the other, so that the peak resident
 * memory (getrusage's maxrss, less the resident size once the values exist) is that build's alone
 * and the two never share the two cores. Both get the same heap limit.
 * Run: npm run bench:merkle   (SIZES=10000,100000,1000000 by default)
 */
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { StandardMerkleTree } from '@openzeppelin/merkle-tree'
import type { Address, Hex } from 'viem'
import { LEAF_ENCODING, buildDistribution } from '../src/distribution/buildDistribution.js'
import type { AccountLoss } from '../src/recover/computeLosses.js'
import { buildDistributionTree } from '../src/distribution/merkle/distributionTree.js'
import type { LeafValue } from '../src/distribution/merkle/leafHashes.js'

type Mode = 'ours-tree' | 'ours-distribution' | 'library'
type PhaseName = 'tree' | 'distribution'
type Phase = { ms: number; peakRssBytes: number }
type Measurement = { root: Hex; sampledProofs: string; phases: Partial<Record<PhaseName, Phase>> }

const SAMPLED_PROOFS = 1000
const HEAP_LIMIT_MB = 16_384

const [, , role, modeArgument, sizeArgument] = process.argv
if (role === '--measure') {
  const measurement = measure(modeArgument as Mode, Number(sizeArgument))
  process.stdout.write(`${JSON.stringify(measurement)}\n`)
} else {
  const sizes = (process.env.SIZES ?? '10000,100000,1000000').split(',').map(Number)
  for (const size of sizes) report(size)
}

function report(size: number): void {
  const oursTree = runMeasurement('ours-tree', size)
  const ours = runMeasurement('ours-distribution', size)
  const library = runMeasurement('library', size)
  const roots = new Set([oursTree.root, ours.root, library.root])
  if (roots.size !== 1) {
    console.error(`ROOTS DIFFER at ${size} accounts: ours (tree) ${oursTree.root}, ours (distribution) ${ours.root}, library ${library.root}`)
    process.exit(1)
  }
  if (ours.sampledProofs !== library.sampledProofs || oursTree.sampledProofs !== library.sampledProofs) {
    console.error(`PROOFS DIFFER at ${size} accounts although the roots are equal (${library.root})`)
    process.exit(1)
  }
  console.log(`${size.toLocaleString('en')} accounts: root ${library.root} in both, and ${Math.min(SAMPLED_PROOFS, size).toLocaleString('en')} sampled proofs equal`)
  for (const [name, oursPhase] of [['tree', oursTree.phases.tree], ['distribution', ours.phases.distribution]] as const) {
    const libraryPhase = library.phases[name]
    if (!oursPhase || !libraryPhase) throw new Error(`the ${name} phase was not measured`)
    console.log(
      `  ${`${name}:`.padEnd(14)}ours ${seconds(oursPhase)}, library ${seconds(libraryPhase)}: ${(libraryPhase.ms / oursPhase.ms).toFixed(1)}× faster; ` +
        `peak rss above baseline: ours +${mb(oursPhase)}, library +${mb(libraryPhase)}`,
    )
  }
}

function runMeasurement(mode: Mode, size: number): Measurement {
  const self = fileURLToPath(import.meta.url)
  const child = spawnSync(process.execPath, ['--expose-gc', `--max-old-space-size=${HEAP_LIMIT_MB}`, '--import', 'tsx', self, '--measure', mode, String(size)], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  if (child.status !== 0) {
    console.error(`${mode} at ${size} accounts exited ${child.status ?? child.signal}`)
    process.exit(1)
  }
  return JSON.parse(child.stdout.trim().split('\n').at(-1) ?? '') as Measurement
}

function measure(mode: Mode, size: number): Measurement {
  // A first small build compiles the hot functions of whichever implementation runs, so that the
  // 10k figure is not mostly the JIT's work.
  build(mode, syntheticLosses(1000), () => {})
  const losses = syntheticLosses(size)
  ;(globalThis as { gc?: () => void }).gc?.()
  const baselineRss = process.memoryUsage().rss
  const started = performance.now()
  const phases: Measurement['phases'] = {}
  const mark = (name: PhaseName) => {
    // maxRSS only grows: read at the end of a phase, it is the peak of everything up to there.
    phases[name] = { ms: performance.now() - started, peakRssBytes: process.resourceUsage().maxRSS * 1024 - baselineRss }
  }
  const { root, proofOf } = build(mode, losses, mark)
  const step = Math.max(1, Math.floor(size / SAMPLED_PROOFS))
  const sampled: Hex[][] = []
  for (let index = 0; index < size && sampled.length < SAMPLED_PROOFS; index += step) sampled.push(proofOf(index))
  return { root, sampledProofs: JSON.stringify(sampled), phases }
}

/** Runs one implementation on `losses`, marking the end of each phase it measures. */
function build(mode: Mode, losses: AccountLoss[], mark: (name: PhaseName) => void): { root: Hex; proofOf: (index: number) => Hex[] } {
  switch (mode) {
    case 'ours-tree': {
      const tree = buildDistributionTree(losses.map((entry, index): LeafValue => [BigInt(index), entry.account, entry.loss]))
      mark('tree')
      return { root: tree.root, proofOf: (index) => tree.proof(index) }
    }
    case 'ours-distribution': {
      const distribution = buildDistribution(losses)
      mark('distribution')
      return { root: distribution.root, proofOf: (index) => distribution.entries[index]!.proof }
    }
    case 'library': {
      // buildDistribution as it was written on the library, step for step.
      const values = losses.map((entry, index) => [BigInt(index), entry.account, entry.loss])
      const tree = StandardMerkleTree.of(values, [...LEAF_ENCODING])
      mark('tree')
      const entries = losses.map((entry, index) => ({ index, account: entry.account, amount: entry.loss, proof: tree.getProof(index) as Hex[] }))
      const dump = tree.dump()
      mark('distribution')
      if (dump.values.length !== entries.length) throw new Error('the library dumped a different number of values')
      return { root: tree.root as Hex, proofOf: (index) => entries[index]!.proof }
    }
  }
}

/** Distinct, deterministic accounts and token-sized losses (up to about 10^24), the same in every process. */
function syntheticLosses(count: number): AccountLoss[] {
  const losses: AccountLoss[] = []
  let state = 0x2545f491
  const word = () => {
    state ^= state << 13
    state ^= state >>> 17
    state ^= state << 5
    return (state >>> 0).toString(16).padStart(8, '0')
  }
  for (let index = 0; index < count; index++) {
    // The index in the last word keeps accounts distinct whatever the generator repeats.
    const account = `0x${word()}${word()}${word()}${word()}${index.toString(16).padStart(8, '0')}` as Address
    const loss = BigInt(`0x${word()}${word()}${word().slice(0, 4)}`) + 1n
    losses.push({ account, before: loss, after: 0n, loss })
  }
  return losses
}

function seconds(phase: Phase): string {
  return phase.ms < 10_000 ? `${(phase.ms / 1000).toFixed(2)} s` : `${(phase.ms / 1000).toFixed(1)} s`
}

function mb(phase: Phase): string {
  return `${Math.max(0, phase.peakRssBytes / 2 ** 20).toFixed(0)} MB`
}
