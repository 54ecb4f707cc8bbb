import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { bytesToHex, erc20Abi } from 'viem'
import { mnemonicToAccount } from 'viem/accounts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ANVIL_MNEMONIC } from '../src/chain/index.js'
import { packageRoot } from '../src/packageRoot.js'
import { useDrillProtocol } from './fixtures/localChain.js'
import { writeTestManifest } from './fixtures/manifest.js'
import { runCli } from './fixtures/runCli.js'

const unit = 10n ** 18n
const drill = useDrillProtocol({ snapshotEachTest: false })
const { actors } = drill
const [alice, bob, carol] = actors.users.map((user) => user.account.address)
const treasuryKey = bytesToHex(mnemonicToAccount(ANVIL_MNEMONIC, { addressIndex: 2 }).getHdKey().privateKey!)
let dir: string
let manifest: string

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'firebreak-reimburse-cli-'))
  manifest = writeTestManifest(dir, {
    rpcUrl: drill.anvil.rpcUrl,
    contracts: [drill.protocol.token, drill.protocol.vault],
    authorities: [{ name: 'treasury', type: 'eoa', address: actors.treasury.address, keyEnv: 'TREASURY_KEY' }],
  })
})

afterAll(() => {
  rmSync(dir, { recursive: true, force: true })
})

function lossesCsv(name: string, lines: string[]): string {
  const file = join(dir, name)
  writeFileSync(file, `${['account,loss', ...lines].join('\n')}\n`)
  return file
}

function reimburse(file: string, incident: string, ...args: string[]) {
  return firebreak(['reimburse', file, '--treasury', 'treasury', '--token', 'dUSD', '--manifest', manifest, '--incidents', join(dir, 'incidents'), '--incident', incident, ...args], { TREASURY_KEY: treasuryKey })
}

/** What bad input must never have done: mined anything, or planned, or published anything. */
async function expectNothingDone(incident: string, blockBefore: bigint) {
  expect(await drill.chain.public.getBlockNumber({ cacheTime: 0 })).toBe(blockBefore)
  const journal = readFileSync(join(dir, 'incidents', incident, 'journal.jsonl'), 'utf8')
  expect(journal).not.toContain('"type":"plan.built"')
  expect(journal).not.toContain('"type":"distribution.built"')
  expect(journal).toContain('"type":"reimburse.failed"')
  expect(readdirSync(join(dir, 'incidents', incident)).filter((name) => name.startsWith('distribution'))).toEqual([])
}

describe('firebreak reimburse refuses bad input in one line, before anything is deployed', () => {
  const cases: { name: string; lines: () => string[]; error: (file: string) => string }[] = [
    {
      name: 'an account listed twice',
      lines: () => [`${alice},5`, `${bob},7`, `${alice},9`],
      error: (file) => `${file}:4: ${alice} appears twice (first at line 2): merge its losses into one row`,
    },
    {
      name: 'a malformed address',
      lines: () => [`${alice},5`, '0xnot-an-address,7'],
      error: (file) => `${file}:3: "0xnot-an-address" is not an address: expected 0x followed by 40 hex digits`,
    },
    {
      name: 'an address without its checksum',
      lines: () => [`${bob!.toLowerCase()},7`],
      error: (file) => `${file}:2: ${bob!.toLowerCase()} is not checksummed (EIP-55): write it as ${bob} after checking it is the right account`,
    },
    {
      name: 'a negative amount',
      lines: () => [`${alice},5`, `${carol},-15000`],
      error: (file) => `${file}:3: loss -15000 is negative: a loss is 0 or more`,
    },
    {
      name: 'an amount that is not an integer',
      lines: () => [`${alice},50000.5`],
      error: (file) => `${file}:2: loss 50000.5 is not an integer: amounts are whole numbers in the token's base units (wei), without decimals or exponents`,
    },
    {
      name: 'a policy paying more than the treasury holds',
      lines: () => [`${alice},${900_000n * unit}`, `${bob},${200_000n * unit}`],
      error: (file) =>
        `policy "full" for ${file} pays 1,100,000 dUSD (${1_100_000n * unit}) to 2 accounts, but treasury ${actors.treasury.address} has only 1,000,000 dUSD (${1_000_000n * unit}): fund it with 100,000 dUSD (${100_000n * unit}) more, or reimburse pro-rata to at most ${1_000_000n * unit}`,
    },
  ]

  for (const [index, { name, lines, error }] of cases.entries()) {
    it(`refuses ${name}`, async () => {
      const file = lossesCsv(`bad-${index}.csv`, lines())
      const blockBefore = await drill.chain.public.getBlockNumber({ cacheTime: 0 })

      const run = await reimburse(file, `bad-${index}`)

      expect(run.code).toBe(1)
      expect(run.stderr).toBe(`firebreak: ${error(file)}\n`)
      await expectNothingDone(`bad-${index}`, blockBefore)
    })
  }
})

describe('firebreak reimburse', () => {
  it('deploys and funds a pro-rata claim with the key from the environment, and prints the claim contract', async () => {
    const file = lossesCsv('drained.csv', [`${alice},${50_000n * unit}`, `${bob},${30_000n * unit}`, `${carol},${15_000n * unit}`])
    const recovered = 60_000n * unit

    const run = await reimburse(file, 'paid', '--pro-rata', recovered.toString(), '--json')

    expect(run.code, run.stderr).toBe(0)
    const outcome = JSON.parse(run.stdout)
    expect(outcome.status).toBe('reimbursed')
    expect(BigInt(outcome.distribution.total)).toBeLessThanOrEqual(recovered)
    expect(await drill.chain.public.readContract({ ...drill.protocol.token, abi: erc20Abi, functionName: 'balanceOf', args: [outcome.claimAddress] })).toBe(BigInt(outcome.distribution.total))
    expect(existsSync(outcome.file)).toBe(true)
    expect(readFileSync(join(dir, 'incidents', 'paid', 'journal.jsonl'), 'utf8')).not.toContain(treasuryKey.slice(2))
  })

  it('refuses an amount flag that is not base units, in one line', async () => {
    const run = await reimburse(join(dir, 'drained.csv'), 'flags', '--pro-rata', '60000.5')

    expect(run.code).toBe(2)
    expect(run.stderr).toBe('firebreak: --pro-rata: expected a whole number in the token\'s base units (wei), got "60000.5"\n')
  })
})

function firebreak(args: string[], env: NodeJS.ProcessEnv = {}) {
  return runCli(args, env)
}
