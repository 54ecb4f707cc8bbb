import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type Abi, type Address, type LocalAccount, encodeFunctionData, getAddress, keccak256, parseAbi, parseEther, toHex, zeroAddress, zeroHash } from 'viem'
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { devAccount } from '../src/chain/devAccounts.js'
import { runAttack } from '../src/drill/scenario.js'
import { safeAbi } from '../src/engine/executors/safe/abi.js'
import { buildSafeTransaction } from '../src/engine/executors/safe/safeTransaction.js'
import { signSafeTransactionFile } from '../src/engine/executors/safe/signSafeTransactionFile.js'
import { encodeSignatures, signSafeTransaction } from '../src/engine/executors/safe/signatures.js'
import { loadManifest } from '../src/manifest/loadManifest.js'
import type { Artifacts } from '../src/solidity/artifacts.js'
import { type Alert, type AlertCode, formatAlert } from '../src/watch/alerts.js'
import { armedFees } from '../src/watch/signArmed.js'
import { type Watcher, startWatcher } from '../src/watch/watcher.js'
import { compileAuthorityFixtures, deployChecksummed } from './fixtures/authorities.js'
import { useDrillProtocol } from './fixtures/localChain.js'
import { writeTestManifest } from './fixtures/manifest.js'
import { deployBalancerVault } from './fixtures/realProtocols/balancer.js'
import { deploySafe } from './fixtures/safe.js'
import { type WebhookServer, startWebhookServer } from './fixtures/webhookServer.js'

const PAUSER_ROLE = keccak256(toHex('PAUSER_ROLE'))
const ONE_DAY = 24n * 60n * 60n
const TWO_DAYS = 2n * ONE_DAY
const pausedAbi = parseAbi(['function paused() view returns (bool)'])

/**
 * A running watcher and the chain changing under it: each drift it must notice (a right moved, a
 * delay changed, a pre-signed Safe transaction overtaken, a pause window closing, a key drained,
 * a lever only a person may pull), seen where the war room sees it (the webhook) and where the
 * post-mortem reads it (the watcher's journal), with the figure that changed.
 */
describe('firebreak watch: drift under a running watcher', () => {
  const local = useDrillProtocol()
  const { actors } = local
  /** Listed as an authority, holds no lever: the one the watcher is allowed to act through in the last test. */
  const bystander = devAccount(8)
  /** Safe owners and the Safe's submitter: anvil accounts the drill does not use. */
  const owners = [devAccount(10), devAccount(11), devAccount(12)] as const
  const submitter = devAccount(14)
  let authorityArtifacts: Artifacts
  let webhook: WebhookServer
  let dir: string
  let watcher: Watcher | undefined

  beforeAll(async () => {
    authorityArtifacts = await compileAuthorityFixtures()
  })
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'firebreak-watch-drift-'))
    webhook = await startWebhookServer()
  })
  afterEach(async () => {
    await watcher?.stop()
    watcher = undefined
    await webhook.close()
    rmSync(dir, { recursive: true, force: true })
  })

  type ManifestOptions = {
    contracts?: { name: string; address: Address; abi: Abi }[]
    authorities?: Record<string, unknown>[]
    normalOperations?: Record<string, unknown>[]
    watch?: Record<string, unknown>
  }

  /** The drill's vault, the guardian (automatic) and governance (not), with an invariant on the vault's assets. */
  function manifestFile(options: ManifestOptions = {}): string {
    const { vault } = local.protocol
    return writeTestManifest(dir, {
      rpcUrl: local.anvil.rpcUrl,
      contracts: options.contracts ?? [{ name: 'vault', address: vault.address, abi: vault.abi }],
      authorities: [
        { name: 'guardian', type: 'eoa', address: actors.guardian.address },
        { name: 'governance', type: 'eoa', address: actors.admin.address },
        ...(options.authorities ?? []),
      ],
      ...(options.normalOperations ? { normalOperations: options.normalOperations } : {}),
      watch: {
        automatic: ['guardian'],
        webhooks: [{ url: webhook.url }],
        triggers: options.contracts ? [] : [{ name: 'assets-drop', invariant: { contract: 'vault', function: 'totalAssets()', maxDropPercent: 10 } }],
        ...options.watch,
      },
    })
  }

  async function start(file: string, options: { accounts?: readonly LocalAccount[]; signatureFiles?: readonly string[] } = {}): Promise<Watcher> {
    watcher = await startWatcher({
      manifest: loadManifest(file),
      accounts: options.accounts ?? [actors.guardian],
      ...(options.signatureFiles ? { signatureFiles: options.signatureFiles } : {}),
      watchRoot: join(dir, 'watch'),
      incidentsRoot: join(dir, 'incidents'),
      pollMs: 50,
    })
    return watcher
  }

  /**
   * The first alert of `code` whose line matches `line`, as the webhook received it; the same alert
   * must already be in the watcher's journal (it is journaled before it is posted).
   */
  async function alerted(code: AlertCode, line: RegExp): Promise<Alert> {
    const body = await webhook.waitFor((each) => (each.alert as Alert | undefined)?.code === code && line.test(String(each.text)))
    const alert = body.alert as Alert
    expect(body.text).toBe(`firebreak: ${formatAlert(alert)}`)
    expect(journaledAlerts()).toContainEqual(alert)
    return alert
  }

  function journaledAlerts(): Alert[] {
    return watcher!.journal.journal
      .entries()
      .filter((entry) => entry.type === 'watch.alert')
      .map((entry) => entry.data as Alert)
  }

  /** Resolves once the watcher has journaled its reading of block `blockNumber` (it does when a value it reads changed). */
  async function readBy(blockNumber: bigint): Promise<void> {
    for (let waited = 0; waited < 10_000; waited += 20) {
      const read = watcher!.journal.journal.entries().some((entry) => entry.type === 'watch.readiness' && (entry.data as { blockNumber: string }).blockNumber === String(blockNumber))
      if (read) return
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
    throw new Error(`the watcher did not read block ${blockNumber} within 10 s`)
  }

  async function write(from: LocalAccount, call: { address: Address; abi: Abi; functionName: string; args?: readonly unknown[] }): Promise<bigint> {
    const hash = await local.chain.wallet(from as never).writeContract(call as never)
    const receipt = await local.chain.public.waitForTransactionReceipt({ hash })
    if (receipt.status !== 'success') throw new Error(`${call.functionName} reverted in ${hash}`)
    return receipt.blockNumber
  }

  const vaultCall = (functionName: string, args: readonly unknown[]) => ({ address: local.protocol.vault.address, abi: local.protocol.vault.abi, functionName, args })

  it('says a PAUSER_ROLE moved from the guardian, and that no automatic authority can pause the vault any more', async () => {
    const { guardian, admin, treasury } = actors
    const vault = getAddress(local.protocol.vault.address)
    const running = await start(manifestFile({ authorities: [{ name: 'treasury', type: 'eoa', address: treasury.address }] }))
    expect(running.armed().transactions.map((each) => each.from)).toEqual([guardian.address])

    // Granted first: between the two blocks the vault always has a holder, so what the watcher says of it does not depend on which blocks it saw.
    const grantedAt = await write(admin, vaultCall('grantRole', [PAUSER_ROLE, treasury.address]))
    const revokedAt = await write(admin, vaultCall('revokeRole', [PAUSER_ROLE, guardian.address]))

    const revoked = await alerted('holder-changed', /PAUSER_ROLE revoked/)
    expect(revoked).toEqual({ code: 'holder-changed', severity: 'warning', subject: 'vault', message: `PAUSER_ROLE revoked from guardian (${guardian.address}) on vault (${vault}) (block ${revokedAt})` })
    const granted = await alerted('holder-changed', /PAUSER_ROLE granted/)
    expect(granted.message).toBe(`PAUSER_ROLE granted to treasury (${treasury.address}) on vault (${vault}) (block ${grantedAt})`)

    // The armed pause would now revert: re-armed, the plan has nothing automatic left to send.
    const exposed = await alerted('not-automatic', /vault/)
    expect(exposed).toEqual({ code: 'not-automatic', severity: 'critical', subject: 'vault', message: 'pause vault: no authority under watch.automatic (guardian) holds it, and the watcher acts through no other' })
    expect(running.armed().transactions).toEqual([])
    // Not also plan-fails: the re-armed plan has nothing to simulate, and the exposed vault says why.
    expect(journaledAlerts().map((alert) => alert.code).sort()).toEqual(['holder-changed', 'holder-changed', 'not-automatic'])
  })

  it('says a timelock on a pause path changed its own delay, from two days to one', async () => {
    const { admin, treasury } = actors
    // Governance proposes, anyone executes, the timelock administers itself: OpenZeppelin's recommended setup.
    const timelock = await deployChecksummed(local.chain, admin, authorityArtifacts.get('TimelockController'), [TWO_DAYS, [admin.address], [zeroAddress], zeroAddress])
    const timelockAbi = authorityArtifacts.get('TimelockController').abi
    await write(admin, vaultCall('grantRole', [PAUSER_ROLE, timelock]))
    const running = await start(manifestFile({ authorities: [{ name: 'governance-timelock', type: 'timelock', address: timelock }] }))
    const pausePaths = running.armed().planned.inspection.contracts[0]!.levers.flatMap((lever) => lever.paths.map((path) => path.nodes.map((node) => node.address)))
    expect(pausePaths).toContainEqual([admin.address, timelock])

    const updateDelay = encodeFunctionData({ abi: timelockAbi, functionName: 'updateDelay', args: [ONE_DAY] })
    const operation = [timelock, 0n, updateDelay, zeroHash, zeroHash] as const
    await write(admin, { address: timelock, abi: timelockAbi, functionName: 'schedule', args: [...operation, TWO_DAYS] })
    await local.chain.test.increaseTime({ seconds: Number(TWO_DAYS) })
    await local.chain.test.mine({ blocks: 1 })
    const changedAt = await write(treasury, { address: timelock, abi: timelockAbi, functionName: 'execute', args: operation })

    const changed = await alerted('delay-changed', /delay changed/)
    expect(changed).toEqual({ code: 'delay-changed', severity: 'warning', subject: 'governance-timelock', message: `timelock ${timelock}'s delay changed from 172800 s to 86400 s` })
    const event = await alerted('holder-changed', /delay changed/)
    expect(event.message).toBe(`timelock governance-timelock (${timelock})'s delay changed from 172800 s to 86400 s (block ${changedAt})`)
  })

  it('says the Safe moved past the nonce its owners pre-signed the pause for', async () => {
    const { guardian, admin, treasury } = actors
    const safe = await deploySafe(local.chain, { deployer: admin, owners: owners.map((owner) => owner.address), threshold: 2 })
    await local.chain.test.setBalance({ address: submitter.address, value: parseEther('10') })
    await write(admin, vaultCall('grantRole', [PAUSER_ROLE, safe]))
    await write(admin, vaultCall('revokeRole', [PAUSER_ROLE, guardian.address]))
    const file = manifestFile({
      authorities: [
        { name: 'council', type: 'safe', address: safe, submitter: 'relayer' },
        { name: 'relayer', type: 'eoa', address: submitter.address },
      ],
      watch: { automatic: ['council', 'relayer'] },
    })

    // First run: nobody has signed yet, so the watcher writes the Safe transaction and says so.
    const unsigned = await start(file, { accounts: [submitter] })
    const missing = await alerted('signatures-missing', /council/)
    expect(missing.severity).toBe('critical')
    expect(missing.message).toMatch(/has 0 of the 2 owner signatures it needs/)
    expect(unsigned.armed().transactions).toEqual([])
    const safeTxDir = join(unsigned.journal.dir, 'safe-tx')
    const [safeTxFile] = readdirSync(safeTxDir)
    expect(missing.message).toContain(join(safeTxDir, safeTxFile!))
    await unsigned.stop()

    // Two owners sign on their own machines; the watcher is started again with their signatures.
    const signatureFiles: string[] = []
    for (const owner of owners.slice(0, 2)) {
      const out = join(dir, `${owner.address}.signature.json`)
      await signSafeTransactionFile({ file: join(safeTxDir, safeTxFile!), account: owner, out })
      signatureFiles.push(out)
    }
    const running = await start(file, { accounts: [submitter], signatureFiles })
    const [armed] = running.armed().transactions
    expect(armed?.from).toBe(submitter.address)
    expect(armed?.safe).toMatchObject({ address: safe, nonce: 0n })

    // The Safe spends nonce 0 on something else: the pre-signed pause can never execute.
    const other = buildSafeTransaction([{ to: treasury.address, value: 0n, data: '0x' }], { nonce: 0n, multiSend: zeroAddress })
    const signatures = await Promise.all(owners.slice(1).map(async (owner) => ({ owner: owner.address, kind: 'eip712' as const, source: 'test', signature: await signSafeTransaction(owner, local.chain.chain.id, safe, other) })))
    await write(admin, {
      address: safe,
      abi: safeAbi,
      functionName: 'execTransaction',
      args: [other.to, other.value, other.data, other.operation, other.safeTxGas, other.baseGas, other.gasPrice, other.gasToken, other.refundReceiver, encodeSignatures(signatures, 2)],
    })

    const stale = await alerted('presigned-stale', /council/)
    expect(stale).toEqual({
      code: 'presigned-stale',
      severity: 'critical',
      subject: 'council',
      message: `the pre-signed Safe transaction ${armed!.safe!.safeTxHash} is for nonce 0, but Safe ${safe}'s nonce is now 1: it can never execute; run firebreak arm and have the owners sign again`,
    })
    expect(running.armed().transactions).toEqual([])
    // It holds until the owners sign again: a quiet block (nothing journaled to wait on, so ten
    // polls of the watcher) must not say it resolved.
    await local.chain.test.mine({ blocks: 1 })
    await new Promise((resolve) => setTimeout(resolve, 500))
    expect(journaledAlerts().filter((alert) => alert.code === 'resolved')).toEqual([])
  })

  it('warns as the Balancer Vault pause window nears its end, and says it is critical once it has closed', async () => {
    const { guardian, admin } = actors
    const stranger = devAccount(6)
    // The pause granted to the automatic guardian through Balancer's Authorizer, as a team arming a watcher would.
    const balancer = await deployBalancerVault(local.chain, { governance: admin, pauser: guardian.address, pauseWindowDuration: 2n * 3600n, bufferPeriodDuration: 3600n })
    await start(
      manifestFile({
        contracts: [{ name: 'BalancerVault', address: balancer.addresses.vault, abi: balancer.abis.vault }],
        normalOperations: [{ description: 'anyone registers a pool with the Balancer Vault', from: stranger.address, contract: 'BalancerVault', function: 'registerPool', args: [0] }],
        watch: { pauseWindowWarningSeconds: 3600 },
      }),
    )
    const closesAt = new Date(Number(balancer.pauseWindowEndTime) * 1000).toISOString()

    await local.chain.test.setNextBlockTimestamp({ timestamp: balancer.pauseWindowEndTime - 1800n })
    await local.chain.test.mine({ blocks: 1 })
    const warning = await alerted('pause-window', /closes at/)
    expect(warning).toEqual({
      code: 'pause-window',
      severity: 'warning',
      subject: 'BalancerVault',
      message: `its pause window closes at ${closesAt} (getPausedState()), in 30 minutes of chain time: after that it cannot be paused`,
    })

    // Ten minutes on, a block the watcher is seen to read (the guardian's balance moved by a wei): the warning is not said again.
    await local.chain.test.setBalance({ address: guardian.address, value: (await local.chain.public.getBalance({ address: guardian.address })) - 1n })
    await local.chain.test.setNextBlockTimestamp({ timestamp: balancer.pauseWindowEndTime - 1200n })
    await local.chain.test.mine({ blocks: 1 })
    await readBy(await local.chain.public.getBlockNumber())

    await local.chain.test.setNextBlockTimestamp({ timestamp: balancer.pauseWindowEndTime + 1n })
    await local.chain.test.mine({ blocks: 1 })
    const closed = await alerted('pause-window', /closed at/)
    expect(closed).toEqual({ code: 'pause-window', severity: 'critical', subject: 'BalancerVault', message: `its pause window closed at ${closesAt} (getPausedState()): it can no longer be paused` })
    expect(journaledAlerts().filter((alert) => alert.code === 'pause-window').map((alert) => alert.severity)).toEqual(['warning', 'critical'])
    // The armed setPaused(true) now reverts: armed again, the Vault has no automatic pause left.
    const unpausable = await alerted('not-automatic', /BalancerVault/)
    expect(unpausable).toEqual({
      code: 'not-automatic',
      severity: 'critical',
      subject: 'BalancerVault',
      message: `cannot be paused by firebreak: setPaused(bool): pulled by ${guardian.address}, it reverts with Error("BAL#403")`,
    })
    expect(watcher!.armed().transactions).toEqual([])
  })

  it('says the guardian cannot pay for the pause when its balance drops to 1 wei, and says so again when it is funded', async () => {
    const { guardian } = actors
    const running = await start(manifestFile())
    const funded = await local.chain.public.getBalance({ address: guardian.address })

    await local.chain.test.setBalance({ address: guardian.address, value: 1n })
    await local.chain.test.mine({ blocks: 1 })
    const unfunded = await alerted('key-unfunded', /holds 1 wei/)
    // The armed pause's gas at the fee cap it would be signed with on the next block (base fee up 12.5 % at most).
    const { baseFeePerGas } = await local.chain.public.getBlock({ blockTag: 'latest' })
    const [pause] = running.armed().transactions
    const needed = pause!.gas * armedFees(baseFeePerGas! + (baseFeePerGas! + 7n) / 8n).maxFeePerGas
    expect(unfunded).toEqual({
      code: 'key-unfunded',
      severity: 'critical',
      subject: 'guardian',
      message: `${guardian.address} holds 1 wei, less than the ${needed} wei its armed transactions may cost at the next block's fees: fund it, or the pause will not be accepted`,
    })

    await local.chain.test.setBalance({ address: guardian.address, value: funded })
    await local.chain.test.mine({ blocks: 1 })
    const resolved = await alerted('resolved', /key-unfunded/)
    expect(resolved).toEqual({ code: 'resolved', severity: 'info', subject: 'guardian', message: 'key-unfunded no longer holds' })
    expect(webhook.received.map((body) => body.text)).toContain('firebreak: RESOLVED guardian: key-unfunded no longer holds')
  })

  it('never acts through an authority not marked automatic, even with its key at hand, when the attack breaks the invariant', async () => {
    const { guardian, admin } = actors
    const { vault } = local.protocol
    // Governance holds the pause too now: two holders, neither of them automatic.
    await write(admin, vaultCall('grantRole', [PAUSER_ROLE, admin.address]))
    const file = manifestFile({ authorities: [{ name: 'bystander', type: 'eoa', address: bystander.address }], watch: { automatic: ['bystander'] } })
    // Every key at hand, the holders' included: only watch.automatic decides whom the watcher acts through.
    const running = await start(file, { accounts: [guardian, admin, bystander] })
    const exposed = await alerted('not-automatic', /vault/)
    expect(exposed).toEqual({ code: 'not-automatic', severity: 'critical', subject: 'vault', message: 'pause vault: no authority under watch.automatic (bystander) holds it, and the watcher acts through no other' })
    expect(running.armed().transactions).toEqual([])
    const sentBefore = await nonces([guardian.address, admin.address, bystander.address])
    const assetsBefore = await totalAssets()

    const attack = await runAttack(local.chain, local.artifacts, local.protocol, actors)
    const triggered = await alerted('triggered', /assets-drop/)
    expect(triggered).toMatchObject({ severity: 'critical', subject: 'assets-drop' })
    // Seen pending (simulated before it was mined) or in its block, whichever loop of the watcher was first.
    const drop = `vault.totalAssets() fell from ${assetsBefore} to ${await totalAssets()} (-95.00 %, more than 10 %)`
    const nothingArmed = 'nothing is armed to send: contain by hand'
    expect([`${drop}; ${nothingArmed}`, `${drop} if pending transaction ${attack.txHash} is mined (pending ${attack.txHash}); ${nothingArmed}`]).toContain(triggered.message)
    // Fired by hand (the benchmark's and a person's way in): still nothing to send.
    const [trigger] = loadManifest(file).watch!.triggers
    expect(await running.fire({ trigger: trigger!, detail: 'fired by hand', blockNumber: await local.chain.public.getBlockNumber() })).toBeUndefined()

    expect(await nonces([guardian.address, admin.address, bystander.address])).toEqual(sentBefore)
    expect(await local.chain.public.readContract({ address: vault.address, abi: pausedAbi, functionName: 'paused' })).toBe(false)
    expect(running.responses).toEqual([])
  })

  function totalAssets(): Promise<bigint> {
    return local.chain.public.readContract({ ...local.protocol.vault, functionName: 'totalAssets' }) as Promise<bigint>
  }

  function nonces(addresses: Address[]): Promise<number[]> {
    return Promise.all(addresses.map((address) => local.chain.public.getTransactionCount({ address })))
  }
})
