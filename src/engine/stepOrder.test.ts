import type { Address, Hex } from 'viem'
import { describe, expect, it } from 'vitest'
import type { Authority, Plan, Step } from './plan.js'
import { pipelinedDependencies, stepDependencies } from './stepOrder.js'

const guardian: Address = '0x1000000000000000000000000000000000000001'
const relayer: Address = '0x2000000000000000000000000000000000000002'
const council: Address = '0x3000000000000000000000000000000000000003'
const treasury: Address = '0x4000000000000000000000000000000000000004'
const timelock: Address = '0x5000000000000000000000000000000000000005'
const vault: Address = '0x6000000000000000000000000000000000000006'

const key = (address: Address, label: string): Authority => ({ kind: 'key', address, label })
const safe = (address: Address, label: string, submitter?: Address): Authority => ({
  kind: 'safe',
  address,
  label,
  owners: [],
  threshold: 2,
  ...(submitter ? { submitter: { kind: 'key', address: submitter, label: 'relayer' } } : {}),
})

function step(id: string, authority: Authority, to: Address = vault, after?: Step['after']): Step {
  return {
    id,
    title: id,
    authority,
    actions: [{ call: { to, data: '0x8456cb59', value: 0n }, decoded: { contract: 'x', address: to, functionName: 'pause', args: [], text: 'x.pause()' } }],
    postconditions: [],
    ...(after ? { after } : {}),
  }
}

const afterDelay = { timelock, operationId: `0x${'ab'.repeat(32)}` as Hex, seconds: 172_800n }

describe('stepDependencies', () => {
  it('makes each step of a plan of dependent steps wait for the one before it', () => {
    const plan: Pick<Plan, 'steps'> = { steps: [step('deploy', key(guardian, 'deployer')), step('upgrade', safe(council, 'council')), step('verify', key(relayer, 'relayer'))] }

    expect(Object.fromEntries(stepDependencies(plan))).toEqual({ deploy: [], upgrade: ['deploy'], verify: ['upgrade'] })
  })

  it('lets a key and a Safe go at once, keeps one Safe in nonce order, and makes an execution wait for its schedule', () => {
    const plan: Pick<Plan, 'steps' | 'independentAuthorities'> = {
      independentAuthorities: true,
      steps: [
        step('pause-vault', key(guardian, 'guardian')),
        step('safe-council', safe(council, 'council'), timelock),
        step('safe-treasury', safe(treasury, 'treasury')),
        step('timelock-governance', key(relayer, 'relayer'), timelock, afterDelay),
        step('execute-as-council', safe(council, 'council'), timelock, afterDelay),
      ],
    }

    expect(Object.fromEntries(stepDependencies(plan))).toEqual({
      'pause-vault': [],
      'safe-council': [],
      'safe-treasury': [],
      'timelock-governance': ['safe-council'],
      'execute-as-council': ['safe-council', 'timelock-governance'],
    })
  })

  it("puts a Safe behind a key's step when that key submits the Safe's transaction (one account, one nonce at a time)", () => {
    const plan: Pick<Plan, 'steps' | 'independentAuthorities'> = {
      independentAuthorities: true,
      steps: [step('pause-vault', key(guardian, 'guardian')), step('safe-council', safe(council, 'council', guardian)), step('safe-treasury', safe(treasury, 'treasury'))],
    }

    expect(Object.fromEntries(stepDependencies(plan, { defaultSubmitter: relayer }))).toEqual({
      'pause-vault': [],
      'safe-council': ['pause-vault'],
      // No submitter named: the first account handed over submits, as the key relayer's steps would.
      'safe-treasury': [],
    })
    expect(stepDependencies({ ...plan, steps: [...plan.steps, step('unpause', key(relayer, 'relayer'))] }, { defaultSubmitter: relayer }).get('unpause')).toEqual(['safe-treasury'])
  })
})

describe('pipelinedDependencies', () => {
  it("lets one key's pauses go out together, and keeps its Safe submission and its timelock execution behind what they need", () => {
    const plan: Pick<Plan, 'steps' | 'independentAuthorities'> = {
      independentAuthorities: true,
      steps: [
        step('pause-vault', key(guardian, 'guardian')),
        step('pause-market', key(guardian, 'guardian')),
        step('safe-council', safe(council, 'council', guardian), timelock),
        step('pause-pool', key(guardian, 'guardian')),
        step('execute', key(guardian, 'guardian'), timelock, afterDelay),
      ],
    }

    expect(Object.fromEntries(pipelinedDependencies(plan, stepDependencies(plan)))).toEqual({
      'pause-vault': [],
      'pause-market': [],
      'safe-council': ['pause-vault', 'pause-market'],
      'pause-pool': ['safe-council'],
      execute: ['pause-vault', 'pause-market', 'safe-council', 'pause-pool'],
    })
  })

  it('keeps every step of a plan of dependent steps behind the one before it, one key or not', () => {
    const plan: Pick<Plan, 'steps'> = { steps: [step('deploy', key(guardian, 'deployer')), step('upgrade', key(guardian, 'deployer'))] }

    expect(Object.fromEntries(pipelinedDependencies(plan, stepDependencies(plan)))).toEqual({ deploy: [], upgrade: ['deploy'] })
  })
})
