import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseAbi } from 'viem'
import { stringify } from 'yaml'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Anvil, startAnvil } from '../src/chain/anvil.js'
import { type ChainClients, connect } from '../src/chain/clients.js'
import { type DrillProtocol, deployProtocol } from '../src/drill/deployProtocol.js'
import { depositAll } from '../src/drill/scenario.js'
import { Journal } from '../src/journal/journal.js'
import { useDrillProtocol } from './fixtures/localChain.js'
import { privateKeyOf } from './fixtures/realProtocols/index.js'
import { runCli } from './fixtures/runCli.js'

const pausedAbi = parseAbi(['function paused() view returns (bool)'])

// The CLI runs from dist/: `npm test` builds first.
describe('contain on every chain of the manifest at once', () => {
  const first = useDrillProtocol()
  let second: { anvil: Anvil; chain: ChainClients; protocol: DrillProtocol }
  let dir: string

  beforeAll(async () => {
    const anvil = await startAnvil({ chainId: 31338 })
    const chain = await connect(anvil.rpcUrl)
    const protocol = await deployProtocol(chain, first.artifacts, first.actors)
    await depositAll(chain, protocol, first.actors)
    second = { anvil, chain, protocol }
    dir = mkdtempSync(join(tmpdir(), 'firebreak-chains-'))
    writeFileSync(join(dir, 'vault.abi.json'), JSON.stringify(first.protocol.vault.abi))
  })
  afterAll(async () => {
    await second?.anvil.stop()
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
  const paused = (chain: ChainClients, protocol: DrillProtocol) => chain.public.readContract({ address: protocol.vault.address, abi: pausedAbi, functionName: 'paused' })

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
