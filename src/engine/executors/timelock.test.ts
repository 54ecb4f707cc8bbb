import { type Address, type Hex, keccak256, parseAbi, parseEther, toHex, zeroHash } from 'viem'
import { beforeAll, describe, expect, it } from 'vitest'
import { type GovernedTarget, TWO_DAYS, compileAuthorityFixtures, deployGovernedTarget } from '../../../test/fixtures/authorities.js'
import { useLocalChain } from '../../../test/fixtures/localChain.js'
import { useTempJournal } from '../../../test/fixtures/tempJournal.js'
import { devAccount } from '../../chain/devAccounts.js'
import { buildPausePlan } from '../../../test/fixtures/pausePlan.js'
import type { Artifacts } from '../../solidity/artifacts.js'
import { SimulationFailedError } from '../errors.js'
import type { ExecuteOptions } from '../execute.js'
import { type Authority, type ContractRef, type Plan, type Step, contractCall } from '../plan.js'
import { runPhase } from '../runPhase.js'
import {
  describeTimelockDelay,
  hashTimelockOperation,
  throughTimelock,
  timelockControllerAbi,
  timelockReadyAt,
  timelockSalt,
} from './timelock.js'

const local = useLocalChain({ compile: false })
let fixtures: Artifacts
let governed: GovernedTarget

/** Anyone may execute on this timelock: the executor is an ordinary account with a key, not one of the drill's 0–7. */
const executorAccount = devAccount(13)
const executor: Authority = { kind: 'key', address: executorAccount.address, label: 'executor' }
const PROPOSER_ROLE = keccak256(toHex('PROPOSER_ROLE'))

const temp = useTempJournal('firebreak-timelock-')

beforeAll(async () => {
  fixtures = await compileAuthorityFixtures()
  governed = await deployGovernedTarget(local.chain, fixtures)
  // anvil funds accounts 0–9 only.
  await local.chain.test.setBalance({ address: executorAccount.address, value: parseEther('10') })
})

/** A plan through the runner every phase uses, with nothing of a phase around it. */
function runBarePlan(plan: Plan, options: ExecuteOptions) {
  return runPhase({ ...options, build: async () => ({ chain: local.chain, plan }) })
}

function target(): ContractRef {
  return { name: 'target', address: governed.target, abi: fixtures.get('PausableTarget').abi }
}

function timelock() {
  return { address: governed.timelock, label: 'governance timelock' }
}

/** The Safe proposes; the Safe executor is not what is tested here, so anvil impersonates it. */
function safeProposer(): Authority {
  return { kind: 'impersonate', address: governed.safe, label: 'governance Safe' }
}

/** buildPausePlan as for any lever, then each step routed through the timelock that holds it. */
function pauseThroughTimelock(proposer: Authority = safeProposer()): Plan {
  const held = buildPausePlan({ targets: [{ contract: target(), authority: { kind: 'impersonate', ...timelock() } }] })
  const steps = held.steps.flatMap((step) => throughTimelock(step, { timelock: timelock(), minDelay: TWO_DAYS, proposer, executor, planId: held.id }))
  return { ...held, steps, abis: [...held.abis, timelockControllerAbi] }
}

async function targetPaused(): Promise<boolean> {
  return (await local.chain.public.readContract({ ...target(), functionName: 'paused' })) as boolean
}

function blockNumber(): Promise<bigint> {
  return local.chain.public.getBlockNumber({ cacheTime: 0 })
}

async function scheduledEvents(operationId: Hex) {
  return local.chain.public.getContractEvents({
    address: governed.timelock,
    abi: timelockControllerAbi,
    eventName: 'CallScheduled',
    args: { id: operationId },
    fromBlock: 0n,
  })
}

describe('throughTimelock on a real TimelockController', () => {
  it('schedules the pause, stops until the two-day delay has passed, then executes it on a later run without scheduling again', async () => {
    const plan = pauseThroughTimelock()
    const operationId = plan.steps[1]!.after!.operationId

    const first = await runBarePlan(plan, { journal: temp.journal, accounts: [executorAccount] })

    expect(first.status).toBe('waiting')
    // Both steps passed on the fork: its clock was moved past the delay before the execution.
    expect(temp.data('plan.simulated').steps).toMatchObject([
      { stepId: 'schedule-pause-target', status: 'passed' },
      { stepId: 'pause-target', status: 'passed' },
    ])
    const scheduled = await local.chain.public.getBlock({ blockNumber: BigInt(temp.data('step.done').blockNumber as string) })
    expect(first.waiting?.readyAt).toBe(timelockReadyAt(scheduled.timestamp, TWO_DAYS))
    expect(first.waiting?.readyAt).toBe(scheduled.timestamp + 172_800n)
    expect(temp.types()).toEqual(['plan.built', 'plan.simulated', 'step.sent', 'step.mined', 'step.verified', 'step.done', 'step.waiting', 'plan.waiting'])
    expect(temp.data('step.done').stepId).toBe('schedule-pause-target')
    expect(temp.data('step.waiting')).toMatchObject({ stepId: 'pause-target', operationId, readyAt: String(scheduled.timestamp + TWO_DAYS) })
    expect(await targetPaused()).toBe(false)

    // Too early: the same command stops again at the same time and sends nothing.
    const blockBeforeEarlyRun = await blockNumber()
    const early = await runBarePlan(plan, { journal: temp.journal, accounts: [executorAccount] })
    expect(early.status).toBe('waiting')
    expect(early.waiting?.readyAt).toBe(scheduled.timestamp + TWO_DAYS)
    expect(await blockNumber()).toBe(blockBeforeEarlyRun)

    await local.chain.test.increaseTime({ seconds: Number(TWO_DAYS) })
    await local.chain.test.mine({ blocks: 1 })
    const resumed = await runBarePlan(pauseThroughTimelock(), { journal: temp.journal, accounts: [executorAccount] })

    expect(await targetPaused()).toBe(true)
    expect(resumed.steps.map((step) => [step.stepId, step.status])).toEqual([
      ['schedule-pause-target', 'skipped'],
      ['pause-target', 'done'],
    ])
    expect(resumed.simulation.steps.map((step) => step.status)).toEqual(['already-done', 'passed'])
    expect(await scheduledEvents(operationId)).toHaveLength(1)
    expect(temp.journal.filter('step.sent').map((entry) => (entry.data as { stepId: string }).stepId)).toEqual(['schedule-pause-target', 'pause-target'])
    expect(temp.data('step.verified').checks).toMatchObject([
      { description: 'target.paused() is true', passed: true },
      { description: `governance timelock operation ${operationId.slice(0, 10)}… is executed`, passed: true },
    ])
    expect(temp.journal.last()?.type).toBe('plan.done')
    const executed = await local.chain.public.getTransaction({ hash: resumed.steps[1]!.txHash! })
    expect(executed.from.toLowerCase()).toBe(executorAccount.address.toLowerCase())
  })

  it('computes the operation id the timelock computes, for one call and for a batch', async () => {
    const pause = contractCall(target(), 'pause', []).call
    const unpause = contractCall(target(), 'unpause', []).call
    const salt = timelockSalt({ planId: 'contain-pause', stepId: 'pause-target' })
    const onChain = { address: governed.timelock, abi: timelockControllerAbi } as const

    const single = await local.chain.public.readContract({ ...onChain, functionName: 'hashOperation', args: [pause.to, pause.value, pause.data, zeroHash, salt] })
    const batch = await local.chain.public.readContract({
      ...onChain,
      functionName: 'hashOperationBatch',
      args: [[pause.to, unpause.to], [pause.value, unpause.value], [pause.data, unpause.data], zeroHash, salt],
    })

    expect(hashTimelockOperation([pause], salt)).toBe(single)
    expect(hashTimelockOperation([pause, unpause], salt)).toBe(batch)
    expect(pauseThroughTimelock().steps[1]!.after!.operationId).toBe(single)
  })

  it('refuses a proposer without PROPOSER_ROLE on the fork, naming the decoded error, and sends nothing', async () => {
    const outsider: Address = devAccount(14).address
    const plan = pauseThroughTimelock({ kind: 'impersonate', address: outsider, label: 'outsider' })
    const before = await blockNumber()

    const error = await runBarePlan(plan, { journal: temp.journal, accounts: [executorAccount] }).catch((caught: unknown) => caught)

    expect(error).toBeInstanceOf(SimulationFailedError)
    expect((error as SimulationFailedError).shortMessage).toContain(`AccessControlUnauthorizedAccount(${outsider}, ${PROPOSER_ROLE})`)
    expect(temp.types()).toEqual(['plan.built', 'plan.simulated', 'plan.failed'])
    expect(temp.data('plan.simulated').steps).toMatchObject([
      { stepId: 'schedule-pause-target', status: 'reverted' },
      { stepId: 'pause-target', status: 'not-reached' },
    ])
    expect(await blockNumber()).toBe(before)
    expect(await targetPaused()).toBe(false)
  })
})

describe('throughTimelock as a plan', () => {
  const timelockAddress: Address = '0x00000000000000000000000000000000000071c0'
  const targetRef: ContractRef = { name: 'target', address: '0x000000000000000000000000000000000000beef', abi: parseAbi(['function pause()', 'function unpause()']) }
  const heldStep = (): Step => ({
    id: 'pause-target',
    title: 'pause target',
    authority: { kind: 'impersonate', address: timelockAddress, label: 'timelock' },
    actions: [contractCall(targetRef, 'pause', [])],
    postconditions: [],
  })
  const parameters = {
    timelock: { address: timelockAddress, label: 'timelock' },
    minDelay: TWO_DAYS,
    proposer: { kind: 'impersonate', address: '0x00000000000000000000000000000000000005af', label: 'Safe' } as Authority,
    executor,
    planId: 'contain-pause',
  }

  it('shows signers the inner calls and the delay, and keeps the original step id for the execution', () => {
    const [schedule, execute] = throughTimelock(heldStep(), parameters)

    expect(schedule!.id).toBe('schedule-pause-target')
    expect(schedule!.actions.map((action) => action.decoded.text)).toEqual(['timelock.schedule(target.pause(), delay 2 days)'])
    expect(execute!.id).toBe('pause-target')
    expect(execute!.actions.map((action) => action.decoded.text)).toEqual(['timelock.execute(target.pause())'])
    expect(execute!.authority).toBe(executor)
    expect(execute!.after).toMatchObject({ timelock: timelockAddress, seconds: TWO_DAYS })
  })

  it('batches several calls into one operation', () => {
    const step = heldStep()
    step.actions.push(contractCall(targetRef, 'unpause', []))

    const [schedule, execute] = throughTimelock(step, parameters)

    expect(schedule!.actions[0]!.decoded.text).toBe('timelock.scheduleBatch([target.pause(), target.unpause()], delay 2 days)')
    expect(execute!.actions[0]!.decoded.functionName).toBe('executeBatch')
  })

  it('rebuilds the same operation for the same plan and step, and another in another incident', () => {
    const operationOf = (extra: { incidentId?: string; planId?: string } = {}) => throughTimelock(heldStep(), { ...parameters, ...extra })[1]!.after!.operationId

    expect(operationOf()).toBe(operationOf())
    expect(operationOf({ planId: 'contain-pause-2' })).not.toBe(operationOf())
    expect(operationOf({ incidentId: '20250101-000000-bridge' })).not.toBe(operationOf({ incidentId: '20250301-000000-bridge' }))
  })

  it('refuses a step held by another authority than the timelock', () => {
    const step = { ...heldStep(), authority: executor }

    expect(() => throughTimelock(step, parameters)).toThrow(`held by executor (${executorAccount.address}), not by timelock (${timelockAddress})`)
  })
})

describe('describeTimelockDelay', () => {
  it('names a delay as the war room says it, exactly', () => {
    expect(describeTimelockDelay(172_800n)).toBe('2 days')
    expect(describeTimelockDelay(21_600n)).toBe('6 hours')
    expect(describeTimelockDelay(2_700n)).toBe('45 minutes')
    expect(describeTimelockDelay(86_400n + 43_200n)).toBe('1 day 12 hours')
    expect(describeTimelockDelay(90n)).toBe('1 minute 30 seconds')
    expect(describeTimelockDelay(0n)).toBe('no delay')
  })
})
