import { cpSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { encodeFunctionData, getAddress } from 'viem'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Attack, runAttack } from '../src/drill/scenario.js'
import { StorageLayoutConflictError } from '../src/eradicate/checkStorageLayout.js'
import { type RunUpgradeParameters, UpgradeRefusedError, runUpgrade } from '../src/eradicate/runUpgrade.js'
import { type Incident, entriesOf, openIncident } from '../src/journal/index.js'
import { loadManifest } from '../src/manifest/index.js'
import { packageRoot } from '../src/packageRoot.js'
import { renderReport } from '../src/report/renderReport.js'
import type { Artifacts } from '../src/solidity/artifacts.js'
import { compileContracts } from '../src/solidity/compile.js'
import { useDrillProtocol } from './fixtures/localChain.js'
import { writeTestManifest } from './fixtures/manifest.js'

/**
 * The post-mortem of an eradication as `firebreak upgrade` journals it: a fix that moves a storage
 * variable, one that does not stop the attack, and the real fix, in one incident. The attack is
 * recorded by the upgrade from the transaction it replays: no drill wrote it.
 */
const drill = useDrillProtocol({ snapshotEachTest: false })
const { actors } = drill
const unit = 10n ** 18n

let dir: string
let candidates: Artifacts
let attack: Attack
let incident: Incident
let markdown: string
const refusals: unknown[] = []

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'firebreak-report-upgrade-'))
  const sources = join(dir, 'sources')
  cpSync(join(packageRoot, 'contracts', 'drill'), sources, { recursive: true })
  for (const file of ['DrillVaultCosmetic.sol', 'DrillVaultClobbered.sol']) cpSync(join(packageRoot, 'test', 'contracts', 'upgrade', file), join(sources, file))
  candidates = (await compileContracts({ sourcesDir: sources })).artifacts
  attack = await runAttack(drill.chain, drill.artifacts, drill.protocol, actors)
  const manifest = loadManifest(
    writeTestManifest(dir, {
      rpcUrl: drill.anvil.rpcUrl,
      contracts: [drill.protocol.vault, drill.protocol.token],
      authorities: [{ name: 'governance', type: 'eoa', address: actors.admin.address }],
    }),
  )
  incident = openIncident({ root: join(dir, 'incidents'), id: 'vault-drain', title: 'vault drain' })
  const upgrade = (patched: string): Promise<unknown> => {
    const parameters: RunUpgradeParameters = {
      manifest,
      incident,
      contract: drill.protocol.vault.name,
      current: candidates.get('DrillVaultV1'),
      patched: candidates.get(patched),
      initData: patched === 'DrillVaultClobbered' ? '0x' : encodeFunctionData({ abi: candidates.get(patched).abi, functionName: 'initializeV2' }),
      attack: { hashes: [attack.txHash] },
      asset: drill.protocol.token.address,
      accounts: [actors.admin],
    }
    return runUpgrade(parameters)
  }
  refusals.push(await upgrade('DrillVaultClobbered').catch((error: unknown) => error))
  refusals.push(await upgrade('DrillVaultCosmetic').catch((error: unknown) => error))
  await upgrade('DrillVaultV2')
  markdown = renderReport(incident.journal.entries())
})

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true })
})

function section(heading: string): string {
  const start = markdown.indexOf(`## ${heading}\n`)
  if (start < 0) throw new Error(`no section ${heading}`)
  const end = markdown.indexOf('\n## ', start + 1)
  return markdown.slice(start, end < 0 ? undefined : end)
}

describe('the post-mortem of fixes refused and shipped by firebreak upgrade', () => {
  it('journals the attack the upgrade replays once, measured by the replay, in the asset it drained', () => {
    const recorded = entriesOf(incident.journal, 'attack.detected').map((entry) => entry.data)

    expect(refusals[0]).toBeInstanceOf(StorageLayoutConflictError)
    expect(refusals[1]).toBeInstanceOf(UpgradeRefusedError)
    expect(recorded).toEqual([
      {
        txHash: attack.txHash,
        blockNumber: String(attack.blockNumber),
        attacker: attack.from,
        exploitContract: getAddress(attack.exploit),
        victims: [getAddress(drill.protocol.vault.address)],
        stolen: String(95_000n * unit),
        asset: { address: drill.protocol.token.address, symbol: 'dUSD', decimals: 18 },
        measuredBy: 'replay',
      },
    ])
  })

  it('reports the attack from that record, with the figure the replay measured', () => {
    const attackSection = section('Attack')

    expect(attackSection).toContain(`- transaction \`${attack.txHash}\` in block ${attack.blockNumber}`)
    expect(attackSection).toContain(`- taken: 95,000 dUSD (measured by replaying the attack on a fork of block ${attack.blockNumber - 1n})`)
    expect(section('Summary')).toContain(`- **Attack:** 95,000 dUSD taken from 1 account in block ${attack.blockNumber} (tx \`${attack.txHash}\`).`)
  })

  it('lists both refused fixes with the gate that refused each and its reason', () => {
    const refused = section('Refused upgrades')
    const items = refused.split('\n').filter((line) => line.startsWith('- '))

    expect(items).toHaveLength(2)
    expect(items[0]).toMatch(/^- \S+: \*\*vault\*\* DrillVaultV1 → DrillVaultClobbered: upgrade from DrillVaultV1 to DrillVaultClobbered refused by the storage gate: .*depositCap.*slot 0/)
    expect(items[1]).toMatch(/^- \S+: \*\*vault\*\* DrillVaultV1 → DrillVaultCosmetic: upgrade to DrillVaultCosmetic refused by the replay gate: the attack still extracts 95000000000000000000000/)
    expect(refused).toContain('  - before the fix: 95,000 dUSD extracted')
    expect(refused).toContain('  - after the fix: 95,000 dUSD extracted')
    expect(section('Summary')).toContain('- **Refused:** 2 upgrades stopped by the storage gate and the replay gate.')
  })

  it('shows as fix gates those of the shipped fix, and the block it landed in', () => {
    const gates = section('Fix gates')
    const upgraded = entriesOf(incident.journal, 'upgrade.finished').at(-1)?.data

    expect(gates).toContain('- **Storage layout** DrillVaultV1 → DrillVaultV2: compatible.')
    expect(gates).toMatch(/- \*\*Attack replay\*\* on a fork at block \d+: passed/)
    expect(upgraded?.status).toBe('upgraded')
    expect(section('Summary')).toContain(`- **Fixed:** proxy upgraded in block ${upgraded?.blockNumber} after the storage and replay gates passed.`)
  })
})
