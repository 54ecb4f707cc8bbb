import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeEach, describe, expect, it } from 'vitest'
import { EXAMPLE_RPC_URL_ENV, exampleManifest } from './exampleManifest.js'
import { loadManifest } from './loadManifest.js'
import { writeExampleManifest } from './writeExampleManifest.js'

let dir: string

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'firebreak-init-'))
})

describe('writeExampleManifest (firebreak init)', () => {
  it('writes an example that loads once its RPC URL variable is set', () => {
    const file = join(dir, 'firebreak.yaml')

    expect(writeExampleManifest(file)).toEqual({ file, replaced: false })
    const manifest = loadManifest(file, { env: { [EXAMPLE_RPC_URL_ENV]: 'http://127.0.0.1:8545' } })

    expect(manifest.chains).toEqual([{ name: 'mainnet', rpcUrl: 'http://127.0.0.1:8545', rpcUrlEnv: 'MAINNET_RPC_URL', chainId: 1 }])
    expect(manifest.contracts.map((contract) => `${contract.name}@${contract.chain}`)).toEqual(['vault@mainnet', 'token@mainnet'])
    expect(manifest.authorities.map((authority) => `${authority.name}:${authority.type}`)).toEqual(['guardian:eoa', 'security-council:safe', 'governance-timelock:timelock'])
  })

  it('creates the folder of a manifest written outside the working directory', () => {
    const file = join(dir, 'ops', 'firebreak.yaml')

    writeExampleManifest(file)

    expect(readFileSync(file, 'utf8')).toBe(exampleManifest)
  })

  it('refuses to overwrite an existing manifest, leaving it as it was', () => {
    const file = join(dir, 'firebreak.yaml')
    writeFileSync(file, 'chains: {}\n')

    expect(() => writeExampleManifest(file)).toThrow(`${file}: expected no file here, found one: refusing to overwrite it unless told to (force)`)
    expect(readFileSync(file, 'utf8')).toBe('chains: {}\n')
  })

  it('overwrites an existing manifest with force', () => {
    const file = join(dir, 'firebreak.yaml')
    writeFileSync(file, 'chains: {}\n')

    expect(writeExampleManifest(file, { force: true })).toEqual({ file, replaced: true })
    expect(readFileSync(file, 'utf8')).toBe(exampleManifest)
  })
})
