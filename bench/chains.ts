/**
 * `contain pause-all` on one protocol deployed on several chains, in one incident: one
 * `containAcrossChains` call against each chain contained alone, one after the other, in the same
 * run and from the same state (evm_snapshot / evm_revert on every chain between runs).
 *
 * The protocol is the same on every chain, as a team ships it: CONTRACTS GuardedTargets (OpenZeppelin
 * `Pausable`) per chain, each paused
 *   PAUSER=guardian (default): through that chain's EmergencyGuardian, whose GUARDIAN_ROLE is the
 *                              guardian key: one transaction per chain, the shape firebreak recommends;
 *   PAUSER=key:                directly by the guardian key (`pauser` of every contract): one
 *                              transaction per contract, as a protocol without a guardian contract has it.
 * anvil mines each transaction at once (no block time), so the figures are firebreak's own time;
 * BLOCK_TIME=<seconds> mines a block every so often instead (once deployed), as a real chain does.
 *
 * Besides the wall times it prints where the time goes: per chain, each stage of its run (from its
 * progress events: inspect and plan → simulated on a fork → keys prepared → steps sent and
 * verified); the CPU used meanwhile by firebreak's node process, the chains' anvils, the forks and
 * everything else on the machine (/proc); how busy node's one thread was, and how much of that was
 * journal appends (fsynced before they return); and a fork's start and stop, alone and one per
 * chain at once. Chains run at once share that thread and the machine's cores (2 on this project's).
 * Run: npm run bench:chains   (CHAINS=5 CONTRACTS=20 ROUNDS=5 PAUSER=guardian by default; BLOCK_TIME=<s>; PROFILE=<folder>)
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { Session } from 'node:inspector/promises'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { type Abi, type Address, parseAbi } from 'viem'
import { stringify } from 'yaml'
import { type Anvil, startAnvil } from '../src/chain/anvil.js'
import { type ChainClients, connect } from '../src/chain/clients.js'
import { deployContract } from '../src/chain/deploy.js'
import { startFork } from '../src/chain/fork.js'
import { containAcrossChains } from '../src/contain/containAcrossChains.js'
import { type ContainmentProgress, runContainment } from '../src/contain/runContainment.js'
import { drillActors } from '../src/drill/actors.js'
import { type Incident, openIncident } from '../src/journal/index.js'
import { loadManifest } from '../src/manifest/index.js'
import { manifestOnChain } from '../src/manifest/manifestOnChain.js'
import { compileContracts } from '../src/solidity/compile.js'
import { compileContainFixtures, deployGuardedFleet } from '../test/fixtures/guardian.js'

const chainCount = Number(process.env.CHAINS ?? 5)
const contractCount = Number(process.env.CONTRACTS ?? 20)
const rounds = Number(process.env.ROUNDS ?? 5)
const pauser = (process.env.PAUSER ?? 'guardian') as 'guardian' | 'key'
const blockTime = process.env.BLOCK_TIME === undefined ? undefined : Number(process.env.BLOCK_TIME)
if (blockTime !== undefined && !(blockTime > 0)) throw new Error('BLOCK_TIME must be a number of seconds above 0')
if (pauser !== 'guardian' && pauser !== 'key') throw new Error(`PAUSER must be guardian or key, not ${pauser}`)
if (!Number.isInteger(rounds) || rounds < 3) throw new Error('ROUNDS must be a whole number, at least 3: the figures are medians')
if (!Number.isInteger(contractCount) || contractCount < 1) throw new Error('CONTRACTS must be a whole number, at least 1')
if (!Number.isInteger(chainCount) || chainCount < 2) throw new Error('CHAINS must be a whole number, at least 2')
const chainNames = ['ethereum', 'arbitrum', 'optimism', 'base', 'polygon', 'bsc', 'avalanche', 'gnosis'].slice(0, chainCount)
if (chainNames.length < chainCount) throw new Error(`at most ${chainNames.length} chains`)
const { admin, guardian } = drillActors()
const pausedAbi = parseAbi(['function paused() view returns (bool)'])

type Chain = { name: string; chainId: number; anvil: Anvil; clients: ChainClients; targets: Address[]; guardian?: Address }
/** When each stage of one chain's run ended, in ms from the start of the run. */
type Stages = { planned?: number; simulated?: number; prepared?: number; executed?: number }
/**
 * What a run used, ms: CPU of this process, of the chains' anvils, of the forks (children reaped
 * meanwhile) and of the whole machine; the time node's one thread was busy (event loop active,
 * CPU or blocking calls), and the part of it spent in journal appends (synchronous, fsynced).
 */
type Usage = { wallMs: number; nodeMs: number; anvilsMs: number; forksMs: number; machineBusyMs: number; loopBusyMs: number; journalMs: number; journalAppends: number }
type Round = { multi: number; multiStages: Map<string, Stages>; multiCpu: Usage; alone: Map<string, number>; aloneStages: Map<string, Stages>; aloneCpu: Usage }

const anvils: Anvil[] = []
const dir = mkdtempSync(join(tmpdir(), 'firebreak-bench-chains-'))
// startAnvil stops every anvil it started (forks included) on SIGINT/SIGTERM and re-raises the signal; the files are ours.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => rmSync(dir, { recursive: true, force: true }))
const machine = `${cpus().length} cores, load average ${loadavg().map((load) => load.toFixed(2)).join(' ')} at start`

try {
  const { chains, abis } = await deployChains()
  const manifest = loadManifest(writeManifest(chains, abis))
  const anvilPids = chains.map((chain) => chain.anvil.pid)
  // One untimed run first: the first containment in a process also loads and compiles its code.
  await fromSnapshots(chains, async () => {
    const outcome = await runContainment({ manifest: manifestOnChain(manifest, chains[0]!.name), playbook: 'pause-all', incident: openIncident({ root: join(dir, 'incidents'), id: 'warm-up' }), accounts: [guardian] })
    if (outcome.status !== 'contained') throw new Error(`warm-up on ${chains[0]!.name}: ended ${outcome.status}`)
  })
  const results: Round[] = []
  for (let round = 0; round < rounds; round++) {
    // Alternate which goes first, so that neither always runs on a machine the other just warmed or tired.
    const multiFirst = round % 2 === 0
    const result = { alone: new Map<string, number>(), aloneStages: new Map<string, Stages>() } as Round
    const runMulti = async () => {
      const stages = new Map<string, Stages>(chains.map((chain) => [chain.name, {}]))
      await fromSnapshots(chains, async () => {
        const incident = openIncident({ root: join(dir, 'incidents'), id: `round-${round}-all-chains` })
        const profiling = await startProfile()
        const run = await measured(anvilPids, incident, (since) => containAcrossChains({ manifest, playbook: 'pause-all', incident, accounts: [guardian], onProgress: (chain, event) => record(stages.get(chain)!, event, since()) }))
        await profiling?.stop(`all-at-once-round-${round + 1}`)
        const outcome = run.value
        if (outcome.contained.length !== chains.length) {
          const each = outcome.chains.map((chain) => `${chain.chain}: ${'reason' in chain ? `failed, ${chain.reason}` : chain.outcome.status}`)
          throw new Error(`round ${round + 1}, all chains at once: contained only on ${outcome.contained.join(', ') || 'none'} (${each.join('; ')})`)
        }
        await expectPaused(chains, `round ${round + 1}, all chains at once`)
        Object.assign(result, { multi: run.ms, multiStages: stages, multiCpu: run.cpu })
      })
    }
    const runAlone = async () => {
      const windows: Usage[] = []
      for (const chain of chains) {
        const stages: Stages = {}
        await fromSnapshots(chains, async () => {
          const incident = openIncident({ root: join(dir, 'incidents'), id: `round-${round}-${chain.name}` })
          const profiling = await startProfile()
          const run = await measured(anvilPids, incident, (since) => runContainment({ manifest: manifestOnChain(manifest, chain.name), playbook: 'pause-all', incident, accounts: [guardian], onProgress: (event) => record(stages, event, since()) }))
          await profiling?.stop(`${chain.name}-alone-round-${round + 1}`)
          if (run.value.status !== 'contained') throw new Error(`round ${round + 1}, ${chain.name} alone: ended ${run.value.status} (${run.value.exposed.map((each) => `${each.contract}: ${each.reason}`).join('; ')})`)
          await expectPaused([chain], `round ${round + 1}, ${chain.name} alone`)
          result.alone.set(chain.name, run.ms)
          result.aloneStages.set(chain.name, stages)
          windows.push(run.cpu)
        })
      }
      result.aloneCpu = Object.fromEntries(Object.keys(windows[0]!).map((key) => [key, sumOf(windows.map((each) => each[key as keyof Usage]))])) as Usage
    }
    if (multiFirst) {
      await runMulti()
      await runAlone()
    } else {
      await runAlone()
      await runMulti()
    }
    results.push(result)
    const alone = [...result.alone.values()]
    console.error(`  round ${round + 1}/${rounds}: all at once ${seconds(result.multi)}, alone ${alone.map(seconds).join(' ')}`)
  }
  const forks = await forkProbe(chains)
  printReport(chains, results, forks)
} finally {
  await Promise.allSettled(anvils.map((anvil) => anvil.stop()))
  rmSync(dir, { recursive: true, force: true })
}

async function deployChains(): Promise<{ chains: Chain[]; abis: { target: Abi; guardian: Abi } }> {
  const { artifacts } = await compileContracts()
  const targetArtifact = (await compileContainFixtures()).get('GuardedTarget')
  // Started one after the other (a start that fails leaves no other unstopped), deployed to at once.
  for (const index of chainNames.keys()) anvils.push(await startAnvil({ chainId: 31337 + index }))
  const chains = await Promise.all(
    chainNames.map(async (name, index): Promise<Chain> => {
      const anvil = anvils[index]!
      const clients = await connect(anvil.rpcUrl)
      const chain = { name, chainId: 31337 + index, anvil, clients }
      if (pauser === 'guardian') {
        const fleet = await deployGuardedFleet(clients, { admin, guardianKey: guardian.address, count: contractCount, artifacts })
        return { ...chain, targets: fleet.targets.map((target) => target.address), guardian: fleet.guardian.address }
      }
      const targets: Address[] = []
      for (let count = 0; count < contractCount; count++) targets.push(await deployContract(clients, admin, targetArtifact, [admin.address, guardian.address]))
      return { ...chain, targets }
    }),
  )
  if (blockTime !== undefined) await Promise.all(chains.map((chain) => chain.clients.test.setIntervalMining({ interval: blockTime })))
  return { chains, abis: { target: targetArtifact.abi, guardian: artifacts.get('EmergencyGuardian').abi } }
}

/** firebreak.yaml for the protocol on every chain: one name is one contract, deployed on each chain. */
function writeManifest(chains: Chain[], abis: { target: Abi; guardian: Abi }): string {
  writeFileSync(join(dir, 'GuardedTarget.abi.json'), JSON.stringify(abis.target))
  writeFileSync(join(dir, 'EmergencyGuardian.abi.json'), JSON.stringify(abis.guardian))
  const file = join(dir, 'firebreak.yaml')
  writeFileSync(
    file,
    stringify({
      chains: Object.fromEntries(chains.map((chain) => [chain.name, { rpcUrl: chain.anvil.rpcUrl, chainId: chain.chainId }])),
      contracts: chains.flatMap((chain) => [
        ...chain.targets.map((address, index) => ({ name: `market-${index + 1}`, chain: chain.name, address, abi: './GuardedTarget.abi.json' })),
        ...(chain.guardian ? [{ name: 'guardian', chain: chain.name, address: chain.guardian, abi: './EmergencyGuardian.abi.json' }] : []),
      ]),
      // One guardian key on every chain, as teams keep it: the same address holds the role everywhere.
      authorities: [{ name: 'guardian-key', type: 'eoa', address: guardian.address, keyEnv: 'BENCH_GUARDIAN_KEY' }],
    }),
  )
  return file
}

function record(stages: Stages, event: ContainmentProgress, at: number): void {
  if (event.stage === 'planned') stages.planned = at
  else if (event.stage === 'simulated') stages.simulated = at
  else if (event.stage === 'prepared') stages.prepared = at
  else if (event.stage === 'step') stages.executed = at
}

/** The run's wall time and what it used meanwhile (see Usage). */
async function measured<T>(anvilPids: number[], incident: Incident, run: (since: () => number) => Promise<T>): Promise<{ value: T; ms: number; cpu: Usage }> {
  const journal = { ms: 0, appends: 0 }
  const append = incident.journal.append.bind(incident.journal)
  incident.journal.append = ((type, data) => {
    const started = performance.now()
    try {
      return append(type, data)
    } finally {
      journal.ms += performance.now() - started
      journal.appends++
    }
  }) as typeof incident.journal.append
  const before = cpuNow(anvilPids)
  const loopBefore = performance.eventLoopUtilization()
  const started = performance.now()
  const value = await run(() => performance.now() - started)
  const ms = performance.now() - started
  const loop = performance.eventLoopUtilization(loopBefore)
  const after = cpuNow(anvilPids)
  const used = { wallMs: ms, nodeMs: after.nodeMs - before.nodeMs, anvilsMs: after.anvilsMs - before.anvilsMs, forksMs: after.forksMs - before.forksMs, machineBusyMs: after.machineBusyMs - before.machineBusyMs }
  return { value, ms, cpu: { ...used, loopBusyMs: loop.active, journalMs: journal.ms, journalAppends: journal.appends } }
}

/**
 * Cumulative CPU, ms. A fork's anvil is reaped by its watchdog shell, and the shell by this
 * process, so a fork stopped during the run is in this process's children's time (cutime, cstime).
 * /proc counts in USER_HZ ticks, 10 ms on Linux.
 */
function cpuNow(anvilPids: number[]): Pick<Usage, 'nodeMs' | 'anvilsMs' | 'forksMs' | 'machineBusyMs'> {
  const tick = 10
  const ownStat = procStat('self')
  const node = process.cpuUsage()
  const [user, nice, system, , , irq, softirq, steal] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number) as number[]
  return {
    nodeMs: (node.user + node.system) / 1000,
    anvilsMs: sumOf(anvilPids.map((pid) => { const stat = procStat(String(pid)); return stat.utime + stat.stime })) * tick,
    forksMs: (ownStat.cutime + ownStat.cstime) * tick,
    machineBusyMs: (user! + nice! + system! + irq! + softirq! + steal!) * tick,
  }
}

function procStat(pid: string): { utime: number; stime: number; cutime: number; cstime: number } {
  const text = readFileSync(`/proc/${pid}/stat`, 'utf8')
  // Fields after the command name (which may hold spaces), from the 3rd: utime is the 14th.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ').map(Number)
  return { utime: fields[11]!, stime: fields[12]!, cutime: fields[13]!, cstime: fields[14]! }
}

/**
 * PROFILE=<folder>: a CPU profile of firebreak's node process during each run (open it in Chrome's
 * DevTools), to see which of its code the chains wait for on its one thread.
 */
async function startProfile(): Promise<{ stop(name: string): Promise<void> } | undefined> {
  const folder = process.env.PROFILE
  if (!folder) return undefined
  const session = new Session()
  session.connect()
  await session.post('Profiler.enable')
  await session.post('Profiler.start')
  return {
    async stop(name) {
      const { profile } = await session.post('Profiler.stop')
      mkdirSync(folder, { recursive: true })
      writeFileSync(join(folder, `${name}.cpuprofile`), JSON.stringify(profile))
      session.disconnect()
    },
  }
}

/** Runs from the same state on every chain each time: every contract unpaused before, all reverted after. */
async function fromSnapshots<T>(chains: Chain[], run: () => Promise<T>): Promise<T> {
  const snapshots = await Promise.all(chains.map((chain) => chain.clients.test.snapshot()))
  try {
    const paused = await pausedFlags(chains)
    const already = paused.filter((each) => each.paused)
    if (already.length > 0) throw new Error(`state not reset: ${already.length} contracts paused before the run (${already.slice(0, 3).map((each) => `${each.chain} ${each.address}`).join(', ')}…)`)
    return await run()
  } finally {
    await Promise.all(chains.map((chain, index) => chain.clients.test.revert({ id: snapshots[index]! })))
  }
}

async function expectPaused(chains: Chain[], run: string): Promise<void> {
  const notPaused = (await pausedFlags(chains)).filter((each) => !each.paused)
  if (notPaused.length > 0) throw new Error(`${run}: ${notPaused.length} contracts NOT paused after the run: ${notPaused.map((each) => `${each.chain} ${each.address}`).join(', ')}`)
}

async function pausedFlags(chains: Chain[]) {
  return (
    await Promise.all(
      chains.map((chain) => Promise.all(chain.targets.map(async (address) => ({ chain: chain.name, address, paused: await chain.clients.public.readContract({ address, abi: pausedAbi, functionName: 'paused' }) })))),
    )
  ).flat()
}

type ForkTimes = { start: number; stop: number }

/** A fork's start and stop alone, then one per chain at once: what the simulation pays before and after it replays anything. */
async function forkProbe(chains: Chain[]): Promise<{ alone: ForkTimes[]; together: ForkTimes[][] }> {
  const once = async (chain: Chain): Promise<ForkTimes> => {
    const started = performance.now()
    const fork = await startFork({ forkUrl: chain.anvil.rpcUrl })
    await (await connect(fork.rpcUrl)).public.getBlockNumber()
    const start = performance.now() - started
    const stopping = performance.now()
    await fork.stop()
    return { start, stop: performance.now() - stopping }
  }
  const alone: ForkTimes[] = []
  const together: ForkTimes[][] = []
  for (let round = 0; round < 3; round++) alone.push(await once(chains[0]!))
  for (let round = 0; round < 3; round++) together.push(await Promise.all(chains.map(once)))
  return { alone, together }
}

function printReport(chains: Chain[], results: Round[], forks: { alone: ForkTimes[]; together: ForkTimes[][] }): void {
  const names = chains.map((chain) => chain.name)
  const cores = cpus().length
  const how = pauser === 'guardian' ? 'through its EmergencyGuardian (1 transaction per chain)' : `directly by the guardian key (${contractCount} transactions per chain)`
  const width = Math.max(9, ...names.map((name) => name.length))
  const cell = (text: string, size = width) => text.padStart(size)
  const perRound = results.map((result) => {
    const alone = names.map((name) => result.alone.get(name)!)
    const slowest = Math.max(...alone)
    const sum = sumOf(alone)
    return { multi: result.multi, alone, slowest, sum, overSlowest: result.multi / slowest, overMulti: sum / result.multi }
  })
  const row = (label: string, each: (typeof perRound)[number]) =>
    `${label.padEnd(7)}${cell(seconds(each.multi), 11)} |${each.alone.map((ms) => cell(seconds(ms))).join('')} |${cell(seconds(each.slowest))}${cell(seconds(each.sum))} |${cell(`${each.overSlowest.toFixed(2)}×`, 14)}${cell(`${each.overMulti.toFixed(2)}×`, 10)}`
  // Every column of the median row is the median of that column, the ratios included: not the ratios of other medians.
  const medianOf = (pick: (each: (typeof perRound)[number]) => number) => median(perRound.map(pick))
  const medians = {
    multi: medianOf((each) => each.multi),
    alone: names.map((_, index) => medianOf((each) => each.alone[index]!)),
    slowest: medianOf((each) => each.slowest),
    sum: medianOf((each) => each.sum),
    overSlowest: medianOf((each) => each.overSlowest),
    overMulti: medianOf((each) => each.overMulti),
  }
  const lines = [
    `contain pause-all on ${chains.length} chains (chain ids ${chains[0]!.chainId}–${chains.at(-1)!.chainId}), ${contractCount} GuardedTargets each, paused ${how}; ${blockTime === undefined ? 'anvil mines each transaction at once' : `anvil mines a block every ${blockTime} s`}`,
    `one containAcrossChains call (all at once) against runContainment on each chain alone, one after the other, from the same state; ${rounds} rounds after one untimed warm-up; every contract read paused() after every run`,
    `machine: ${machine}`,
    '',
    `${'round'.padEnd(7)}${cell('all at once', 11)} |${names.map((name) => cell(name)).join('')} |${cell('slowest')}${cell('sum')} |${cell('multi/slowest', 14)}${cell('sum/multi', 10)}`,
    ...perRound.map((each, index) => row(String(index + 1), each)),
    row('median', medians),
    `goal multi/slowest ≤ 1.30×: ${medians.overSlowest <= 1.3 ? 'met' : 'MISSED'} (${medians.overSlowest.toFixed(2)}×)`,
    '',
    `where each chain's run spends its time, ms, median of ${rounds} rounds:   inspect+plan  simulate on fork  prepare keys  send+verify   run`,
  ]
  const stageRow = (label: string, stages: Stages[], total: number[]) => {
    const part = (pick: (each: Stages) => number, size: number) => cell(median(stages.map(pick)).toFixed(0), size)
    return `  ${label.padEnd(width + 36)}${part((each) => each.planned!, 14)}${part((each) => each.simulated! - each.planned!, 18)}${part((each) => each.prepared! - each.simulated!, 14)}${part((each) => each.executed! - each.prepared!, 13)}${cell(median(total).toFixed(0), 6)}`
  }
  for (const name of names) {
    lines.push(stageRow(`${name} alone`, results.map((result) => result.aloneStages.get(name)!), results.map((result) => result.alone.get(name)!)))
    lines.push(stageRow(`${name} in the all-at-once run`, results.map((result) => result.multiStages.get(name)!), results.map((result) => result.multiStages.get(name)!.executed!)))
  }
  const cpuRow = (label: string, windows: Usage[]) => {
    const part = (pick: (each: Usage) => number, size: number) => cell(median(windows.map(pick)).toFixed(0), size)
    const others = (each: Usage) => Math.max(0, each.machineBusyMs - each.nodeMs - each.anvilsMs - each.forksMs)
    const busy = median(windows.map((each) => each.machineBusyMs / (each.wallMs * cores))) * 100
    return `  ${label.padEnd(34)}${part((each) => each.wallMs, 6)}${part((each) => each.nodeMs, 17)}${part((each) => each.anvilsMs, 16)}${part((each) => each.forksMs, 7)}${part(others, 17)}${cell(`${busy.toFixed(0)} %`, 14)}`
  }
  const threadRow = (label: string, windows: Usage[]) => {
    const part = (pick: (each: Usage) => number, size: number) => cell(median(windows.map(pick)).toFixed(0), size)
    const share = median(windows.map((each) => each.loopBusyMs / each.wallMs)) * 100
    return `  ${label.padEnd(34)}${part((each) => each.wallMs, 6)}${part((each) => each.loopBusyMs, 17)} = ${`${share.toFixed(0)} %`.padStart(4)}${part((each) => each.journalMs, 13)} (${median(windows.map((each) => each.journalAppends))} appends)`
  }
  const ours = (each: Usage) => each.nodeMs + each.anvilsMs + each.forksMs
  const floor = median(results.map((result) => ours(result.multiCpu) / cores))
  const startTimes = forks.together.flat().map((each) => each.start)
  lines.push(
    '',
    `CPU while the runs ran, ms, median:         wall  firebreak (node)  chains' anvils  forks  other processes  machine busy`,
    cpuRow('all at once', results.map((result) => result.multiCpu)),
    cpuRow(`${chains.length} chains alone, in a row (sum)`, results.map((result) => result.aloneCpu)),
    '',
    `node's one thread, ms, median:              wall  busy (event loop active)  in journal appends`,
    threadRow('all at once', results.map((result) => result.multiCpu)),
    threadRow(`${chains.length} chains alone, in a row (sum)`, results.map((result) => result.aloneCpu)),
    `CPU floor of the all-at-once run: its own CPU (node + anvils + forks) / ${cores} cores = ${floor.toFixed(0)} ms = ${(floor / medians.slowest).toFixed(2)}× the slowest chain alone`,
    `fork start (startFork to first answer) + stop, nothing replayed: 1 alone ${median(forks.alone.map((each) => each.start)).toFixed(0)} + ${median(forks.alone.map((each) => each.stop)).toFixed(0)} ms; ${chains.length} at once ${median(startTimes).toFixed(0)} (max ${Math.max(...startTimes).toFixed(0)}) + ${median(forks.together.flat().map((each) => each.stop)).toFixed(0)} ms (3 tries each)`,
    '',
    `command: ${commandLine()}`,
  )
  console.log(lines.join('\n'))
}

function commandLine(): string {
  const set = ['CHAINS', 'CONTRACTS', 'ROUNDS', 'PAUSER', 'BLOCK_TIME', 'PROFILE'].filter((name) => process.env[name] !== undefined).map((name) => `${name}=${process.env[name]}`)
  return [...set, 'npm run bench:chains'].join(' ')
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`
}

function sumOf(values: number[]): number {
  return values.reduce((total, each) => total + each, 0)
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2
}
