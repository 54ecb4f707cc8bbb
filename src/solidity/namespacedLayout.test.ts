import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { packageRoot } from '../packageRoot.js'
import type { Artifacts } from './artifacts.js'
import { compileContracts } from './compile.js'
import { erc7201Slot } from './namespacedLayout.js'
import { compareStorageLayouts } from './storageLayout.js'

let fixtures: Artifacts
let drill: Artifacts

beforeAll(async () => {
  fixtures = (await compileContracts({ sourcesDir: join(packageRoot, 'test', 'contracts', 'storage') })).artifacts
  drill = (await compileContracts()).artifacts
}, 120_000)

function compare(previous: string, next: string, from: Artifacts = fixtures) {
  return compareStorageLayouts(from.get(previous).storageLayout, from.get(next).storageLayout)
}

const vaultSlot = '0xc79f521b966277db277a5fb4e7c7c2df6b6411ec5684a4a9a0b70041b1dc7e00'
const slotAfter = (base: string, by: bigint) => `0x${(BigInt(base) + by).toString(16).padStart(64, '0')}`

describe('erc7201Slot', () => {
  it("gives OpenZeppelin 5's published ERC20 storage location", () => {
    expect(erc7201Slot('openzeppelin.storage.ERC20')).toBe('0x52c63247e1f47db19d5ce0460030c497f067ca4cebf71ba98eeadabe20bace00')
  })
})

describe('namespaced layouts from compileContracts', () => {
  it('lays out a namespaced struct from its base slot, packed as solc packs it', () => {
    const [initializable, vault] = fixtures.get('NamespacedVaultV1').storageLayout.namespaces ?? []
    expect(initializable?.id).toBe('openzeppelin.storage.Initializable')
    expect(vault).toMatchObject({ id: 'firebreak.storage.FixtureVault', slot: vaultSlot, struct: 'NamespacedVaultV1.FixtureVaultStorage' })
    expect(vault?.storage.map(({ label, slot, offset }) => `${label}@${slot}:${offset}`)).toEqual([
      'owner@0:0',
      'cap@1:0',
      'totalShares@1:16',
      'shares@2:0',
    ])
  })

  it("finds the namespaces of every OpenZeppelin base of the drill's vault", () => {
    expect(drill.get('DrillVaultV1').storageLayout.namespaces?.map((namespace) => namespace.id)).toEqual([
      'openzeppelin.storage.Initializable',
      'openzeppelin.storage.ERC20',
      'openzeppelin.storage.ERC4626',
      'openzeppelin.storage.Pausable',
      'openzeppelin.storage.AccessControl',
    ])
  })

  it('leaves contracts without namespaces as solc laid them out', () => {
    expect(fixtures.get('PlainVaultV1').storageLayout.namespaces).toBeUndefined()
  })
})

describe('compareStorageLayouts over namespaces', () => {
  it('accepts a member appended at the end of a namespace and lists it', () => {
    expect(compare('NamespacedVaultV1', 'NamespacedVaultAppended')).toEqual({
      compatible: true,
      conflicts: [],
      appended: ['pausedAt (erc7201:firebreak.storage.FixtureVault)'],
    })
  })

  it('refuses two members swapped inside a namespace, naming namespace, member and absolute slot', () => {
    const result = compare('NamespacedVaultV1', 'NamespacedVaultSwapped')
    expect(result.compatible).toBe(false)
    expect(result.conflicts.map(({ kind, label, slot, offset, namespace }) => ({ kind, label, slot, offset, namespace }))).toEqual([
      { kind: 'moved', label: 'cap', slot: slotAfter(vaultSlot, 1n), offset: 0, namespace: 'firebreak.storage.FixtureVault' },
      { kind: 'moved', label: 'totalShares', slot: slotAfter(vaultSlot, 1n), offset: 16, namespace: 'firebreak.storage.FixtureVault' },
    ])
    expect(result.conflicts[0]?.message).toBe(
      `cap in erc7201:firebreak.storage.FixtureVault (slot ${slotAfter(vaultSlot, 1n)}, offset 0) moved to slot ${slotAfter(vaultSlot, 1n)}, offset 16`,
    )
  })

  it('refuses a namespaced member widened from uint128 to uint256, and the members it pushes down', () => {
    const result = compare('NamespacedVaultV1', 'NamespacedVaultWidened')
    expect(result.conflicts.map(({ kind, label, slot, offset }) => ({ kind, label, slot, offset }))).toEqual([
      { kind: 'resized', label: 'cap', slot: slotAfter(vaultSlot, 1n), offset: 0 },
      { kind: 'moved', label: 'totalShares', slot: slotAfter(vaultSlot, 1n), offset: 16 },
      { kind: 'moved', label: 'shares', slot: slotAfter(vaultSlot, 2n), offset: 0 },
    ])
    expect(result.conflicts[0]?.message).toBe(
      `cap in erc7201:firebreak.storage.FixtureVault (slot ${slotAfter(vaultSlot, 1n)}, offset 0) changes type from uint128 to uint256`,
    )
  })

  it('refuses an implementation that drops a namespace, and accepts one that adds it', () => {
    const removed = compare('NamespacedVaultV1', 'PlainVaultV1')
    expect(removed.conflicts.map(({ kind, label, slot }) => ({ kind, label, slot }))).toEqual([
      { kind: 'removed', label: 'erc7201:openzeppelin.storage.Initializable', slot: erc7201Slot('openzeppelin.storage.Initializable') },
      { kind: 'removed', label: 'erc7201:firebreak.storage.FixtureVault', slot: vaultSlot },
    ])
    expect(removed.conflicts[1]?.message).toBe(`namespace erc7201:firebreak.storage.FixtureVault (slot ${vaultSlot}) was removed, with owner, cap, totalShares, shares`)
    // Sequential variables are compared as before: PlainVaultV1's appear after nothing.
    expect(compare('PlainVaultV1', 'NamespacedVaultV1').conflicts.map((conflict) => conflict.kind)).toEqual(['removed', 'removed', 'removed'])
  })

  it('accepts the drill fix DrillVaultV1 → DrillVaultV2 with every OpenZeppelin namespace in place', () => {
    expect(compare('DrillVaultV1', 'DrillVaultV2', drill)).toEqual({ compatible: true, conflicts: [], appended: ['fixVersion'] })
  })
})
