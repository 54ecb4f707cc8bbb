import type { Address, Hash } from 'viem'
import { describe, expect, it } from 'vitest'
import { AwaitingSignaturesError, awaitingSignaturesOf } from './awaitingSignatures.js'
import { StepRevertedError, StepWaitingError } from './errors.js'
import type { StepOutcome } from './execute.js'
import { SafeThresholdNotMetError } from './executors/safe/errors.js'
import type { Step } from './plan.js'
import { type PreparedSteps, runSteps } from './runSteps.js'

const council: Address = '0x3000000000000000000000000000000000000003'
const owners: Address[] = ['0xA000000000000000000000000000000000000001', '0xa000000000000000000000000000000000000002', '0xA000000000000000000000000000000000000003']

type FakeStep = { id: string; dependsOn?: string[]; outcome?: 'done' | 'timelock' | 'reverts'; shortOfSignatures?: boolean; takes?: number }

function notMet(id: string, nonce: bigint): SafeThresholdNotMetError {
  return new SafeThresholdNotMetError({
    stepId: id,
    stepTitle: id,
    safe: council,
    label: 'council',
    nonce,
    safeTxHash: `0x${nonce.toString().padStart(64, '0')}` as Hash,
    file: `/incident/safe-tx/contain-pause-all-${id}.json`,
    signed: [owners[0]!],
    missing: owners.slice(1),
    threshold: 2,
  })
}

/** Prepared steps that record when they start and finish, as the engine's would send and verify. */
function fakeStages(steps: FakeStep[]) {
  const events: string[] = []
  let finished = false
  const short = steps.filter((each) => each.shortOfSignatures).map((each, index) => notMet(each.id, BigInt(index)))
  const stages: PreparedSteps = {
    awaitingSignatures: short.map(awaitingSignaturesOf),
    steps: steps.map(({ id, dependsOn = [], outcome = 'done', shortOfSignatures, takes = 0 }) => ({
      step: { id, title: id } as Step,
      dependsOn,
      run: async (): Promise<StepOutcome> => {
        if (shortOfSignatures) throw short.find((error) => error.details.stepId === id)!
        events.push(`start ${id}`)
        await new Promise((resolve) => setTimeout(resolve, takes))
        events.push(`end ${id}`)
        if (outcome === 'timelock') throw new StepWaitingError(id, 'timelock', 1_700_000_000n)
        if (outcome === 'reverts') throw new StepRevertedError(`step "${id}" reverted on chain`)
        return { stepId: id, status: 'done', checks: [] }
      },
    })),
    finish: () => void (finished = true),
  }
  return { stages, events, finished: () => finished }
}

describe('runSteps', () => {
  it("sends a key's pause while the Safe waits for signatures, and holds back only what follows the Safe", async () => {
    const { stages, events, finished } = fakeStages([
      { id: 'safe-council', shortOfSignatures: true },
      { id: 'pause-vault', takes: 5 },
      { id: 'execute-timelock', dependsOn: ['safe-council'] },
      { id: 'pause-market', dependsOn: ['pause-vault'] },
    ])

    const outcome = await runSteps(stages, undefined, { awaitingSignatures: 'return' })

    expect(outcome.steps.map((step) => step.stepId)).toEqual(['pause-vault', 'pause-market'])
    expect(events).toEqual(['start pause-vault', 'end pause-vault', 'start pause-market', 'end pause-market'])
    expect(outcome.awaitingSignatures?.map((each) => [each.stepId, each.needed, each.unsigned])).toEqual([['safe-council', 1, owners.slice(1)]])
    expect(outcome.blocked).toEqual([{ step: 'execute-timelock', behind: 'safe-council' }])
    expect(finished()).toBe(false)
  })

  it('runs steps of independent authorities at once', async () => {
    const { stages, events } = fakeStages([
      { id: 'pause-vault', takes: 20 },
      { id: 'pause-market', takes: 20 },
    ])

    await runSteps(stages)

    expect(events).toEqual(['start pause-vault', 'start pause-market', 'end pause-vault', 'end pause-market'])
  })

  it('ends with an AwaitingSignaturesError naming every Safe transaction file once all else is done, unless asked to return', async () => {
    const { stages } = fakeStages([
      { id: 'safe-council', shortOfSignatures: true },
      { id: 'pause-vault' },
      { id: 'safe-council-2', shortOfSignatures: true, dependsOn: ['safe-council'] },
    ])

    const error = await runSteps(stages).catch((caught: unknown) => caught)

    expect(error).toBeInstanceOf(AwaitingSignaturesError)
    const { shortMessage, outcome } = error as AwaitingSignaturesError
    expect(outcome.steps.map((step) => step.stepId)).toEqual(['pause-vault'])
    expect(shortMessage).toMatch(/^1 step done, nothing failed; waiting for owner signatures on 2 Safe transactions: /)
    expect(shortMessage).toContain(`Safe council (${council}) has 1 of 2 signatures, needs 1 more from any 1 of ${owners[1]}, ${owners[2]}, on /incident/safe-tx/contain-pause-all-safe-council.json`)
    expect(shortMessage).toContain('on /incident/safe-tx/contain-pause-all-safe-council-2.json')
  })

  it('marks the plan done only when every step is, and reports the first timelock wait', async () => {
    const waiting = fakeStages([{ id: 'schedule' }, { id: 'execute', dependsOn: ['schedule'], outcome: 'timelock' }, { id: 'after', dependsOn: ['execute'] }])
    const done = fakeStages([{ id: 'pause-vault' }, { id: 'pause-market' }])

    const outcome = await runSteps(waiting.stages)
    await runSteps(done.stages)

    expect(outcome).toEqual({ steps: [{ stepId: 'schedule', status: 'done', checks: [] }], waiting: { step: 'execute', readyAt: 1_700_000_000n }, blocked: [{ step: 'after', behind: 'execute' }] })
    expect(waiting.finished()).toBe(false)
    expect(done.finished()).toBe(true)
  })

  it('throws the failure once the steps under way are done, without starting those behind it', async () => {
    const { stages, events } = fakeStages([
      { id: 'pause-vault', outcome: 'reverts' },
      { id: 'pause-market', takes: 10 },
      { id: 'unpause-later', dependsOn: ['pause-vault'] },
    ])

    const error = await runSteps(stages).catch((caught: unknown) => caught)

    expect(error).toBeInstanceOf(StepRevertedError)
    expect(events).toEqual(['start pause-vault', 'start pause-market', 'end pause-vault', 'end pause-market'])
  })
})
