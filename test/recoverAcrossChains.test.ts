import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type Address, erc20Abi } from 'viem'
import { stringify } from 'yaml'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type ChainClients } from '../src/chain/clients.js'
import { type DrillProtocol } from '../src/drill/deployProtocol.js'
import { type Attack, runAttack } from '../src/drill/scenario.js'
import { useDrillProtocol, useSecondDrillChain } from './fixtures/localChain.js'
import { privateKeyOf } from './fixtures/realProtocols/index.js'
import { runCli } from './fixtures/runCli.js'

// The CLI runs from dist/: `npm test` builds first.
describe('recover an incident on two chains: losses per chain, one reimburse command paying each on its own chain', () => {
  const first = useDrillProtocol({ snapshotEachTest: false })
  const second = useSecondDrillChain(first)
  let dir: string
  const attacks: Attack[] = []

  beforeAll(async () => {
    const { chain, protocol } = second
    attacks.push(await runAttack(first.chain, first.artifacts, first.protocol, first.actors), await runAttack(chain, first.artifacts, protocol, first.actors))
    dir = mkdtempSync(join(tmpdir(), 'firebreak-recover-chains-'))
    writeFileSync(join(dir, 'vault.abi.json'), JSON.stringify(first.protocol.vault.abi))
    writeFileSync(join(dir, 'token.abi.json'), JSON.stringify(first.protocol.token.abi))
    writeFileSync(
      join(dir, 'firebreak.yaml'),
      stringify({
        chains: { mainnet: { rpcUrl: first.anvil.rpcUrl, chainId: 31337 }, arbitrum: { rpcUrl: second.anvil.rpcUrl, chainId: 31338 } },
        contracts: [
          { name: 'vault', chain: 'mainnet', address: first.protocol.vault.address, abi: './vault.abi.json' },
          { name: 'dUSD', chain: 'mainnet', address: first.protocol.token.address, abi: './token.abi.json' },
          { name: 'vault', chain: 'arbitrum', address: second.protocol.vault.address, abi: './vault.abi.json' },
          { name: 'dUSD', chain: 'arbitrum', address: second.protocol.token.address, abi: './token.abi.json' },
        ],
        authorities: [{ name: 'treasury', type: 'eoa', address: first.actors.treasury.address, keyEnv: 'TREASURY_KEY' }],
      }),
    )
  })
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true })
  })

  const cli = (args: string[]) => runCli([...args, '--manifest', join(dir, 'firebreak.yaml'), '--incidents', join(dir, 'incidents'), '--incident', 'two-chains'], { TREASURY_KEY: privateKeyOf(first.actors.treasury) })
  const balance = (chain: ChainClients, protocol: DrillProtocol, account: Address) => chain.public.readContract({ address: protocol.token.address, abi: erc20Abi, functionName: 'balanceOf', args: [account] })

  it("computes each chain's losses into its own folder, then pays both chains from one command, each on its chain", async () => {
    const files: string[] = []
    for (const [index, chainName] of ['mainnet', 'arbitrum'].entries()) {
      const attack = attacks[index]!
      const losses = await cli(['losses', '--chain', chainName, '--contract', 'vault', '--before-block', String(attack.blockNumber - 1n), '--attack-tx', attack.txHash, '--json'])
      expect(losses.code, losses.stderr).toBe(0)
      const written = JSON.parse(losses.stdout) as { assets: { files: { json: string }; total: string }[] }
      expect(written.assets[0]!.total).toBe((95_000n * 10n ** 18n).toString())
      expect(written.assets[0]!.files.json).toContain(join('two-chains', chainName))
      files.push(written.assets[0]!.files.json)
    }
    const victims = attacks[0]!.victims
    const before = await Promise.all([...victims.map((victim) => balance(first.chain, first.protocol, victim)), ...victims.map((victim) => balance(second.chain, second.protocol, victim))])
    const paid = await cli(['reimburse', ...files, '--treasury', 'treasury', '--mode', 'transfers', '--token', 'dUSD'])
    expect(paid.code, paid.stderr + paid.stdout).toBe(0)
    expect(paid.stdout).toMatch(/\[mainnet\] /)
    expect(paid.stdout).toMatch(/\[arbitrum\] /)
    const after = await Promise.all([...victims.map((victim) => balance(first.chain, first.protocol, victim)), ...victims.map((victim) => balance(second.chain, second.protocol, victim))])
    const gained = after.map((amount, index) => amount - before[index]!)
    const total = (gains: bigint[]) => gains.reduce((sum, gain) => sum + gain, 0n)
    expect(total(gained.slice(0, 3))).toBe(95_000n * 10n ** 18n)
    expect(total(gained.slice(3))).toBe(95_000n * 10n ** 18n)
  })
})
