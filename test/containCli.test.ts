import type { ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type Address, bytesToHex } from 'viem'
import { mnemonicToAccount } from 'viem/accounts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ANVIL_MNEMONIC } from '../src/chain/index.js'
import { deployContract } from '../src/chain/deploy.js'
import { packageRoot } from '../src/packageRoot.js'
import { compileContracts } from '../src/solidity/compile.js'
import { useDrillProtocol } from './fixtures/localChain.js'
import { writeTestManifest } from './fixtures/manifest.js'
import { finished, spawnCli } from './fixtures/runCli.js'

const drill = useDrillProtocol({ snapshotEachTest: false })
const { actors } = drill
const guardianKey = bytesToHex(mnemonicToAccount(ANVIL_MNEMONIC, { addressIndex: 1 }).getHdKey().privateKey!)

let dir: string
let manifest: string
let target: Address

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'firebreak-contain-cli-'))
  const { artifacts } = await compileContracts({ sourcesDir: join(packageRoot, 'test', 'contracts', 'contain') })
  const targetArtifact = artifacts.get('GuardedTarget')
  target = await deployContract(drill.chain, actors.admin, targetArtifact, [actors.admin.address, actors.guardian.address])
  manifest = writeTestManifest(dir, {
    rpcUrl: drill.anvil.rpcUrl,
    contracts: [drill.protocol.vault, { name: 'market', address: target, abi: targetArtifact.abi }],
    authorities: [{ name: 'guardian', type: 'eoa', address: actors.guardian.address, keyEnv: 'GUARDIAN_KEY' }],
  })
})

afterAll(() => {
  rmSync(dir, { recursive: true, force: true })
})

function contain(...args: string[]): ChildProcess {
  return spawnCli(['contain', 'pause-all', '--manifest', manifest, '--incidents', join(dir, 'incidents'), '--incident', 'kill-test', ...args], { GUARDIAN_KEY: guardianKey })
}


function journalLines(): { type: string; data: { stepId?: string } }[] {
  const file = join(dir, 'incidents', 'kill-test', 'journal.jsonl')
  if (!existsSync(file)) return []
  return readFileSync(file, 'utf8').trim().split('\n').filter(Boolean).map((line) => JSON.parse(line))
}

async function paused(address: Address): Promise<boolean> {
  return (await drill.chain.public.readContract({ address, abi: drill.protocol.vault.abi, functionName: 'paused' })) as boolean
}

describe('firebreak contain, killed mid-plan', () => {
  it('resumes from the journal after a kill and sends no transaction twice', async () => {
    const nonceBefore = await drill.chain.public.getTransactionCount({ address: actors.guardian.address })
    // One block a second: the kill lands while the first pause is on its way, as it would on a real chain.
    await drill.chain.test.setIntervalMining({ interval: 1 })
    const first = contain()
    const firstExit = finished(first)
    while (!journalLines().some((line) => line.type === 'step.sent')) {
      if (first.exitCode !== null) throw new Error(`contain exited before sending: ${(await firstExit).stderr}`)
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
    first.kill('SIGKILL')
    await firstExit
    const sentBeforeKill = journalLines().filter((line) => line.type === 'step.sent').map((line) => line.data.stepId)

    const second = await finished(contain())

    expect(second.code, second.stderr).toBe(0)
    expect(second.stdout).toContain('contained:')
    expect(await paused(drill.protocol.vault.address)).toBe(true)
    expect(await paused(target)).toBe(true)
    const sent = journalLines().filter((line) => line.type === 'step.sent').map((line) => line.data.stepId)
    expect(sent.slice(0, sentBeforeKill.length)).toEqual(sentBeforeKill)
    expect(new Set(sent).size).toBe(sent.length)
    expect(await drill.chain.public.getTransactionCount({ address: actors.guardian.address })).toBe(nonceBefore + 2)
    await drill.chain.test.setAutomine(true)
  })
})
