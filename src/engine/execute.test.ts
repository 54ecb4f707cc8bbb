import { readFileSync } from 'node:fs'
import { type Server, createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { type Address, type Hash, type Hex, bytesToHex, keccak256, toHex } from 'viem'
import { mnemonicToAccount } from 'viem/accounts'
import { describe, expect, it } from 'vitest'
import { useDrillProtocol } from '../../test/fixtures/localChain.js'
import { useTempJournal } from '../../test/fixtures/tempJournal.js'
import { ANVIL_MNEMONIC, connect } from '../chain/index.js'
import { buildPausePlan, pausedIs } from '../../test/fixtures/pausePlan.js'
import { AuthorityMissingError, PostconditionFailedError, SimulationFailedError } from './errors.js'
import { type ExecuteOptions, executeStep } from './execute.js'
import { executorFor } from './executors/index.js'
import type { Authority, Plan, Step } from './plan.js'
import { runPhase } from './runPhase.js'

const drill = useDrillProtocol()
const { actors } = drill
const guardianAuthority: Authority = { kind: 'key', address: actors.guardian.address, label: 'guardian' }
const keyVariable = 'FIREBREAK_TEST_KEY'
/** anvil's development key of the guardian: public, but the journal must treat it as any key. */
const guardianKey = bytesToHex(mnemonicToAccount(ANVIL_MNEMONIC, { addressIndex: 1 }).getHdKey().privateKey!)
const attackerKey = bytesToHex(mnemonicToAccount(ANVIL_MNEMONIC, { addressIndex: 3 }).getHdKey().privateKey!)

const temp = useTempJournal('firebreak-engine-')

function pausePlan(authority: Authority = guardianAuthority): Plan {
  return buildPausePlan({ targets: [{ contract: drill.protocol.vault, authority }] })
}

/** A plan through the runner every phase uses, with nothing of a phase around it. */
function runBarePlan(plan: Plan, options: ExecuteOptions) {
  return runPhase({ ...options, build: async () => ({ chain: drill.chain, plan }) })
}

function onlyStep(plan: Plan): Step {
  const [step] = plan.steps
  if (!step) throw new Error('the plan has no step')
  return step
}

async function vaultPaused(): Promise<boolean> {
  return (await drill.chain.public.readContract({ ...drill.protocol.vault, functionName: 'paused' })) as boolean
}

/** Uncached: viem keeps a block number for its polling interval, longer than a test takes. */
function blockNumber(): Promise<bigint> {
  return drill.chain.public.getBlockNumber({ cacheTime: 0 })
}

async function withEnv<T>(name: string, value: string | undefined, run: () => Promise<T>): Promise<T> {
  const previous = process.env[name]
  if (value === undefined) delete process.env[name]
  else process.env[name] = value
  try {
    return await run()
  } finally {
    if (previous === undefined) delete process.env[name]
    else process.env[name] = previous
  }
}

describe('runPhase', () => {
  it('pauses the vault as the guardian, simulating on a fork first and journaling every transition', async () => {
    const before = await blockNumber()

    const outcome = await runBarePlan(pausePlan(), { journal: temp.journal, accounts: [actors.guardian] })

    expect(await vaultPaused()).toBe(true)
    expect(temp.types()).toEqual(['plan.built', 'plan.simulated', 'step.sent', 'step.mined', 'step.verified', 'step.done', 'plan.done'])
    // The simulation's own pause happened on the fork: the real chain only gained the one transaction.
    expect(await blockNumber()).toBe(before + 1n)
    expect(outcome.simulation.forkBlock).toBe(before)
    expect(outcome.steps).toMatchObject([{ stepId: 'pause-vault', status: 'done', blockNumber: before + 1n }])
    expect(temp.data('step.sent').executor).toBe(`key guardian ${actors.guardian.address}`)
    expect(temp.data('step.verified').checks).toMatchObject([{ description: 'vault.paused() is true', passed: true, actual: 'true' }])
  })

  it('refuses a plan whose postcondition fails on the fork, and sends nothing', async () => {
    const plan = pausePlan()
    onlyStep(plan).postconditions.push(pausedIs(drill.protocol.vault, false))
    const before = await blockNumber()

    const running = runBarePlan(plan, { journal: temp.journal, accounts: [actors.guardian] })

    await expect(running).rejects.toThrow(SimulationFailedError)
    await expect(running).rejects.toThrow('vault.paused() is false (expected false, got true)')
    expect(temp.types()).toEqual(['plan.built', 'plan.simulated', 'plan.failed'])
    expect(temp.data('plan.simulated').ok).toBe(false)
    expect(temp.data('plan.failed').stage).toBe('simulation')
    expect(await vaultPaused()).toBe(false)
    expect(await blockNumber()).toBe(before)
  })

  it('refuses a step that reverts on the fork, naming the decoded custom error', async () => {
    const plan = pausePlan({ kind: 'impersonate', address: actors.attacker.address, label: 'attacker' })

    const error = await runBarePlan(plan, { journal: temp.journal }).catch((caught: unknown) => caught)

    expect(error).toBeInstanceOf(SimulationFailedError)
    const pauserRole = keccak256(toHex('PAUSER_ROLE'))
    expect((error as SimulationFailedError).shortMessage).toContain(`AccessControlUnauthorizedAccount(${actors.attacker.address}, ${pauserRole})`)
    expect(temp.types()).toEqual(['plan.built', 'plan.simulated', 'plan.failed'])
    expect(temp.data('plan.simulated').steps).toMatchObject([{ stepId: 'pause-vault', status: 'reverted' }])
    expect(await vaultPaused()).toBe(false)
  })

  it("runs a phase in order: its start, the plan shown, its simulation's gate, each step verified, its own proof, its end", async () => {
    const seen: string[] = []

    const outcome = await runPhase({
      journal: temp.journal,
      accounts: [actors.guardian],
      started: () => void seen.push('started'),
      build: async () => ({ chain: drill.chain, plan: pausePlan(), done: 'paused', detail: { incident: 'drill' }, shown: { notes: ['the guardian holds the pause'] } }),
      onProgress: (event) => void seen.push(event.stage === 'planned' ? `planned: ${event.notes.join('; ')}` : event.stage === 'step' ? `step ${event.step.id}` : event.stage),
      checkSimulation: (simulation) => void seen.push(`gate: simulation ${simulation.ok ? 'passed' : 'failed'}`),
      verify: async (done) => {
        seen.push(`verify: vault paused ${await vaultPaused()}`)
        return done
      },
      finished: (done) => void seen.push(`finished ${done.status}`),
      failed: () => void seen.push('failed'),
    })

    expect(seen).toEqual(['started', 'planned: the guardian holds the pause', 'gate: simulation passed', 'simulated', 'prepared', 'step pause-vault', 'verify: vault paused true', 'finished paused'])
    expect(outcome).toMatchObject({ status: 'paused', incident: 'drill', steps: [{ stepId: 'pause-vault', status: 'done' }] })
    expect(temp.types()).toEqual(['plan.built', 'plan.simulated', 'step.sent', 'step.mined', 'step.verified', 'step.done', 'plan.done'])
  })

  it('lets a phase say in its own words why it stopped, and record it, when its simulation fails', async () => {
    const plan = pausePlan()
    onlyStep(plan).postconditions.push(pausedIs(drill.protocol.vault, false))
    const recorded: string[] = []

    const error = await runPhase({
      journal: temp.journal,
      accounts: [actors.guardian],
      build: async () => ({ chain: drill.chain, plan }),
      explainFailure: (caught) => new Error(`the pause was not sent: ${(caught as SimulationFailedError).shortMessage}`),
      finished: () => void recorded.push('finished'),
      failed: (stopped) => void recorded.push((stopped as Error).message),
    }).catch((caught: unknown) => caught)

    expect((error as Error).message).toMatch(/^the pause was not sent: plan "pause vault" was not executed: step "pause vault as guardian" runs on a fork but its check fails: vault.paused\(\) is false/)
    expect(recorded).toEqual([(error as Error).message])
    expect(temp.types()).toEqual(['plan.built', 'plan.simulated', 'plan.failed'])
    expect(await vaultPaused()).toBe(false)
  })
})

describe('executeStep', () => {
  it('sends the step but does not mark it done when its postcondition fails on chain', async () => {
    const plan = pausePlan()
    const step = onlyStep(plan)
    step.postconditions.push(pausedIs(drill.protocol.vault, false))

    const error = await executeStep(drill.chain, plan, step, { journal: temp.journal, accounts: [actors.guardian] }).catch((caught: unknown) => caught)

    expect(error).toBeInstanceOf(PostconditionFailedError)
    expect((error as PostconditionFailedError).failed).toMatchObject([{ description: 'vault.paused() is false', expected: 'false', actual: 'true' }])
    expect(temp.types()).toEqual(['step.sent', 'step.mined', 'step.verified', 'step.failed'])
    expect(temp.data('step.failed').stage).toBe('verification')
    expect(temp.journal.filter('step.done')).toHaveLength(0)
  })

  it('skips a step the journal already shows done, after the incident is reopened', async () => {
    const plan = pausePlan()
    await executeStep(drill.chain, plan, onlyStep(plan), { journal: temp.journal, accounts: [actors.guardian] })
    const blockAfterFirstRun = await blockNumber()

    const reopened = temp.reopen()
    const outcome = await executeStep(drill.chain, plan, onlyStep(plan), { journal: reopened, accounts: [actors.guardian] })

    expect(outcome).toEqual({ stepId: 'pause-vault', status: 'skipped', checks: [] })
    expect(await blockNumber()).toBe(blockAfterFirstRun)
    expect(reopened.filter('step.sent')).toHaveLength(1)
  })

  it('waits for the transaction of an interrupted run instead of sending the step again', async () => {
    const plan = pausePlan()
    const step = onlyStep(plan)
    const nonceBefore = await drill.chain.public.getTransactionCount({ address: actors.guardian.address })
    // The previous run sent the pause and died before it could journal the receipt.
    const sentHash: Hash = await drill.chain.wallet(actors.guardian).sendTransaction(step.actions[0]!.call)
    temp.journal.append('step.sent', { planId: plan.id, stepId: step.id, txHash: sentHash, executor: 'key guardian', calls: [step.actions[0]!.call] })

    const outcome = await executeStep(drill.chain, plan, step, { journal: temp.journal, accounts: [actors.guardian] })

    expect(outcome.status).toBe('done')
    expect(outcome.txHash).toBe(sentHash)
    expect(await drill.chain.public.getTransactionCount({ address: actors.guardian.address })).toBe(nonceBefore + 1)
    expect(await vaultPaused()).toBe(true)
    expect(temp.types()).toEqual(['step.sent', 'step.mined', 'step.verified', 'step.done'])
    expect(temp.data('step.mined').txHash).toBe(sentHash)
  })

  it('journals the signed transaction before broadcasting it; a run killed in between broadcasts that one, not a second', async () => {
    const plan = pausePlan()
    const step = onlyStep(plan)
    const nonceBefore = await drill.chain.public.getTransactionCount({ address: actors.guardian.address })
    // The previous run signed and journaled the pause, and died before any node saw it.
    let journaled: { hash: Hash; serialized: Hex } | undefined
    const executor = await executorFor({ chain: drill.chain, plan, step, journal: temp.journal, accounts: [actors.guardian] })
    await executor.send((signed) => {
      journaled = signed
      throw new Error('killed before the broadcast')
    }).catch(() => undefined)
    temp.journal.append('step.sent', { planId: plan.id, stepId: step.id, txHash: journaled!.hash, executor: executor.describe, serialized: journaled!.serialized, calls: step.actions.map((action) => action.call) })
    expect(await vaultPaused()).toBe(false)

    const outcome = await executeStep(drill.chain, plan, step, { journal: temp.journal, accounts: [actors.guardian] })

    expect(outcome.txHash).toBe(journaled!.hash)
    expect(await vaultPaused()).toBe(true)
    expect(await drill.chain.public.getTransactionCount({ address: actors.guardian.address })).toBe(nonceBefore + 1)
    expect(temp.types()).toEqual(['step.sent', 'step.mined', 'step.verified', 'step.done'])
  })
})

describe('key executor', () => {
  const envAuthority: Authority = { ...guardianAuthority, keyEnv: keyVariable }

  it('names the environment variable to set when it holds no key, sends nothing, and journals the failed send', async () => {
    const plan = pausePlan(envAuthority)

    const error = await withEnv(keyVariable, undefined, () => executeStep(drill.chain, plan, onlyStep(plan), { journal: temp.journal }).catch((caught: unknown) => caught))

    expect(error).toBeInstanceOf(AuthorityMissingError)
    expect((error as AuthorityMissingError).shortMessage).toContain(keyVariable)
    expect(temp.types()).toEqual(['step.failed'])
    expect(temp.data('step.failed').stage).toBe('send')
    expect(await vaultPaused()).toBe(false)
  })

  it('refuses the key of another account, naming both addresses', async () => {
    const plan = pausePlan(envAuthority)

    const error = await withEnv(keyVariable, attackerKey, () => executeStep(drill.chain, plan, onlyStep(plan), { journal: temp.journal }).catch((caught: unknown) => caught))

    expect(error).toBeInstanceOf(AuthorityMissingError)
    expect((error as AuthorityMissingError).shortMessage).toContain(actors.attacker.address)
    expect((error as AuthorityMissingError).shortMessage).toContain(actors.guardian.address)
    expect(await vaultPaused()).toBe(false)
  })

  it('pauses as the guardian with the key read from the environment', async () => {
    const plan = pausePlan(envAuthority)

    const outcome = await withEnv(keyVariable, guardianKey, () => executeStep(drill.chain, plan, onlyStep(plan), { journal: temp.journal }))

    expect(outcome.status).toBe('done')
    expect(await vaultPaused()).toBe(true)
    const sent = await drill.chain.public.getTransaction({ hash: outcome.txHash! })
    expect(sent.from.toLowerCase()).toBe(actors.guardian.address.toLowerCase())
  })

  it('never writes a key read from the environment to the journal', async () => {
    await withEnv(keyVariable, guardianKey, () => runBarePlan(pausePlan(envAuthority), { journal: temp.journal }))

    expect(temp.journal.last()?.type).toBe('plan.done')
    const journalText = readFileSync(temp.journal.path, 'utf8').toLowerCase()
    expect(journalText).toContain(actors.guardian.address.toLowerCase())
    expect(journalText).not.toContain(guardianKey.toLowerCase())
    expect(journalText).not.toContain(guardianKey.slice(2).toLowerCase())
  })
})

describe('impersonate executor', () => {
  /** A pauser whose key nobody holds here, e.g. a multisig rehearsed on a fork. */
  const keylessPauser: Address = '0x00000000000000000000000000000000C0FFEE01'

  it('pauses as an address whose key firebreak does not hold, on a local chain', async () => {
    const roleHash = await drill.chain.wallet(actors.admin).writeContract({
      ...drill.protocol.vault,
      functionName: 'grantRole',
      args: [keccak256(toHex('PAUSER_ROLE')), keylessPauser],
    } as never)
    await drill.chain.public.waitForTransactionReceipt({ hash: roleHash })

    const outcome = await runBarePlan(pausePlan({ kind: 'impersonate', address: keylessPauser, label: 'pauser multisig' }), { journal: temp.journal })

    expect(await vaultPaused()).toBe(true)
    const sent = await drill.chain.public.getTransaction({ hash: outcome.steps[0]!.txHash! })
    expect(sent.from.toLowerCase()).toBe(keylessPauser.toLowerCase())
    expect(temp.data('step.sent').executor).toBe(`impersonated pauser multisig ${keylessPauser}`)
  })

  it('refuses to impersonate on a node that is not anvil', async () => {
    const node = await startPlainNode()
    try {
      const remote = await connect(node.rpcUrl)
      const authority: Authority = { kind: 'impersonate', address: keylessPauser, label: 'pauser multisig' }

      const plan = pausePlan(authority)
      const error = await executorFor({ chain: remote, plan, step: onlyStep(plan), journal: temp.journal }).catch((caught: unknown) => caught)

      expect(error).toBeInstanceOf(AuthorityMissingError)
      expect((error as AuthorityMissingError).shortMessage).toContain('is not a local chain or fork')
    } finally {
      await node.stop()
    }
  })
})

/** A JSON-RPC node that knows its chain id and nothing of anvil's methods, as a real network's node. */
async function startPlainNode(): Promise<{ rpcUrl: string; stop(): Promise<void> }> {
  const answer = (request: { id: unknown; method: string }) =>
    request.method === 'eth_chainId'
      ? { jsonrpc: '2.0', id: request.id, result: '0x1' }
      : { jsonrpc: '2.0', id: request.id, error: { code: -32601, message: `the method ${request.method} does not exist` } }
  const server: Server = createServer((request, response) => {
    let body = ''
    request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')))
    request.on('end', () => {
      const parsed = JSON.parse(body) as { id: unknown; method: string } | { id: unknown; method: string }[]
      response.setHeader('content-type', 'application/json')
      response.end(JSON.stringify(Array.isArray(parsed) ? parsed.map(answer) : answer(parsed)))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    rpcUrl: `http://127.0.0.1:${port}`,
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  }
}
