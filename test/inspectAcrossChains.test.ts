import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type Abi, type Address, type HDAccount, keccak256, toHex, zeroAddress } from 'viem'
import { stringify } from 'yaml'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type ChainClients } from '../src/chain/clients.js'
import { devAccount } from '../src/chain/devAccounts.js'
import { sendAll } from '../src/drill/deployProtocol.js'
import type { DeploymentDrift } from '../src/inspect/deploymentDrift.js'
import { type InspectAcrossChainsReturnType, inspectAcrossChains } from '../src/inspect/inspectAcrossChains.js'
import { loadManifest } from '../src/manifest/index.js'
import { packageRoot } from '../src/packageRoot.js'
import type { Artifacts } from '../src/solidity/artifacts.js'
import { compileContracts } from '../src/solidity/compile.js'
import { TWO_DAYS, compileAuthorityFixtures, deployChecksummed } from './fixtures/authorities.js'
import { useDrillProtocol, useSecondDrillChain } from './fixtures/localChain.js'
import { runCli } from './fixtures/runCli.js'

const ONE_DAY = 24n * 60n * 60n
const PAUSER_ROLE = keccak256(toHex('PAUSER_ROLE'))

/** What each chain holds besides the drill's vault: the same contracts, deployed with the differences a test looks for. */
type Deployed = { governed: Address; timelock: Address; gate: Address; temporary: Address }

/**
 * One contract set, deployed alike on both chains but for what each test looks for:
 *  - governed: a PausableTarget owned by a TimelockController whose proposer is the admin; the delay is the chain's;
 *  - gate: a PausableTarget owned by the guardian, who renounced it on one chain (nobody can pause it there);
 *  - temporary: a TemporarilyPausable whose pause window is the chain's (0 s: expired at once).
 */
async function deployContracts(chain: ChainClients, artifacts: { authorities: Artifacts; levers: Artifacts }, options: { timelockDelay: bigint; renounceGate: boolean; pauseWindow: bigint }): Promise<Deployed> {
  const admin = devAccount(0)
  const guardian = devAccount(1)
  const timelock = await deployChecksummed(chain, admin, artifacts.authorities.get('TimelockController'), [options.timelockDelay, [admin.address], [zeroAddress], zeroAddress])
  const governed = await deployChecksummed(chain, admin, artifacts.authorities.get('PausableTarget'), [timelock])
  const gate = await deployChecksummed(chain, admin, artifacts.authorities.get('PausableTarget'), [guardian.address])
  const temporary = await deployChecksummed(chain, admin, artifacts.levers.get('TemporarilyPausable'), [guardian.address, options.pauseWindow, 30n * ONE_DAY])
  if (options.renounceGate) await sendAll(chain, guardian, [{ address: gate, abi: artifacts.authorities.get('PausableTarget').abi, functionName: 'renounceOwnership', args: [] }])
  return { governed, timelock, gate, temporary }
}

describe('inspect on every chain of the manifest at once, and the drift between deployments', () => {
  const first = useDrillProtocol({ snapshotEachTest: false })
  /** The account given the PAUSER_ROLE on the second chain only. */
  const otherPauser: HDAccount = devAccount(8)
  const second = useSecondDrillChain(first, { deposit: false })
  let onMainnet: Deployed
  let onArbitrum: Deployed
  let dir: string
  let across: InspectAcrossChainsReturnType

  beforeAll(async () => {
    const { chain, protocol } = second
    await sendAll(chain, first.actors.admin, [{ address: protocol.vault.address, abi: protocol.vault.abi as Abi, functionName: 'grantRole', args: [PAUSER_ROLE, otherPauser.address] }])

    const artifacts = { authorities: await compileAuthorityFixtures(), levers: (await compileContracts({ sourcesDir: join(packageRoot, 'test', 'contracts', 'levers') })).artifacts }
    onMainnet = await deployContracts(first.chain, artifacts, { timelockDelay: TWO_DAYS, renounceGate: false, pauseWindow: 0n })
    onArbitrum = await deployContracts(chain, artifacts, { timelockDelay: ONE_DAY, renounceGate: true, pauseWindow: 90n * ONE_DAY })

    dir = mkdtempSync(join(tmpdir(), 'firebreak-inspect-chains-'))
    writeFileSync(join(dir, 'vault.abi.json'), JSON.stringify(first.protocol.vault.abi))
    writeFileSync(join(dir, 'target.abi.json'), JSON.stringify(artifacts.authorities.get('PausableTarget').abi))
    writeFileSync(join(dir, 'temporary.abi.json'), JSON.stringify(artifacts.levers.get('TemporarilyPausable').abi))
    across = await inspectAcrossChains({ manifest: loadManifest(manifest('both')) })
  })
  afterAll(async () => {
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  function manifest(name: string, arbitrumUrl = second.anvil.rpcUrl): string {
    const file = join(dir, `${name}.yaml`)
    const on = (chain: 'mainnet' | 'arbitrum', vault: Address, deployed: Deployed) => [
      { name: 'vault', chain, address: vault, abi: './vault.abi.json' },
      { name: 'governed', chain, address: deployed.governed, abi: './target.abi.json' },
      { name: 'gate', chain, address: deployed.gate, abi: './target.abi.json' },
      { name: 'temporary', chain, address: deployed.temporary, abi: './temporary.abi.json' },
    ]
    writeFileSync(
      file,
      stringify({
        chains: { mainnet: { rpcUrl: first.anvil.rpcUrl, chainId: 31337 }, arbitrum: { rpcUrl: arbitrumUrl, chainId: 31338 } },
        contracts: [...on('mainnet', first.protocol.vault.address, onMainnet), ...on('arbitrum', second.protocol.vault.address, onArbitrum)],
        authorities: [
          { name: 'guardian', type: 'eoa', address: first.actors.guardian.address },
          // One timelock by the team's name for it, at its own address on each chain.
          { name: 'governance', type: 'timelock', chain: 'mainnet', address: onMainnet.timelock },
          { name: 'governance', type: 'timelock', chain: 'arbitrum', address: onArbitrum.timelock },
        ],
      }),
    )
    return file
  }

  const driftOf = (contract: string): DeploymentDrift[] => across.drift.filter((item) => item.contract === contract)
  const signatures = (item: DeploymentDrift | undefined) => (item && 'levers' in item ? item.levers.map((lever) => lever.signature) : [])

  it('inspects both chains, each on its own node and with its own contracts', () => {
    expect(across.failed).toEqual([])
    const lower = (addresses: readonly Address[] | undefined) => addresses?.map((address) => address.toLowerCase())
    expect(across.chains.map((result) => [result.chain, result.inspection?.chainId, lower(result.inspection?.contracts.map((contract) => contract.address))])).toEqual([
      ['mainnet', 31337, lower([first.protocol.vault.address, onMainnet.governed, onMainnet.gate, onMainnet.temporary])],
      ['arbitrum', 31338, lower([second.protocol.vault.address, onArbitrum.governed, onArbitrum.gate, onArbitrum.temporary])],
    ])
  })

  it('reports a pause lever nobody can pull on one chain (ownership renounced) as missing there', () => {
    const [missing, ...rest] = driftOf('gate')
    expect(rest).toEqual([])
    expect(missing).toMatchObject({
      kind: 'lever-missing',
      severity: 'high',
      values: [
        { chain: 'mainnet', value: 'pullable' },
        { chain: 'arbitrum', value: 'held-by-nobody' },
      ],
    })
    // Every lever of the owner's goes with the ownership: they differ alike, and are said once.
    expect(missing?.message).toBe('gate: pause(), renounceOwnership(), transferOwnership(address), unpause() can be pulled on mainnet; in the code but no known account can pull it on arbitrum')
  })

  it("reports the vault's pause held by another account on the second chain, naming both holders, and nothing else of the vault", () => {
    const guardian = first.actors.guardian.address
    expect(driftOf('vault')).toEqual([
      expect.objectContaining({
        kind: 'holders',
        levers: [{ signature: 'pause()', kind: 'pause' }],
        message: `vault: pause() held by other accounts on each chain: EOA guardian ${guardian} on mainnet; EOA guardian ${guardian} and EOA ${otherPauser.address} on arbitrum`,
      }),
    ])
  })

  it("reports the timelock's delay differing between chains, with each delay, and takes the one named timelock for one authority", () => {
    const [delay, ...rest] = driftOf('governed')
    expect(rest).toEqual([])
    expect(delay).toMatchObject({
      kind: 'timelock-delay',
      severity: 'high',
      values: [
        { chain: 'mainnet', value: [{ address: onMainnet.timelock, label: 'governance', minDelay: TWO_DAYS }] },
        { chain: 'arbitrum', value: [{ address: onArbitrum.timelock, label: 'governance', minDelay: ONE_DAY }] },
      ],
    })
    expect(signatures(delay)).toEqual(expect.arrayContaining(['pause()', 'unpause()']))
    expect(delay?.message).toContain(`2-day timelock governance ${onMainnet.timelock} on mainnet; 1-day timelock governance ${onArbitrum.timelock} on arbitrum`)
  })

  it('reports a pause window expired on one chain and open on the other, and the pause that reverts there', () => {
    const window = driftOf('temporary').find((item) => item.kind === 'pause-window')
    expect(window?.values.map((value) => [value.chain, (value.value as { state: string }).state])).toEqual([
      ['mainnet', 'expired'],
      ['arbitrum', 'open'],
    ])
    const effect = driftOf('temporary').find((item) => item.kind === 'pause-effect')
    expect(effect?.values.map((value) => [value.chain, (value.value as { status: string }).status])).toEqual([
      ['mainnet', 'reverted'],
      ['arbitrum', 'pauses'],
    ])
    expect(effect?.message).toMatch(/^temporary: setPaused\(bool\) pauses on some chains and not on others: CANNOT BE PULLED \(.*PauseWindowExpired.*\) on mainnet; pauses \(getPausedState\(\) turns true\) on arbitrum$/)
  })

  it("names the chain whose node is down as failed, and inspects the other", async () => {
    const oneDown = await inspectAcrossChains({ manifest: loadManifest(manifest('both')), rpcUrls: { arbitrum: 'http://127.0.0.1:9' } })
    expect(oneDown.failed).toEqual(['arbitrum'])
    const [mainnet, arbitrum] = oneDown.chains
    expect(mainnet?.inspection?.contracts).toHaveLength(4)
    expect(arbitrum?.reason).toMatch(/^cannot reach the node at http:\/\/127\.0\.0\.1:9/)
    expect(oneDown.drift).toEqual([])
  })

  // The CLI runs from dist/: `npm test` builds first.
  describe('firebreak inspect', () => {
    it('prints each chain under its name, then the drift between deployments', async () => {
      const run = await runCli(['inspect', '--manifest', manifest('cli')])
      expect(run.code, run.stderr).toBe(0)
      expect(run.stdout).toMatch(/^=== mainnet ===\nReadiness of 4 contracts on chain 31337 at block \d+\n/)
      expect(run.stdout).toMatch(/\n=== arbitrum ===\nReadiness of 4 contracts on chain 31338 at block \d+\n/)
      expect(run.stdout).toMatch(/\nDrift between deployments \(\d+\), compared on mainnet, arbitrum\n/)
      expect(run.stdout).toMatch(new RegExp(`\\n  MEDIUM +vault: pause\\(\\) held by other accounts on each chain: .*EOA ${otherPauser.address} on arbitrum\\n`))
      expect(run.stdout).toMatch(/\n {2}HIGH +governed: .* wait another timelock delay on each chain: 2-day timelock governance .* on mainnet; 1-day timelock governance .* on arbitrum\n/)
    })

    it('gives {chains, drift} with --json', async () => {
      const run = await runCli(['inspect', '--json', '--manifest', manifest('json')])
      expect(run.code, run.stderr).toBe(0)
      const json = JSON.parse(run.stdout) as { chains: { chain: string; inspection: { chainId: number } }[]; drift: { contract: string; kind: string }[] }
      expect(json.chains.map((result) => [result.chain, result.inspection.chainId])).toEqual([
        ['mainnet', 31337],
        ['arbitrum', 31338],
      ])
      expect(json.drift.map((item) => `${item.contract}:${item.kind}`).sort()).toEqual(['gate:lever-missing', 'governed:timelock-delay', 'temporary:pause-effect', 'temporary:pause-window', 'vault:holders'])
    })

    it('narrows to the chains given with --chain; one chain is reported as a single-chain manifest is', async () => {
      const one = await runCli(['inspect', '--chain', 'arbitrum', '--manifest', manifest('narrow')])
      expect(one.code, one.stderr).toBe(0)
      expect(one.stdout).toMatch(/^Readiness of 4 contracts on chain 31338 at block \d+\n/)
      expect(one.stdout).not.toContain('Drift between deployments')
      const both = await runCli(['inspect', '--chain', 'arbitrum', '--chain', 'mainnet', '--manifest', manifest('narrow')])
      expect(both.stdout).toMatch(/^=== arbitrum ===\n[\s\S]*\n=== mainnet ===\n/)
    })

    it("exits 1 naming the chain whose node is down, after reporting the other", async () => {
      const run = await runCli(['inspect', '--manifest', manifest('one-down', 'http://127.0.0.1:9')])
      expect(run.code).toBe(1)
      expect(run.stdout).toMatch(/^=== mainnet ===\nReadiness of 4 contracts on chain 31337/)
      expect(run.stdout).toMatch(/\n=== arbitrum ===\nFAILED: cannot reach the node at http:\/\/127\.0\.0\.1:9/)
      expect(run.stdout).toContain('  not compared: only mainnet could be inspected')
      expect(run.stdout).toMatch(/\nFAILED on arbitrum \(cannot reach the node at http:\/\/127\.0\.0\.1:9.*\); inspected mainnet\n$/)
    })
  })
})
