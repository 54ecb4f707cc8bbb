import { type Address, isAddressEqual } from 'viem'
import type { Plan, Step } from './plan.js'

export type StepDependenciesOptions = {
  /** Who submits `execTransaction` for a Safe whose authority names no submitter: the first account handed over. */
  defaultSubmitter?: Address | undefined
}

/** Each step's id, with the ids of the earlier steps it must wait for. */
export type StepDependencies = Map<string, string[]>

/**
 * The steps each step waits for. In a plan of dependent steps (the default), the one before it.
 * In a plan of independent authorities, only:
 *
 * - earlier steps sending from an account this one sends from: a key's nonces, a Safe's nonces,
 *   the key that submits a Safe's transactions — two transactions from one account race for its
 *   nonce, and a Safe executes its transactions in nonce order;
 * - for a step behind a timelock, the earlier steps that call that timelock: the one scheduling
 *   the operation it executes.
 */
export function stepDependencies(plan: Pick<Plan, 'steps' | 'independentAuthorities'>, options: StepDependenciesOptions = {}): StepDependencies {
  const dependencies: StepDependencies = new Map()
  for (const [index, step] of plan.steps.entries()) {
    const earlier = plan.steps.slice(0, index)
    if (!plan.independentAuthorities) {
      dependencies.set(step.id, earlier.length > 0 ? [earlier.at(-1)!.id] : [])
      continue
    }
    const senders = sendersOf(step, options)
    const waitsFor = earlier.filter(
      (before) =>
        sendersOf(before, options).some((sender) => senders.some((own) => isAddressEqual(own, sender))) ||
        (step.after !== undefined && before.actions.some((action) => isAddressEqual(action.call.to, step.after!.timelock))),
    )
    dependencies.set(
      step.id,
      waitsFor.map((before) => before.id),
    )
  }
  return dependencies
}

/** The accounts whose nonce a step uses: its authority's, and for a Safe, its submitter's too. */
export function sendersOf(step: Pick<Step, 'authority'>, { defaultSubmitter }: StepDependenciesOptions = {}): Address[] {
  const { authority } = step
  if (authority.kind !== 'safe') return [authority.address]
  const submitter = authority.submitter?.address ?? defaultSubmitter
  return submitter ? [authority.address, submitter] : [authority.address]
}

/**
 * The dependencies that only order a key's nonces: an earlier step sent by the same key, in a
 * plan of independent authorities, with no timelock between them. Such a step need not wait for
 * the earlier one to be mined: the key's lane gives them consecutive nonces and the chain keeps
 * their order. A step that reverts does not hold back these followers (they never needed its
 * effect); a real dependency (a timelock's schedule, a Safe's submitter) still does.
 */
export function pipelinedDependencies(plan: Pick<Plan, 'steps' | 'independentAuthorities'>, dependencies: StepDependencies): StepDependencies {
  const byId = new Map(plan.steps.map((step) => [step.id, step]))
  const pipelined: StepDependencies = new Map()
  for (const [id, waitsFor] of dependencies) {
    const step = byId.get(id)!
    pipelined.set(
      id,
      waitsFor.filter((earlier) => !(plan.independentAuthorities && step.after === undefined && sameKey(step, byId.get(earlier)!))),
    )
  }
  return pipelined
}

function sameKey(a: Pick<Step, 'authority'>, b: Pick<Step, 'authority'>): boolean {
  return a.authority.kind === 'key' && b.authority.kind === 'key' && isAddressEqual(a.authority.address, b.authority.address)
}
