import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type Address, bytesToHex, getAddress } from 'viem'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Attack, runAttack } from '../src/drill/scenario.js'
import { IMPLEMENTATION_SLOT } from '../src/eradicate/proxySlots.js'
import { packageRoot } from '../src/packageRoot.js'
import { useDrillProtocol } from './fixtures/localChain.js'
import { writeTestManifest } from './fixtures/manifest.js'
import { type CliRun, runCli } from './fixtures/runCli.js'

// The gates fork the block before the attack and every refused run must leave the chain as it was:
// one chain for the file, in order, the real upgrade last.
const drill = useDrillProtocol({ snapshotEachTest: false })
const { actors } = drill
const governanceKey = bytesToHex(actors.admin.getHdKey().privateKey!)
const unit = 10n ** 18n

let dir: string
let sources: string
let manifest: string
let attack: Attack

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'firebreak-upgrade-cli-'))
  // The protocol's sources as a team has them: the drill's vaults, plus two candidate "fixes".
  sources = join(dir, 'sources')
  cpSync(join(packageRoot, 'contracts', 'drill'), sources, { recursive: true })
  for (const file of ['DrillVaultCosmetic.sol', 'DrillVaultClobbered.sol']) cpSync(join(packageRoot, 'test', 'contracts', 'upgrade', file), join(sources, file))
  attack = await runAttack(drill.chain, drill.artifacts, drill.protocol, actors)
  manifest = writeTestManifest(dir, {
    rpcUrl: drill.anvil.rpcUrl,
    contracts: [drill.protocol.vault, drill.protocol.token],
    authorities: [{ name: 'governance', type: 'eoa', address: actors.admin.address, keyEnv: 'GOVERNANCE_KEY' }],
    normalOperations: actors.users.slice(0, 2).map((user) => ({
      description: `${user.name} withdraws 1 dUSD from their own position`,
      from: user.account.address,
      contract: drill.protocol.vault.name,
      function: 'withdraw(uint256,address,address)',
      args: [(1n * unit).toString(), user.account.address, user.account.address],
    })),
  })
})

afterAll(() => {
  rmSync(dir, { recursive: true, force: true })
})

function upgrade(...args: string[]): Promise<CliRun> {
  return runCli(
    ['upgrade', drill.protocol.vault.name, '--manifest', manifest, '--incidents', join(dir, 'incidents'), '--incident', 'upgrade-test', '--cache', join(dir, 'cache'), '--asset', drill.protocol.token.name, ...args],
    { GOVERNANCE_KEY: governanceKey },
  )
}

const candidate = (to: string, ...more: string[]) => upgrade('--sources', sources, '--from', 'DrillVaultV1', '--to', to, '--attack', attack.txHash, ...more)

function journal(): { type: string; data: Record<string, any> }[] {
  return readFileSync(join(dir, 'incidents', 'upgrade-test', 'journal.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line))
}

async function implementation(): Promise<Address> {
  const slot = await drill.chain.public.getStorageAt({ address: drill.protocol.vault.address, slot: IMPLEMENTATION_SLOT })
  return getAddress(`0x${slot!.slice(-40)}`)
}

describe('firebreak upgrade', () => {
  it('refuses an implementation whose layout moves depositCap, naming the slot, and sends nothing', async () => {
    const before = await implementation()
    const result = await candidate('DrillVaultClobbered')
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(/^firebreak: upgrade from DrillVaultV1 to DrillVaultClobbered refused by the storage gate: .*depositCap.*slot 0/)
    expect(await implementation()).toBe(before)
    const gate = journal().find((entry) => entry.type === 'gate.storage' && entry.data.to === 'DrillVaultClobbered')
    expect(gate?.data.compatible).toBe(false)
    expect(journal().at(-1)?.type).toBe('upgrade.refused')
  })

  it('refuses a compatible implementation that does not stop the attack, and sends nothing', async () => {
    const before = await implementation()
    const result = await candidate('DrillVaultCosmetic', '--init', 'initializeV2')
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(/^firebreak: upgrade to DrillVaultCosmetic refused by the replay gate: the attack still extracts 95000000000000000000000/)
    expect(await implementation()).toBe(before)
    const replay = journal().filter((entry) => entry.type === 'gate.replay').at(-1)
    expect(replay?.data.passed).toBe(false)
    expect(replay?.data.attack).toEqual([attack.txHash])
  })

  it('takes both implementations as artifact files (Foundry layout, with storageLayout), warning that namespaces go uncompared', async () => {
    const foundryArtifact = (name: string, withLayout = true) => {
      const artifact = drill.artifacts.get(name)
      const file = join(dir, `${name}${withLayout ? '' : '.nolayout'}.json`)
      const { storage, types } = artifact.storageLayout
      writeFileSync(file, JSON.stringify({ abi: artifact.abi, bytecode: { object: artifact.bytecode }, deployedBytecode: { object: artifact.deployedBytecode }, ...(withLayout ? { storageLayout: { storage, types } } : {}) }))
      return file
    }
    const before = await implementation()
    const dry = await upgrade('--from', foundryArtifact('DrillVaultV1'), '--to', foundryArtifact('DrillVaultV2'), '--init', 'initializeV2', '--attack', attack.txHash, '--dry-run')
    expect(dry.code, dry.stderr).toBe(0)
    expect(dry.stderr).toMatch(/^warning: .*ERC-7201 namespaced storage is not compared/)
    expect(dry.stdout).toContain('replay gate passed')
    expect(await implementation()).toBe(before)

    const missing = await upgrade('--from', foundryArtifact('DrillVaultV1'), '--to', foundryArtifact('DrillVaultV2', false), '--attack', attack.txHash)
    expect(missing.code).toBe(1)
    expect(missing.stderr).toMatch(/^firebreak: .*DrillVaultV2\.nolayout\.json has no storageLayout: build with Foundry's extra_output/)
  })

  it('passes the real fix through both gates; a dry run sends nothing, the run upgrades through the governance key', async () => {
    const before = await implementation()
    const dry = await candidate('DrillVaultV2', '--init', 'initializeV2', '--dry-run')
    expect(dry.stderr).toMatch(/^journal head 0x[0-9a-f]{64} \(incident [^)]+\)\n$/)
    expect(dry.code).toBe(0)
    expect(dry.stdout).toContain('storage gate passed')
    expect(dry.stdout).toMatch(/replay gate passed .*the attack took 95000000000000000000000 before the fix and now reverts/)
    expect(dry.stdout).toContain('✔ alice withdraws 1 dUSD from their own position')
    expect(await implementation()).toBe(before)

    const result = await candidate('DrillVaultV2', '--init', 'initializeV2', '--json')
    expect(result.code).toBe(0)
    const outcome = JSON.parse(result.stdout)
    expect(outcome.status).toBe('upgraded')
    expect(await implementation()).toBe(getAddress(outcome.implementation))
    const fixVersion = await drill.chain.public.readContract({ address: drill.protocol.vault.address, abi: drill.artifacts.get('DrillVaultV2').abi, functionName: 'fixVersion' })
    expect(fixVersion).toBe(1n)
    const types = journal().map((entry) => entry.type)
    expect(types.slice(types.lastIndexOf('upgrade.started'))).toEqual(
      expect.arrayContaining(['gate.storage', 'gate.replay', 'upgrade.planned', 'plan.simulated', 'step.sent', 'step.done', 'plan.done', 'upgrade.finished']),
    )
  })
})

describe('firebreak upgrade, bad input', () => {
  it('says where a patched implementation fails to compile', async () => {
    const result = await upgrade('--sources', join(packageRoot, 'test', 'contracts', 'upgrade', 'broken'), '--from', 'Unbuildable', '--to', 'Unbuildable', '--attack', attack.txHash)
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(/^firebreak: .*Unbuildable\.sol:7:\d+: ParserError: Expected ';'/)
  })

  it('refuses an attack hash that is not on the chain, journaled', async () => {
    const unknown = `0x${'ab'.repeat(32)}`
    const result = await upgrade('--sources', sources, '--from', 'DrillVaultV1', '--to', 'DrillVaultV2', '--attack', unknown)
    expect(result.code).toBe(1)
    expect(result.stderr.split('\n')[0]).toBe(`firebreak: attack transaction ${unknown} is not on chain 31337 (unknown hash): check the hash and the RPC URL's network`)
    expect(journal().at(-1)).toMatchObject({ type: 'upgrade.failed', data: { reason: expect.stringContaining(unknown) } })
  })

  it('refuses the wrong proxy kind, naming the kind it is', async () => {
    const result = await candidate('DrillVaultV2', '--kind', 'transparent')
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(/^firebreak: vault \(0x[0-9a-fA-F]{40}\) is a uups proxy, not transparent: upgrade it as uups/)
  })
})
