import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import {
  type SolcInput,
  type SolcOutput,
  type ValidationRunData,
  getContractVersion,
  getStorageLayout,
  getStorageUpgradeErrors,
  makeNamespacedInput,
  solcInputOutputDecoder,
  validate,
} from '@openzeppelin/upgrades-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { packageRoot } from '../src/packageRoot.js'
import type { Artifacts } from '../src/solidity/artifacts.js'
import { compileContracts } from '../src/solidity/compile.js'
import { runSolc } from '../src/solidity/runSolc.js'
import { collectSources } from '../src/solidity/sourceClosure.js'
import { compareStorageLayouts } from '../src/solidity/storageLayout.js'

// OpenZeppelin's upgrades-core is the field's reference storage checker. Both tools read the same
// solc-js output; where they agree on every pair, firebreak's gate is not the weaker of the two.

const solcVersion = (JSON.parse(readFileSync(createRequire(import.meta.url).resolve('solc/package.json', { paths: [packageRoot] }), 'utf8')) as { version: string }).version

/** What upgrades-core needs: the input, the output with AST, and its own namespaced recompilation. */
async function validateWithUpgradesCore(sourcesDir: string): Promise<ValidationRunData> {
  const input = {
    language: 'Solidity',
    sources: collectSources(sourcesDir),
    settings: {
      evmVersion: 'cancun',
      optimizer: { enabled: true, runs: 200 },
      outputSelection: { '*': { '*': ['abi', 'evm.bytecode', 'evm.deployedBytecode', 'evm.methodIdentifiers', 'storageLayout'], '': ['ast'] } },
    },
  } as unknown as SolcInput
  const output = JSON.parse(await runSolc(input, sourcesDir)) as SolcOutput
  const namespacedOutput = JSON.parse(await runSolc(makeNamespacedInput(input, output, solcVersion), sourcesDir)) as SolcOutput
  return validate(output, solcInputOutputDecoder(input, output), solcVersion, input, namespacedOutput)
}

type Peer = { firebreak: Artifacts; upgradesCore: ValidationRunData }
const peers: Record<'fixtures' | 'drill', Peer> = {} as Record<'fixtures' | 'drill', Peer>

beforeAll(async () => {
  const fixturesDir = join(packageRoot, 'test', 'contracts', 'storage')
  const drillDir = join(packageRoot, 'contracts')
  peers.fixtures = { firebreak: (await compileContracts({ sourcesDir: fixturesDir })).artifacts, upgradesCore: await validateWithUpgradesCore(fixturesDir) }
  peers.drill = { firebreak: (await compileContracts()).artifacts, upgradesCore: await validateWithUpgradesCore(drillDir) }
}, 300_000)

function verdicts(peer: Peer, previous: string, next: string) {
  const firebreak = compareStorageLayouts(peer.firebreak.get(previous).storageLayout, peer.firebreak.get(next).storageLayout)
  const layout = (name: string) => getStorageLayout(peer.upgradesCore, getContractVersion(peer.upgradesCore, name))
  const upgradesCoreErrors = getStorageUpgradeErrors(layout(previous), layout(next))
  return { firebreak: firebreak.compatible, upgradesCore: upgradesCoreErrors.length === 0, firebreakConflicts: firebreak.conflicts, upgradesCoreErrors }
}

describe('the storage gate agrees with @openzeppelin/upgrades-core', () => {
  it.each([
    ['NamespacedVaultV1', 'NamespacedVaultAppended', true],
    ['NamespacedVaultV1', 'NamespacedVaultSwapped', false],
    ['NamespacedVaultV1', 'NamespacedVaultWidened', false],
    ['NamespacedVaultV1', 'NamespacedVaultDropped', false],
    ['PlainVaultV1', 'PlainVaultV2', true],
    ['PlainVaultV1', 'PlainVaultSwapped', false],
  ] as const)('%s → %s: compatible is %s for both', (previous, next, compatible) => {
    const result = verdicts(peers.fixtures, previous, next)
    expect({ firebreak: result.firebreak, upgradesCore: result.upgradesCore }).toEqual({ firebreak: compatible, upgradesCore: compatible })
  })

  it('both find the swapped namespace members, by name', () => {
    const result = verdicts(peers.fixtures, 'NamespacedVaultV1', 'NamespacedVaultSwapped')
    expect(result.firebreakConflicts.map((conflict) => conflict.label)).toEqual(['cap', 'totalShares'])
    // upgrades-core reports the same members, inside the namespace's struct.
    // upgrades-core words it as an edit script (delete cap, shift totalShares, insert cap), over the same two members.
    const labels = result.upgradesCoreErrors.flatMap((error) =>
      [
        'original' in error ? error.original : undefined,
        'updated' in error ? error.updated : undefined,
      ].map((item) => (item && 'label' in item ? item.label : undefined)),
    )
    expect([...new Set(labels.filter((label) => label !== undefined))].sort()).toEqual(['cap', 'totalShares'])
    expect(result.upgradesCoreErrors.map((error) => error.kind)).toEqual(['delete', 'layoutchange', 'insert'])
  })

  it('both accept the drill fix DrillVaultV1 → DrillVaultV2', () => {
    const result = verdicts(peers.drill, 'DrillVaultV1', 'DrillVaultV2')
    expect({ firebreak: result.firebreak, upgradesCore: result.upgradesCore }).toEqual({ firebreak: true, upgradesCore: true })
  })
})
