import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { packageRoot } from '../packageRoot.js'
import { type CompileResult, compileContracts } from './compile.js'
import { ArtifactNotFoundError, CompileError, SourcesNotFoundError } from './errors.js'

const ownedCounter = `// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

contract OwnedCounter is Ownable {
    uint256 public count;

    constructor() Ownable(msg.sender) {}

    function increment() external onlyOwner {
        count += 1;
    }
}
`

let scratch: string
let sourcesDir: string
let cacheDir: string
let first: CompileResult

/** A folder of .sol files under the scratch folder. */
function sourceFolder(name: string, files: Record<string, string>): string {
  const dir = join(scratch, name)
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(join(dir, file, '..'), { recursive: true })
    writeFileSync(join(dir, file), content)
  }
  return dir
}

async function compileError(run: () => Promise<unknown>): Promise<CompileError> {
  try {
    await run()
  } catch (error) {
    if (error instanceof CompileError) return error
    throw error
  }
  throw new Error('expected a CompileError')
}

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'firebreak-compile-'))
  sourcesDir = sourceFolder('owned', { 'counter/OwnedCounter.sol': ownedCounter })
  cacheDir = join(scratch, 'cache')
  first = await compileContracts({ sourcesDir, cacheDir })
})

afterAll(() => {
  rmSync(scratch, { recursive: true, force: true })
})

describe('compileContracts', () => {
  it('compiles a contract that imports OpenZeppelin from node_modules', async () => {
    expect(first.fromCache).toBe(false)
    const counter = first.artifacts.get('OwnedCounter')
    expect(counter.sourceName).toBe('counter/OwnedCounter.sol')
    expect(counter.abi.map((item) => ('name' in item ? item.name : item.type)).sort()).toEqual(
      expect.arrayContaining(['count', 'increment', 'owner', 'transferOwnership', 'OwnershipTransferred', 'OwnableUnauthorizedAccount']),
    )
    expect(counter.bytecode).toMatch(/^0x(?:[0-9a-f]{2})+$/)
    expect(counter.deployedBytecode).toMatch(/^0x(?:[0-9a-f]{2})+$/)
    expect(counter.bytecode.length).toBeGreaterThan(counter.deployedBytecode.length)
    // Ownable's _owner comes first (inherited), then the counter.
    expect(counter.storageLayout.storage.map(({ label, slot, offset }) => ({ label, slot, offset }))).toEqual([
      { label: '_owner', slot: '0', offset: 0 },
      { label: 'count', slot: '1', offset: 0 },
    ])
    // Ownable itself is compiled too, under its npm path.
    expect(first.artifacts.get('@openzeppelin/contracts/access/Ownable.sol:Ownable').bytecode).toBe('0x')
  })

  it('returns the same artifacts from the cache on a second compile of the same input', async () => {
    const cacheFiles = readdirSync(cacheDir)
    expect(cacheFiles).toEqual([`${first.inputHash}.json`])
    const second = await compileContracts({ sourcesDir, cacheDir })
    expect(second.fromCache).toBe(true)
    expect(second.inputHash).toBe(first.inputHash)
    expect(second.artifacts.all).toEqual(first.artifacts.all)
  })

  it('misses the cache when one byte of a source changes', async () => {
    const changedDir = join(scratch, 'owned-changed')
    cpSync(sourcesDir, changedDir, { recursive: true })
    const file = join(changedDir, 'counter/OwnedCounter.sol')
    writeFileSync(file, readFileSync(file, 'utf8').replace('count += 1', 'count += 2'))
    const changed = await compileContracts({ sourcesDir: changedDir, cacheDir })
    expect(changed.fromCache).toBe(false)
    expect(changed.inputHash).not.toBe(first.inputHash)
    expect(changed.artifacts.get('OwnedCounter').deployedBytecode).not.toBe(first.artifacts.get('OwnedCounter').deployedBytecode)
    expect(readdirSync(cacheDir).sort()).toEqual([`${changed.inputHash}.json`, `${first.inputHash}.json`].sort())
  })

  it('treats a cache file cut short by a crash as a miss and rewrites it', async () => {
    const dir = sourceFolder('truncated-cache', { 'Plain.sol': 'pragma solidity ^0.8.24;\ncontract Plain { uint256 public x; }\n' })
    const ownCache = join(scratch, 'truncated-cache-store')
    const built = await compileContracts({ sourcesDir: dir, cacheDir: ownCache })
    const cacheFile = join(ownCache, `${built.inputHash}.json`)
    writeFileSync(cacheFile, readFileSync(cacheFile, 'utf8').slice(0, 100))
    const rebuilt = await compileContracts({ sourcesDir: dir, cacheDir: ownCache })
    expect(rebuilt.fromCache).toBe(false)
    expect(rebuilt.artifacts.all).toEqual(built.artifacts.all)
    expect((await compileContracts({ sourcesDir: dir, cacheDir: ownCache })).fromCache).toBe(true)
  })

  it('points a syntax error at its file (relative to the working directory), line and column', async () => {
    const dir = sourceFolder('syntax', {
      'vault/Broken.sol': [
        '// SPDX-License-Identifier: MIT',
        'pragma solidity ^0.8.24;',
        '',
        'contract Broken {',
        '    uint256 public total',
        '    function f() external {}',
        '}',
        '',
      ].join('\n'),
    })
    const error = await compileError(() => compileContracts({ sourcesDir: dir, cacheDir }))
    const shownPath = relative(process.cwd(), join(dir, 'vault/Broken.sol'))
    expect(error.shortMessage).toMatch(new RegExp(`^${escapeRegExp(shownPath)}:6:5: ParserError: Expected ';' but got 'function'`))
    expect(error.errors[0]?.type).toBe('ParserError')
    // solc's excerpt, caret included, is kept for --verbose
    expect(error.metaMessages.join('\n')).toContain('6 |     function f() external {}')
  })

  it('names an imported file that does not exist', async () => {
    const dir = sourceFolder('missing-import', {
      'Importer.sol': 'pragma solidity ^0.8.24;\nimport {Gone} from "./lib/Gone.sol";\ncontract Importer {}\n',
    })
    const error = await compileError(() => compileContracts({ sourcesDir: dir, cacheDir }))
    expect(error.shortMessage).toContain('Importer.sol:2:1:')
    expect(error.shortMessage).toContain('lib/Gone.sol')
    expect(error.shortMessage).toContain('not found: no such file under')
  })

  it('refuses an empty folder and a missing one with SourcesNotFoundError', async () => {
    const empty = join(scratch, 'empty')
    mkdirSync(join(empty, 'nested'), { recursive: true })
    writeFileSync(join(empty, 'nested', 'README.md'), 'no Solidity here\n')
    await expect(compileContracts({ sourcesDir: empty, cacheDir })).rejects.toThrow(SourcesNotFoundError)
    await expect(compileContracts({ sourcesDir: empty, cacheDir })).rejects.toThrow(`no Solidity sources found in ${empty}`)
    await expect(compileContracts({ sourcesDir: join(scratch, 'does-not-exist'), cacheDir })).rejects.toThrow(SourcesNotFoundError)
  })

  it("compiles firebreak's own contracts: the drill vault, its fix, the proxy and the claim contract", async () => {
    const own = await compileContracts({ sourcesDir: join(packageRoot, 'contracts'), cacheDir: join(scratch, 'own-cache') })
    expect(own.fromCache).toBe(false)
    for (const name of ['DrillVaultV1', 'DrillVaultV2', 'ERC1967Proxy', 'ReimbursementClaim', 'DrillToken', 'DrillExploit']) {
      // ERC1967Proxy's runtime is the smallest, at 163 bytes
      expect(own.artifacts.get(name).deployedBytecode.length, name).toBeGreaterThan(2 + 2 * 100)
    }
    expect(own.artifacts.get('ERC1967Proxy').sourceName).toBe('@openzeppelin/contracts/proxy/ERC1967/ERC1967Proxy.sol')
    expect(own.artifacts.get('drill/DrillVaultV2.sol:DrillVaultV2').abi.some((item) => 'name' in item && item.name === 'fixVersion')).toBe(true)
  })
})

describe('Artifacts.get', () => {
  it('says so when no contract has the name', async () => {
    expect(() => first.artifacts.get('NoSuchContract')).toThrow(ArtifactNotFoundError)
    expect(() => first.artifacts.get('NoSuchContract')).toThrow('no compiled contract named NoSuchContract')
  })
})

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}
