import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { getAddress, maxUint256 } from 'viem'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Attack, runAttack } from '../src/drill/scenario.js'
import { sendAll } from '../src/drill/deployProtocol.js'
import { takeSnapshot } from '../src/snapshot/takeSnapshot.js'
import { type Incident, openIncident } from '../src/journal/incident.js'
import { packageRoot } from '../src/packageRoot.js'
import { parseLossesFile } from '../src/recover/readLossesFile.js'
import { runLosses } from '../src/recover/runLosses.js'
import { useDrillProtocol } from './fixtures/localChain.js'
import { writeTestManifest } from './fixtures/manifest.js'
import { runCli } from './fixtures/runCli.js'

const unit = 10n ** 18n
const drill = useDrillProtocol({ snapshotEachTest: false })
const { actors } = drill
let dir: string
let attack: Attack
let beforeFile: string
let afterFile: string

const attackerDeposit = 1_000n * unit

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'firebreak-losses-'))
  const { token, vault } = drill.protocol
  // The attacker holds a position of its own before the attack and takes it out afterwards, as
  // attackers do to fund the exploit's gas and muddy the trail: without exclusion it looks like a victim.
  await sendAll(drill.chain, actors.admin, [{ ...token, functionName: 'mint', args: [actors.attacker.address, attackerDeposit] }])
  await sendAll(drill.chain, actors.attacker, [
    { ...token, functionName: 'approve', args: [vault.address, maxUint256] },
    { ...vault, functionName: 'deposit', args: [attackerDeposit, actors.attacker.address] },
  ])
  attack = await runAttack(drill.chain, drill.artifacts, drill.protocol, actors)
  await sendAll(drill.chain, actors.attacker, [{ ...vault, functionName: 'withdraw', args: [attackerDeposit, actors.attacker.address, actors.attacker.address] }])
  await sendAll(drill.chain, actors.guardian, [{ ...vault, functionName: 'pause', args: [] }])
  const contained = await drill.chain.public.getBlockNumber({ cacheTime: 0 })
  beforeFile = (await takeSnapshot(drill.chain, { contract: vault.address, blockNumber: attack.blockNumber - 1n, outFile: join(dir, 'vault-before.ndjson') })).file
  afterFile = (await takeSnapshot(drill.chain, { contract: vault.address, blockNumber: contained, outFile: join(dir, 'vault-after.ndjson') })).file
})

afterAll(() => {
  rmSync(dir, { recursive: true, force: true })
})

function incidentNamed(id: string): Incident {
  return openIncident({ root: join(dir, 'incidents'), id })
}

const victimsByLoss = () => {
  const deposits = new Map(actors.users.map((user) => [user.account.address, user.deposit]))
  return [...attack.victims].sort((a, b) => (deposits.get(b)! > deposits.get(a)! ? 1 : -1))
}

describe('firebreak losses (library)', () => {
  it('charges the three drained depositors exactly what the attack took, and leaves out the attacker and its contract', async () => {
    const incident = incidentNamed('drained')
    const { vault, token } = drill.protocol

    const outcome = await runLosses({
      chain: drill.chain,
      incident,
      before: [beforeFile],
      after: [afterFile],
      names: [{ name: 'vault', address: vault.address }],
      attackTransactions: [attack.txHash],
      protocol: [{ name: 'vault', address: vault.address }, { name: 'dUSD', address: token.address }],
    })

    const [losses] = outcome.assets
    expect(attack.stolen).toBe(95_000n * unit)
    expect(losses!.total).toBe(attack.stolen)
    expect(losses!.losses.map((row) => [row.account, row.loss])).toEqual(
      victimsByLoss().map((victim) => [victim, actors.users.find((user) => user.account.address === victim)!.deposit]),
    )
    expect(losses!.attackers.map((attacker) => [attacker.address, attacker.kind])).toEqual([
      [actors.attacker.address, 'sender'],
      [getAddress(attack.exploit), 'deployed-by-sender'],
    ])
    expect(losses!.asset).toEqual({ address: getAddress(token.address), symbol: 'dUSD', decimals: 18 })
    expect(losses!.method).toContain(`valued in dUSD with the vault's own convertToAssets at block ${attack.blockNumber - 1n} for both positions (the pre-attack rate)`)
    // The vault's dUSD are its depositors' positions, already in the users' table: not counted again as the protocol's.
    expect(losses!.protocol.losses).toEqual([])

    const csv = parseLossesFile(readFileSync(losses!.files.csv, 'utf8'), losses!.files.csv)
    expect(csv.total).toBe(attack.stolen)
    expect(readFileSync(losses!.files.csv, 'utf8').trim().split('\n').at(-1)).toBe(`total,${attack.stolen},0,${attack.stolen}`)
    const json = JSON.parse(readFileSync(losses!.files.json, 'utf8'))
    expect(json.total).toBe(attack.stolen.toString())
    expect(json.losses.reduce((sum: bigint, row: { loss: string }) => sum + BigInt(row.loss), 0n)).toBe(attack.stolen)

    const computed = incident.journal.last('losses.computed')!.data as Record<string, any>
    expect(computed.total).toBe(attack.stolen.toString())
    expect(computed.asset).toBe(getAddress(token.address))
    expect(computed.beforeBlock).toBe((attack.blockNumber - 1n).toString())
    expect(computed.excluded).toEqual([actors.attacker.address, getAddress(attack.exploit)])
    expect(computed.files).toEqual({ csv: 'losses-vault.csv', json: 'losses-vault.json' })
  })

  it("would count the attacker's withdrawal of its own deposit as a loss without the attack transaction", async () => {
    const outcome = await runLosses({ chain: drill.chain, incident: incidentNamed('unexcluded'), before: [beforeFile], after: [afterFile] })

    const [losses] = outcome.assets
    expect(losses!.losses.find((row) => row.account === actors.attacker.address)?.loss).toBe(attackerDeposit)
    expect(losses!.total).toBe(attack.stolen + attackerDeposit)
  })

  it('refuses two snapshots given in the wrong order before computing anything', async () => {
    const incident = incidentNamed('reversed')

    await expect(runLosses({ chain: drill.chain, incident, before: [afterFile], after: [beforeFile] })).rejects.toThrow(
      `before: ${afterFile} (block ${(await readBlock(afterFile))}) is not before ${beforeFile} (block ${attack.blockNumber - 1n}): give the pre-attack snapshot as the one before, and the post-containment one as the one after`,
    )
    expect(incident.journal.entries().map((entry) => entry.type)).toEqual(['incident.opened', 'losses.started', 'losses.failed'])
  })
})

describe('firebreak losses (CLI)', () => {
  it('takes both snapshots of the vault, writes the tables into the incident folder and prints a total equal to the drained amount', async () => {
    const manifest = writeTestManifest(dir, { rpcUrl: drill.anvil.rpcUrl, contracts: [drill.protocol.token, drill.protocol.vault] })

    const run = await firebreak(['losses', '--contract', 'vault', '--before-block', String(attack.blockNumber - 1n), '--attack-tx', attack.txHash, '--json', '--manifest', manifest, '--incidents', join(dir, 'incidents'), '--incident', 'cli'])

    expect(run.code, run.stderr).toBe(0)
    const [losses] = JSON.parse(run.stdout).assets
    expect(losses.total).toBe(attack.stolen.toString())
    expect(losses.excluded).toEqual([actors.attacker.address, getAddress(attack.exploit)])
    expect(existsSync(join(dir, 'incidents', 'cli', 'losses-vault.csv'))).toBe(true)
    const journal = readFileSync(join(dir, 'incidents', 'cli', 'journal.jsonl'), 'utf8')
    expect(journal.match(/"type":"snapshot.taken"/g)).toHaveLength(2)
    expect(journal).toContain('"type":"losses.computed"')
  })

  it('refuses a malformed --attacker in one line, before reading the chain', async () => {
    const run = await firebreak(['losses', '--before', beforeFile, '--after', afterFile, '--attacker', '0x1234', '--manifest', join(dir, 'missing.yaml')])

    expect(run.code).toBe(2)
    expect(run.stderr).toBe('firebreak: --attacker: expected an address (0x and 40 hex digits), got "0x1234"\n')
  })
})

async function readBlock(file: string): Promise<bigint> {
  return BigInt(JSON.parse(readFileSync(file, 'utf8').split('\n')[0]!).blockNumber)
}

function firebreak(args: string[], env: NodeJS.ProcessEnv = {}) {
  return runCli(args, env)
}

