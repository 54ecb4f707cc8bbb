import type { ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type Address, bytesToHex, erc20Abi, getAddress, keccak256, parseAbiItem, stringToHex } from 'viem'
import { mnemonicToAccount } from 'viem/accounts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ANVIL_MNEMONIC } from '../src/chain/index.js'
import { useDrillProtocol } from './fixtures/localChain.js'
import { writeTestManifest } from './fixtures/manifest.js'
import { finished, spawnCli } from './fixtures/runCli.js'

const unit = 10n ** 18n
const drill = useDrillProtocol({ snapshotEachTest: false })
const { actors } = drill
const treasuryKey = bytesToHex(mnemonicToAccount(ANVIL_MNEMONIC, { addressIndex: 2 }).getHdKey().privateKey!)
const transferEvent = parseAbiItem('event Transfer(address indexed from, address indexed to, uint256 value)')
let dir: string
let manifest: string

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'firebreak-reimburse-kill-'))
  manifest = writeTestManifest(dir, {
    rpcUrl: drill.anvil.rpcUrl,
    contracts: [drill.protocol.token, drill.protocol.vault],
    authorities: [{ name: 'treasury', type: 'eoa', address: actors.treasury.address, keyEnv: 'TREASURY_KEY' }],
  })
})

afterAll(async () => {
  await drill.chain.test.setAutomine(true)
  rmSync(dir, { recursive: true, force: true })
})

/** Twenty accounts that hold nothing yet, so that each one's balance is exactly what it was paid. */
function victims(name: string): { account: Address; loss: bigint }[] {
  return Array.from({ length: 20 }, (_, index) => ({ account: getAddress(keccak256(stringToHex(`${name}-${index}`)).slice(0, 42)), loss: BigInt(index + 1) * 1_000n * unit }))
}

function writeLosses(name: string, rows: { account: Address; loss: bigint }[]): string {
  const file = join(dir, `${name}.csv`)
  writeFileSync(file, `${['account,loss', ...rows.map(({ account, loss }) => `${account},${loss}`)].join('\n')}\n`)
  return file
}

function reimburse(file: string, incident: string, ...args: string[]): ChildProcess {
  return spawnCli(
    ['reimburse', file, '--mode', 'transfers', '--treasury', 'treasury', '--token', 'dUSD', '--manifest', manifest, '--incidents', join(dir, 'incidents'), '--incident', incident, ...args],
    { TREASURY_KEY: treasuryKey },
  )
}

function journalTypes(incident: string): string[] {
  const file = join(dir, 'incidents', incident, 'journal.jsonl')
  if (!existsSync(file)) return []
  // The kill may cut the last line in half: only whole lines count.
  return readFileSync(file, 'utf8')
    .split('\n')
    .flatMap((line) => {
      try {
        return [(JSON.parse(line) as { type: string }).type]
      } catch {
        return []
      }
    })
}

/** Runs the CLI until the journal holds `count` entries of `type`, then kills it with SIGKILL: no handler, no cleanup. */
async function killAfter(child: ChildProcess, incident: string, type: string, count: number): Promise<void> {
  const exit = finished(child)
  while (journalTypes(incident).filter((entry) => entry === type).length < count) {
    if (child.exitCode !== null) throw new Error(`reimburse exited before it was killed: ${(await exit).stderr}`)
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
  child.kill('SIGKILL')
  await exit
}

/** Every transaction still pending from the treasury, mined: what the rerun did not send must not arrive later either. */
async function settled(): Promise<void> {
  for (;;) {
    const [latest, pending] = await Promise.all([
      drill.chain.public.getTransactionCount({ address: actors.treasury.address, blockTag: 'latest' }),
      drill.chain.public.getTransactionCount({ address: actors.treasury.address, blockTag: 'pending' }),
    ])
    if (latest === pending) return
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
}

async function transfersTo(accounts: readonly Address[], fromBlock: bigint): Promise<Map<Address, bigint[]>> {
  const logs = await drill.chain.public.getLogs({ address: drill.protocol.token.address, event: transferEvent, args: { from: actors.treasury.address }, fromBlock, toBlock: 'latest' })
  const paid = new Map<Address, bigint[]>(accounts.map((account) => [account, []]))
  for (const log of logs) paid.get(getAddress(log.args.to!))?.push(log.args.value!)
  return paid
}

describe('firebreak reimburse --mode transfers, killed with SIGKILL mid-payments and run again under a new incident', () => {
  for (const { name, type, count } of [
    { name: 'after five payments were journaled as sent', type: 'step.sent', count: 5 },
    { name: 'after the first payment was mined', type: 'step.done', count: 1 },
  ]) {
    it(`pays every account exactly once when killed ${name}`, async () => {
      const rows = victims(name)
      const file = writeLosses(name.replaceAll(' ', '-'), rows)
      const fromBlock = (await drill.chain.public.getBlockNumber({ cacheTime: 0 })) + 1n
      const nonceBefore = await drill.chain.public.getTransactionCount({ address: actors.treasury.address })
      // One block a second: the kill lands while payments are on their way, as it would on a real chain.
      await drill.chain.test.setIntervalMining({ interval: 1 })
      try {
        const killedIncident = `killed-${count}-${type}`
        await killAfter(reimburse(file, killedIncident), killedIncident, type, count)

        const rerun = await finished(reimburse(file, `rerun-${count}-${type}`))
        await settled()

        expect(rerun.code, rerun.stderr).toBe(0)
        const paid = await transfersTo(
          rows.map((row) => row.account),
          fromBlock,
        )
        expect([...paid.values()].map((values) => values.length)).toEqual(rows.map(() => 1))
        expect([...paid.values()].map((values) => values[0])).toEqual(rows.map((row) => row.loss))
        const balances = await Promise.all(rows.map((row) => drill.chain.public.readContract({ address: drill.protocol.token.address, abi: erc20Abi, functionName: 'balanceOf', args: [row.account] })))
        expect(balances).toEqual(rows.map((row) => row.loss))
        expect(await drill.chain.public.getTransactionCount({ address: actors.treasury.address })).toBe(nonceBefore + 20)
        // What the rerun left out, it named.
        const left = 20 - journalTypes(`rerun-${count}-${type}`).filter((entry) => entry === 'step.sent').length
        if (left > 0) expect(rerun.stdout).toMatch(/already paid for these losses/)
      } finally {
        await drill.chain.test.setAutomine(true)
      }
    })
  }
})
