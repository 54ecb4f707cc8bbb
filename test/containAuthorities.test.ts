import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type Address, bytesToHex, parseAbi } from 'viem'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { devAccount } from '../src/chain/devAccounts.js'
import { EXIT } from '../src/cli/output.js'
import type { SafeTransactionFile } from '../src/engine/executors/safe/safeTransactionFile.js'
import { signSafeTransactionFile } from '../src/engine/executors/safe/signSafeTransactionFile.js'
import { TWO_DAYS, compileAuthorityFixtures, deployChecksummed, deployGovernedTarget } from './fixtures/authorities.js'
import { useDrillProtocol } from './fixtures/localChain.js'
import { writeTestManifest } from './fixtures/manifest.js'
import { runCli } from './fixtures/runCli.js'
import { deploySafe, installMultiSendCallOnly } from './fixtures/safe.js'

/**
 * A war room with every kind of authority at once, through the CLI: the guardian's key pauses the
 * vault; the council Safe pauses the market itself and proposes the lending pool's pause to a
 * two-day timelock; the treasury Safe pauses the reserve. The key's pause must not wait for any
 * Safe, each Safe signs one transaction, and the first run names every file to sign.
 */
const drill = useDrillProtocol({ snapshotEachTest: false })
const { actors } = drill
const councilOwners = [devAccount(10), devAccount(11), devAccount(12)]
const treasuryOwners = [devAccount(13), devAccount(14)]
const relayer = devAccount(8)
const keyOf = (account: ReturnType<typeof devAccount>) => bytesToHex(account.getHdKey().privateKey!)
const env = { GUARDIAN_KEY: keyOf(actors.guardian), RELAYER_KEY: keyOf(relayer) }
const pausableAbi = parseAbi(['function paused() view returns (bool)', 'function nonce() view returns (uint256)'])

let dir: string
let manifest: string
let council: Address
let treasury: Address
let market: Address
let lending: Address
let reserve: Address

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'firebreak-contain-authorities-'))
  const artifacts = await compileAuthorityFixtures()
  const governed = await deployGovernedTarget(drill.chain, artifacts)
  council = governed.safe
  lending = governed.target
  treasury = await deploySafe(drill.chain, { deployer: actors.admin, owners: treasuryOwners.map((owner) => owner.address), threshold: 1, infrastructure: governed.infrastructure, saltNonce: 1n })
  market = await deployChecksummed(drill.chain, actors.admin, artifacts.get('PausableTarget'), [council])
  reserve = await deployChecksummed(drill.chain, actors.admin, artifacts.get('PausableTarget'), [treasury])
  await installMultiSendCallOnly(drill.chain)
  manifest = writeTestManifest(dir, {
    rpcUrl: drill.anvil.rpcUrl,
    contracts: [drill.protocol.vault, { name: 'market', address: market }, { name: 'lending', address: lending }, { name: 'reserve', address: reserve }],
    authorities: [
      { name: 'guardian', type: 'eoa', address: actors.guardian.address, keyEnv: 'GUARDIAN_KEY' },
      { name: 'relayer', type: 'eoa', address: relayer.address, keyEnv: 'RELAYER_KEY' },
      { name: 'council', type: 'safe', address: council, submitter: 'relayer' },
      { name: 'treasury', type: 'safe', address: treasury, submitter: 'relayer' },
      { name: 'governance', type: 'timelock', address: governed.timelock },
    ],
  })
})

afterAll(() => {
  rmSync(dir, { recursive: true, force: true })
})

const incidentDir = () => join(dir, '.firebreak', 'incidents', 'war-room')
const safeTxFile = (name: string) => join(incidentDir(), 'safe-tx', `contain-pause-all-safe-${name}.json`)
const contain = (...args: string[]) => runCli(['contain', 'pause-all', '--manifest', manifest, '--incidents', join(dir, '.firebreak', 'incidents'), '--incident', 'war-room', ...args], env)

function paused(address: Address): Promise<boolean> {
  return drill.chain.public.readContract({ address, abi: pausableAbi, functionName: 'paused' })
}

function safeNonce(address: Address): Promise<bigint> {
  return drill.chain.public.readContract({ address, abi: pausableAbi, functionName: 'nonce' })
}

async function sign(file: string, owners: readonly ReturnType<typeof devAccount>[]): Promise<string[]> {
  const out: string[] = []
  for (const owner of owners) {
    const signature = join(dir, `${owner.address}-${readdirSync(dir).length}.json`)
    await signSafeTransactionFile({ file, account: owner, out: signature })
    out.push(signature)
  }
  return out
}

describe('contain pause-all with a key, two Safes and a timelock', () => {
  let firstRun: Awaited<ReturnType<typeof contain>>

  it("pauses the vault with the guardian's key while both Safes wait for their owners, naming every file to sign", async () => {
    firstRun = await contain()
    const output = firstRun.stdout + firstRun.stderr

    expect(firstRun.code, output).not.toBe(EXIT.ok)
    expect(await paused(drill.protocol.vault.address)).toBe(true)
    expect([await paused(market), await paused(lending), await paused(reserve)]).toEqual([false, false, false])
    expect([await safeNonce(council), await safeNonce(treasury)]).toEqual([0n, 0n])
    expect(output).toContain(`Safe council (${council}) has 0 of 2 signatures, needs 2 more from any 2 of ${councilOwners.map((owner) => owner.address).join(', ')}, on ${safeTxFile('council')}`)
    expect(output).toContain(`Safe treasury (${treasury}) has 0 of 1 signatures, needs 1 more from any 1 of ${treasuryOwners.map((owner) => owner.address).join(', ')}, on ${safeTxFile('treasury')}`)
  })

  it("has the council sign one transaction holding the market's pause and the timelock's schedule", () => {
    const files = readdirSync(join(incidentDir(), 'safe-tx')).filter((name) => !name.endsWith('.tx-builder.json'))
    const councilTx = JSON.parse(readFileSync(safeTxFile('council'), 'utf8')) as SafeTransactionFile

    expect(files.sort()).toEqual(['contain-pause-all-safe-council.json', 'contain-pause-all-safe-treasury.json'])
    expect(councilTx.safeTx).toMatchObject({ operation: 1, nonce: '0' })
    expect(councilTx.actions.map((action) => [action.to, action.text.split('(')[0]])).toEqual([
      [market, 'market.pause'],
      [expect.any(String), 'governance.schedule'],
    ])
  })

  // Fails until `contain` maps AwaitingSignaturesError (or the outcome's awaitingSignatures) to EXIT.signatures; then drop `.fails`.
  it('exits with EXIT.signatures (5) while Safe owners have yet to sign', () => {
    expect(firstRun.code).toBe(EXIT.signatures)
  })

  it('executes both Safe transactions once signed, in one round, then waits for the timelock', async () => {
    const signatures = [...(await sign(safeTxFile('council'), councilOwners.slice(0, 2))), ...(await sign(safeTxFile('treasury'), treasuryOwners.slice(1)))]

    const run = await contain(...signatures.flatMap((file) => ['--signature', file]))

    expect(run.code, run.stdout + run.stderr).toBe(EXIT.waiting)
    expect([await paused(market), await paused(reserve), await paused(lending)]).toEqual([true, true, false])
    expect([await safeNonce(council), await safeNonce(treasury)]).toEqual([1n, 1n])
  })

  it("pauses the lending pool with the guardian's key once the delay has passed, asking no Safe to sign again", async () => {
    await drill.chain.test.increaseTime({ seconds: Number(TWO_DAYS) })
    await drill.chain.test.mine({ blocks: 1 })

    const run = await contain()

    expect(run.code, run.stdout + run.stderr).toBe(EXIT.ok)
    expect(await paused(lending)).toBe(true)
    expect([await safeNonce(council), await safeNonce(treasury)]).toEqual([1n, 1n])
  })
})
