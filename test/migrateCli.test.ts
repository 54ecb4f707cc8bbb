import type { ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type Address, bytesToHex, erc20Abi } from 'viem'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { devAccount } from '../src/chain/devAccounts.js'
import { migrationArtifacts } from '../src/eradicate/migrate/index.js'
import { readBalances, resolveMulticall3, takeSnapshot } from '../src/snapshot/index.js'
import { useLocalChain } from './fixtures/localChain.js'
import { writeTestManifest } from './fixtures/manifest.js'
import { type LegacyVaultFixture, deployLegacyVault, legacyArtifacts } from './fixtures/migration.js'
import { seededHolder } from './fixtures/seedHolders.js'
import { finished, spawnCli } from './fixtures/runCli.js'

const holders = 3000
const base = 10n ** 18n
const local = useLocalChain({ compile: false, snapshotEachTest: false })
const migrator = devAccount(1)
const migratorKey = bytesToHex(migrator.getHdKey().privateKey!)
const treasury = devAccount(7).address

let dir: string
let manifest: string
let legacy: LegacyVaultFixture
let snapshotFile: string

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'firebreak-migrate-cli-'))
  const [old] = await Promise.all([legacyArtifacts(), migrationArtifacts()])
  legacy = await deployLegacyVault(local.chain, old, { owner: migrator.address, holders, base })
  const block = await local.chain.public.getBlockNumber({ cacheTime: 0 })
  snapshotFile = (await takeSnapshot(local.chain, { contract: legacy.vault.address, blockNumber: block, outFile: join(dir, 'snapshot.ndjson') })).file
  manifest = writeTestManifest(dir, {
    rpcUrl: local.anvil.rpcUrl,
    contracts: [{ name: 'LegacyVault', address: legacy.vault.address, abi: old.get('LegacyVault').abi }],
    authorities: [
      { name: 'migrator', type: 'eoa', address: migrator.address, keyEnv: 'MIGRATOR_KEY' },
      { name: 'keyless', type: 'eoa', address: devAccount(2).address, keyEnv: 'KEYLESS_KEY' },
    ],
  })
})

afterAll(() => {
  rmSync(dir, { recursive: true, force: true })
})

function migrate(incident: string, ...args: string[]): ChildProcess {
  // Without KEYLESS_KEY, whatever the developer's shell holds: the keyless authority must have no key.
  const { KEYLESS_KEY: _unset, ...env } = process.env
  return spawnCli(
    ['migrate', 'LegacyVault', '--manifest', manifest, '--incidents', join(dir, 'incidents'), '--incident', incident, '--asset', legacy.asset.address, '--asset-to', treasury, ...args],
    { MIGRATOR_KEY: migratorKey },
    env,
  )
}


type Line = { type: string; data: { stepId?: string; reason?: string; [key: string]: unknown } }

function journal(incident: string): Line[] {
  const file = join(dir, 'incidents', incident, 'journal.jsonl')
  if (!existsSync(file)) return []
  const text = readFileSync(file, 'utf8')
  // Read while firebreak writes: only lines ended by a newline are whole (the plan's entry is large).
  return text.slice(0, text.lastIndexOf('\n') + 1).split('\n').filter(Boolean).map((line) => JSON.parse(line) as Line)
}

async function nonce(): Promise<number> {
  return local.chain.public.getTransactionCount({ address: migrator.address })
}

/** The snapshot balances of accounts `from` to `to` (exclusive), as the file lists them. */
async function batchTotal(from: number, to: number): Promise<bigint> {
  const lines = readFileSync(snapshotFile, 'utf8').trim().split('\n').slice(1 + from, 1 + to)
  return lines.reduce((sum, line) => sum + BigInt((JSON.parse(line) as { balance: string }).balance), 0n)
}

const rescue = ['--rescue', 'rescue(address token, address to, uint256 amount)', '--authority', 'migrator']

describe('firebreak migrate refuses bad input in one line and journals it', () => {
  it('a snapshot file modified after it was taken', async () => {
    const edited = join(dir, 'edited.ndjson')
    writeFileSync(edited, readFileSync(snapshotFile, 'utf8').replace(/"balance":"(\d+)"/, (_, balance: string) => `"balance":"${BigInt(balance) + 1n}"`))
    const before = await nonce()

    const run = await finished(migrate('bad-snapshot', '--snapshot', edited, ...rescue))

    expect(run.code).toBe(1)
    expect(run.stderr).toMatch(/^firebreak: \S+edited\.ndjson was modified: its content hash is 0x[0-9a-f]{64}, its footer says 0x[0-9a-f]{64}\n$/)
    expect(journal('bad-snapshot').filter((line) => line.type === 'migrate.failed').map((line) => line.data.reason)).toEqual([run.stderr.slice('firebreak: '.length).trim()])
    expect(await nonce()).toBe(before)
  })

  it('an authority whose key is not in the environment', async () => {
    const before = await nonce()

    const run = await finished(migrate('no-key', '--snapshot', snapshotFile, '--rescue', 'rescue(address token, address to, uint256 amount)', '--authority', 'keyless', '--asset-authority', 'migrator'))

    expect(run.code).toBe(1)
    expect(run.stderr).toBe(`firebreak: no key for keyless (${devAccount(2).address}): KEYLESS_KEY is not set\n  (run with --verbose for details)\n`)
    expect(journal('no-key').filter((line) => line.type === 'migrate.failed')).toHaveLength(1)
    expect(journal('no-key').some((line) => line.type === 'step.sent')).toBe(false)
    expect(await nonce()).toBe(before)
  })

  it('a lever that would leave the users\' assets in the old contract', async () => {
    const before = await nonce()

    const run = await finished(migrate('skim', '--snapshot', snapshotFile, '--rescue', 'skim(address token, address to)', '--authority', 'migrator'))

    expect(run.code).toBe(1)
    expect(run.stderr).toMatch(/^firebreak: plan "migrate LegacyVault to a new lvUSD: 3000 balances in 15 batches" was not executed: step "move all \d+ SEED out of LegacyVault to 0x[0-9a-fA-F]{40} through skim" runs on a fork but its check fails: LegacyVault holds no SEED \(expected 0, got \d+\)\n$/)
    expect(journal('skim').filter((line) => line.type === 'migrate.failed')).toHaveLength(1)
    expect(await nonce()).toBe(before)
  })
})

describe('firebreak migrate --dry-run', () => {
  it('shows every step with its signer, simulates the whole migration on a fork and sends nothing', async () => {
    const before = await nonce()

    const run = await finished(migrate('dry', '--snapshot', snapshotFile, ...rescue, '--dry-run'))

    expect(run.code, run.stderr).toBe(0)
    expect(run.stdout).toMatch(/^plan eradicate-migrate-mint-[0-9a-f]{12}: migrate LegacyVault to a new lvUSD: 3000 balances in 15 batches$/m)
    expect(run.stdout).toContain(`  2. carry over balances 1–200 of 3000 (${(await batchTotal(0, 200)).toString()} lvUSD)  [key migrator]`)
    expect(run.stdout).toMatch(/^ {2}18\. end minting on lvUSD for good, at the snapshot total \d+ {2}\[key migrator\]$/m)
    expect(run.stdout).toMatch(/^simulated on a fork at block \d+: every step and check passes, \d+ gas$/m)
    expect(run.stdout).toContain('dry run: nothing was sent')
    expect(await nonce()).toBe(before)
    expect(journal('dry').map((line) => line.type).filter((type) => type.startsWith('migrate.'))).toEqual(['migrate.started', 'migrate.planned', 'migrate.finished'])
  })
})

describe('firebreak migrate, killed mid-migration', () => {
  it('finishes on a second run with every balance exact, nobody minted twice and every asset moved', async () => {
    const nonceBefore = await nonce()
    // One block a second: the kill lands with batches done and one on its way, as on a real chain.
    await local.chain.test.setIntervalMining({ interval: 1 })
    const first = migrate('kill', ...rescue)
    const firstExit = finished(first)
    const mintsDone = () => journal('kill').filter((line) => line.type === 'step.done' && line.data.stepId?.startsWith('mint-')).length
    const inFlight = () => {
      const lines = journal('kill')
      return lines.find((line) => line.type === 'step.sent' && !lines.some((other) => other.type === 'step.done' && other.data.stepId === line.data.stepId))?.data.stepId
    }
    while (!(mintsDone() >= 2 && inFlight())) {
      if (first.exitCode !== null) throw new Error(`migrate exited before the kill: ${(await firstExit).stderr}`)
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
    first.kill('SIGKILL')
    await firstExit
    const killedWhileSending = inFlight()
    const sentBeforeKill = journal('kill').filter((line) => line.type === 'step.sent').map((line) => line.data.stepId)
    expect(journal('kill').some((line) => line.type === 'migrate.finished')).toBe(false)

    // Mining stops with the kill, so the interrupted batch is still on its way (or was never
    // broadcast) when the second run starts: its simulation must account for it, and its execution finish it.
    await local.chain.test.setIntervalMining({ interval: 0 })
    await local.chain.test.setAutomine(false)
    const interrupted = journal('kill').findLast((line) => line.type === 'step.sent' && line.data.stepId === killedWhileSending)?.data.txHash as `0x${string}`
    const linesBefore = journal('kill').length
    const secondRun = migrate('kill', ...rescue)
    const secondExit = finished(secondRun)
    while (!journal('kill').slice(linesBefore).some((line) => line.type === 'migrate.planned')) {
      if (secondRun.exitCode !== null) break
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
    expect(await local.chain.public.getTransactionReceipt({ hash: interrupted }).catch(() => 'not mined')).toBe('not mined')
    await local.chain.test.setAutomine(true)
    const second = await secondExit

    expect(second.code, second.stderr).toBe(0)
    expect(second.stdout).toContain('3000 accounts hold exactly their snapshot balance')
    const lines = journal('kill')
    const token = lines.find((line) => line.type === 'migrate.planned')?.data.token as { address: Address }
    // Both runs migrated the same snapshot (the second found it in the journal) into the same contract.
    expect(new Set(lines.filter((line) => line.type === 'migrate.planned').map((line) => (line.data.token as { address: Address }).address))).toEqual(new Set([token.address]))
    const sent = lines.filter((line) => line.type === 'step.sent').map((line) => line.data.stepId)
    // The interrupted batch was resumed from its journaled transaction: the same transaction was mined, none was signed anew.
    expect(lines.findLast((line) => line.type === 'step.done' && line.data.stepId === killedWhileSending)?.data.txHash).toBe(interrupted)
    expect(sent.slice(0, sentBeforeKill.length)).toEqual(sentBeforeKill)
    expect(new Set(sent).size).toBe(sent.length)
    expect(sent).toHaveLength(18) // deploy, 15 batches, the asset move, finish
    expect(await nonce()).toBe(nonceBefore + 18)

    const supply = await local.chain.public.readContract({ address: token.address, abi: erc20Abi, functionName: 'totalSupply' })
    expect(supply).toBe(legacy.totalShares)
    const block = await local.chain.public.getBlockNumber({ cacheTime: 0 })
    const multicall3 = await resolveMulticall3(local.chain, block)
    const accounts = Array.from({ length: holders }, (_, index) => seededHolder(index))
    // One after the other: both at once make a JSON-RPC batch larger than anvil accepts.
    const old = await readBalances(local.chain, { token: legacy.vault.address, accounts, blockNumber: block, via: 'multicall3', multicall3 })
    const migrated = await readBalances(local.chain, { token: token.address, accounts, blockNumber: block, via: 'multicall3', multicall3 })
    expect(migrated).toEqual(old)
    expect(await local.chain.public.readContract({ address: legacy.asset.address, abi: erc20Abi, functionName: 'balanceOf', args: [legacy.vault.address] })).toBe(0n)
    expect(await local.chain.public.readContract({ address: legacy.asset.address, abi: erc20Abi, functionName: 'balanceOf', args: [treasury] })).toBe(legacy.totalShares)
    expect(lines.filter((line) => line.type === 'migration.verified')).toHaveLength(1)
    expect(readFileSync(join(dir, 'incidents', 'kill', 'journal.jsonl'), 'utf8')).not.toContain(migratorKey.slice(2))
  })
})
