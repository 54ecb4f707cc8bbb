import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Artifacts } from './artifacts.js'
import { compileContracts } from './compile.js'
import { type StorageComparison, compareStorageLayouts } from './storageLayout.js'

/** The Positions layout under `name`, declaring its own struct and enum as a fix rewritten from scratch would. */
function positions(name: string, sharesType: 'uint128' | 'uint256'): string {
  return `contract ${name} {
    struct Position { ${sharesType} shares; uint64 since; }
    enum Status { Open, Paused }
    Status public status;
    mapping(address => Position) internal positions;
    Position[] internal history;
}
`
}

/**
 * Each contract is one candidate "next implementation" of VaultStorage (or of Positions, Gapped).
 * They are compiled together once: solc-js is loaded once per file.
 */
const layouts = `// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

contract VaultStorage {
    uint256 public totalDeposits;                 // slot 0
    address public owner;                         // slot 1, offset 0
    uint64 public pausedAt;                       // slot 1, offset 20
    mapping(address => uint256) public balances;  // slot 2
}

contract VaultStorageSame {
    uint256 public totalDeposits;
    address public owner;
    uint64 public pausedAt;
    mapping(address => uint256) public balances;

    function patched() external pure returns (bool) {
        return true;
    }
}

contract VaultStorageAppended {
    uint256 public totalDeposits;
    address public owner;
    uint64 public pausedAt;
    mapping(address => uint256) public balances;
    uint256 public fixVersion;
}

contract VaultStorageInserted {
    uint256 public totalDeposits;
    uint256 public depositCap;
    address public owner;
    uint64 public pausedAt;
    mapping(address => uint256) public balances;
}

contract VaultStorageRetyped {
    address public totalDeposits;
    address public owner;
    int64 public pausedAt;
    mapping(address => uint256) public balances;
}

contract VaultStorageRemoved {
    uint256 public totalDeposits;
    address public owner;
    mapping(address => uint256) public balances;
}

contract VaultStorageRenamed {
    uint256 public totalDeposits;
    address public admin;
    uint64 public pausedAt;
    mapping(address => uint256) public balances;
}

${positions('Positions', 'uint128')}
${positions('PositionsRewritten', 'uint128')}
${positions('PositionsWider', 'uint256')}

// OpenZeppelin 4's upgradeable contracts each end with a private __gap of the same name.
contract GapA { uint256 internal a; uint256[3] private __gap; }
contract GapB { uint256 internal b; uint256[3] private __gap; }
contract Gapped is GapA, GapB {}
contract GappedExtended is GapA, GapB { uint256 public added; }
`

let scratch: string
let artifacts: Artifacts
let drill: Artifacts

function compare(previous: string, next: string, from: Artifacts = artifacts): StorageComparison {
  return compareStorageLayouts(from.get(previous).storageLayout, from.get(next).storageLayout)
}

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'firebreak-layouts-'))
  const sourcesDir = join(scratch, 'contracts')
  mkdirSync(sourcesDir)
  writeFileSync(join(sourcesDir, 'Layouts.sol'), layouts)
  artifacts = (await compileContracts({ sourcesDir, cacheDir: join(scratch, 'cache') })).artifacts
  // firebreak's own contracts, through the shared artifact cache the drill and the CLI use too.
  drill = (await compileContracts()).artifacts
})

afterAll(() => {
  rmSync(scratch, { recursive: true, force: true })
})

describe('compareStorageLayouts', () => {
  it('accepts an implementation with the same variables in the same slots', () => {
    expect(compare('VaultStorage', 'VaultStorageSame')).toEqual({ compatible: true, conflicts: [], appended: [] })
  })

  it('accepts a variable appended after the old ones and lists it', () => {
    expect(compare('VaultStorage', 'VaultStorageAppended')).toEqual({ compatible: true, conflicts: [], appended: ['fixVersion'] })
  })

  it('refuses a variable inserted before existing ones, naming each displaced variable and its old slot', () => {
    const result = compare('VaultStorage', 'VaultStorageInserted')
    expect(result.compatible).toBe(false)
    expect(result.conflicts.map(({ kind, label, slot, offset }) => ({ kind, label, slot, offset }))).toEqual([
      { kind: 'moved', label: 'owner', slot: '1', offset: 0 },
      { kind: 'moved', label: 'pausedAt', slot: '1', offset: 20 },
      { kind: 'moved', label: 'balances', slot: '2', offset: 0 },
    ])
    expect(result.conflicts[0]?.message).toBe('owner (slot 1, offset 0) moved to slot 2, offset 0')
    // balances now starts past the old layout's end, but it is not new
    expect(result.appended).toEqual([])
  })

  it('refuses a type change, naming the variable, its slot and offset', () => {
    const result = compare('VaultStorage', 'VaultStorageRetyped')
    expect(result.compatible).toBe(false)
    expect(result.conflicts).toEqual([
      {
        kind: 'resized',
        label: 'totalDeposits',
        slot: '0',
        offset: 0,
        oldType: 'uint256',
        newType: 'address',
        message: 'totalDeposits (slot 0, offset 0) changes type from uint256 to address',
      },
      {
        kind: 'retyped',
        label: 'pausedAt',
        slot: '1',
        offset: 20,
        oldType: 'uint64',
        newType: 'int64',
        message: 'pausedAt (slot 1, offset 20) changes type from uint64 to int64',
      },
    ])
  })

  it('refuses a removed variable', () => {
    const result = compare('VaultStorage', 'VaultStorageRemoved')
    expect(result.compatible).toBe(false)
    expect(result.conflicts).toEqual([
      expect.objectContaining({ kind: 'removed', label: 'pausedAt', slot: '1', offset: 20, message: 'pausedAt (slot 1, offset 20) was removed or displaced' }),
    ])
  })

  it('refuses a renamed variable, since the name is how code and tools read it', () => {
    const result = compare('VaultStorage', 'VaultStorageRenamed')
    expect(result.conflicts).toEqual([
      expect.objectContaining({ kind: 'renamed', label: 'owner', slot: '1', offset: 0, message: 'owner (slot 1, offset 0) is renamed admin' }),
    ])
  })

  it('accepts a fix written as a new contract that re-declares the same structs and enums', () => {
    // solc names them after their contract (`struct Positions.Position`); the storage is the same.
    expect(compare('Positions', 'PositionsRewritten')).toEqual({ compatible: true, conflicts: [], appended: [] })
  })

  it('refuses a struct member that grows, in a mapping and in an array', () => {
    const result = compare('Positions', 'PositionsWider')
    expect(result.conflicts.map(({ kind, label, slot }) => ({ kind, label, slot }))).toEqual([
      { kind: 'retyped', label: 'positions', slot: '1' },
      { kind: 'retyped', label: 'history', slot: '2' },
    ])
  })

  it('matches repeated __gap names by slot rather than by name', () => {
    expect(compare('Gapped', 'GappedExtended')).toEqual({ compatible: true, conflicts: [], appended: ['added'] })
  })

  it('accepts the drill fix DrillVaultV1 → DrillVaultV2, which appends fixVersion', () => {
    expect(compare('DrillVaultV1', 'DrillVaultV2', drill)).toEqual({ compatible: true, conflicts: [], appended: ['fixVersion'] })
  })

  it('refuses going back from DrillVaultV2 to DrillVaultV1, which drops fixVersion', () => {
    expect(compare('DrillVaultV2', 'DrillVaultV1', drill).conflicts).toEqual([
      expect.objectContaining({ kind: 'removed', label: 'fixVersion', slot: '1', offset: 0 }),
    ])
  })
})
