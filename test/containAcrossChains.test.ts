import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type Address, getAddress, keccak256, parseAbi, toHex } from 'viem'
import { stringify } from 'yaml'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type ChainClients } from '../src/chain/clients.js'
import { type DrillProtocol, sendAll } from '../src/drill/deployProtocol.js'
import { devAccount } from '../src/chain/devAccounts.js'
import { deploySafe, installMultiSendCallOnly } from './fixtures/safe.js'
import { Journal } from '../src/journal/journal.js'
import { useDrillProtocol, useSecondDrillChain } from './fixtures/localChain.js'
import { privateKeyOf } from './fixtures/realProtocols/index.js'
import { runCli } from './fixtures/runCli.js'

const pausedAbi = parseAbi(['function paused() view returns (bool)'])
const paused = (chain: ChainClients, protocol: DrillProtocol) => chain.public.readContract({ address: protocol.vault.address, abi: pausedAbi, functionName: 'paused' })

// The CLI runs from dist/: `npm test` builds first.
describe('contain on every chain of the manifest at once', () => {
  const first = useDrillProtocol()
  const second = useSecondDrillChain(first)
  let dir: string

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'firebreak-chains-'))
    writeFileSync(join(dir, 'vault.abi.json'), JSON.stringify(first.protocol.vault.abi))
  })
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true })
  })

  function manifest(name: string, secondUrl = second.anvil.rpcUrl): string {
    const file = join(dir, `${name}.yaml`)
    writeFileSync(
      file,
      stringify({
        chains: { mainnet: { rpcUrl: first.anvil.rpcUrl, chainId: 31337 }, arbitrum: { rpcUrl: secondUrl, chainId: 31338 } },
        contracts: [
          { name: 'vault', chain: 'mainnet', address: first.protocol.vault.address, abi: './vault.abi.json' },
          { name: 'vault', chain: 'arbitrum', address: second.protocol.vault.address, abi: './vault.abi.json' },
        ],
        authorities: [{ name: 'guardian', type: 'eoa', address: first.actors.guardian.address, keyEnv: 'GUARDIAN_KEY' }],
      }),
    )
    return file
  }

  it('pauses the vault on both chains in one incident, each chain under a plan of its own, and says so chain by chain', async () => {
    const run = await runCli(['contain', 'pause-all', '--manifest', manifest('both'), '--incidents', join(dir, 'incidents'), '--incident', 'both'], { GUARDIAN_KEY: privateKeyOf(first.actors.guardian) })
    expect(run.code, run.stderr + run.stdout).toBe(0)
    expect(run.stdout).toMatch(/mainnet: contained/)
    expect(run.stdout).toMatch(/arbitrum: contained/)
    expect(run.stdout).toMatch(/CONTAINED on mainnet, arbitrum/)
    expect(await paused(first.chain, first.protocol)).toBe(true)
    expect(await paused(second.chain, second.protocol)).toBe(true)
    const finished = Journal.open(join(dir, 'incidents', 'both')).entries().filter((entry) => entry.type === 'contain.finished').map((entry) => entry.data)
    expect(finished).toEqual(expect.arrayContaining([expect.objectContaining({ planId: 'contain-pause-all@mainnet', chain: 'mainnet', status: 'contained' }), expect.objectContaining({ planId: 'contain-pause-all@arbitrum', chain: 'arbitrum', status: 'contained' })]))
  })

  it("contains the chains whose node answers when one chain's node is down, and fails naming that chain", async () => {
    const run = await runCli(['contain', 'pause-all', '--manifest', manifest('one-down', 'http://127.0.0.1:9'), '--incidents', join(dir, 'incidents'), '--incident', 'one-down'], { GUARDIAN_KEY: privateKeyOf(first.actors.guardian) })
    expect(run.code).toBe(1)
    expect(run.stdout).toMatch(/arbitrum: FAILED: cannot reach the node/)
    expect(run.stdout).toMatch(/mainnet: (contained|nothing-to-do)/)
    expect(run.stdout).toMatch(/NOT CONTAINED on arbitrum; contained on mainnet/)
    expect(await paused(first.chain, first.protocol)).toBe(true)
  })

  it('--chain narrows it to one chain', async () => {
    const run = await runCli(['contain', 'pause-all', '--dry-run', '--chain', 'arbitrum', '--manifest', manifest('narrow'), '--incidents', join(dir, 'incidents'), '--incident', 'narrow'], { GUARDIAN_KEY: privateKeyOf(first.actors.guardian) })
    expect(run.stdout).toMatch(/arbitrum: /)
    expect(run.stdout).not.toMatch(/mainnet: /)
  })
})

describe('contain on two chains through a Safe on each, signed in one round', () => {
  const first = useDrillProtocol({ snapshotEachTest: false })
  const owners = [devAccount(10), devAccount(11), devAccount(12)]
  const second = useSecondDrillChain(first, { deposit: false })
  let dir: string
  let manifest: string
  const safes: Address[] = []

  beforeAll(async () => {
    const { chain, protocol } = second
    dir = mkdtempSync(join(tmpdir(), 'firebreak-chains-safe-'))
    writeFileSync(join(dir, 'vault.abi.json'), JSON.stringify(first.protocol.vault.abi))
    const pauser = keccak256(toHex('PAUSER_ROLE'))
    for (const [client, vault, saltNonce] of [[first.chain, first.protocol.vault, 1n], [chain, protocol.vault, 2n]] as const) {
      // Each chain's council is its own Safe, at its own address.
      const safe = getAddress(await deploySafe(client, { deployer: first.actors.admin, owners: owners.map((owner) => owner.address), threshold: 2, saltNonce }))
      await installMultiSendCallOnly(client)
      await sendAll(client, first.actors.admin, [
        { address: vault.address, abi: vault.abi, functionName: 'grantRole', args: [pauser, safe] },
        { address: vault.address, abi: vault.abi, functionName: 'revokeRole', args: [pauser, first.actors.guardian.address] },
      ])
      safes.push(safe)
    }
    manifest = join(dir, 'firebreak.yaml')
    writeFileSync(
      manifest,
      stringify({
        chains: { mainnet: { rpcUrl: first.anvil.rpcUrl, chainId: 31337 }, arbitrum: { rpcUrl: second.anvil.rpcUrl, chainId: 31338 } },
        contracts: [
          { name: 'vault', chain: 'mainnet', address: first.protocol.vault.address, abi: './vault.abi.json' },
          { name: 'vault', chain: 'arbitrum', address: second.protocol.vault.address, abi: './vault.abi.json' },
        ],
        authorities: [
          { name: 'council', type: 'safe', chain: 'mainnet', address: safes[0], submitter: 'relayer' },
          { name: 'council', type: 'safe', chain: 'arbitrum', address: safes[1], submitter: 'relayer' },
          { name: 'relayer', type: 'eoa', address: first.actors.guardian.address, keyEnv: 'RELAYER_KEY' },
        ],
      }),
    )
  })
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true })
  })

  const contain = (...args: string[]) => runCli(['contain', 'pause-all', '--manifest', manifest, '--incidents', join(dir, 'incidents'), '--incident', 'council', ...args], { RELAYER_KEY: privateKeyOf(first.actors.guardian) })

  it("writes one Safe transaction per chain on the first run, and contains both chains once the owners signed both files", async () => {
    const waiting = await contain()
    expect(waiting.code, waiting.stderr + waiting.stdout).toBe(5)
    const files = ['mainnet', 'arbitrum'].map((chain) => {
      const file = new RegExp(`(\\S*/council/${chain}/\\S*\\.json)`).exec(waiting.stdout + waiting.stderr)?.[1]
      expect(file, waiting.stdout + waiting.stderr).toBeDefined()
      return file!.replace(/[,.;:]$/, '')
    })
    const signatures: string[] = []
    for (const [index, owner] of [10, 11].entries()) {
      for (const file of files) {
        const out = join(dir, `owner-${index}-${signatures.length}.json`)
        const signed = await runCli(['safe', 'sign', file, '--out', out, '--key-env', 'SIGNER_KEY'], { SIGNER_KEY: privateKeyOf(devAccount(owner)) })
        expect(signed.code, signed.stderr).toBe(0)
        signatures.push(out)
      }
    }
    const run = await contain('--signature', ...signatures)
    expect(run.code, run.stderr + run.stdout).toBe(0)
    expect(run.stdout).toMatch(/CONTAINED on mainnet, arbitrum/)
    expect(await paused(first.chain, first.protocol)).toBe(true)
    expect(await paused(second.chain, second.protocol)).toBe(true)
  })
})
