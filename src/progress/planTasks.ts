import type { ListrTask } from 'listr2'
import type { ChainClients } from '../chain/clients.js'
import { type ExecuteOptions, type StepOutcome, planStages } from '../engine/execute.js'
import { type Plan, describeActions } from '../engine/plan.js'

/**
 * A plan's stages as a live step list: the fork simulation, then one line per step showing the
 * decoded call and the authority that signs it, updated with its transaction and verification.
 */
export function planTasks(chain: ChainClients, plan: Plan, options: ExecuteOptions, outcomes: StepOutcome[] = []): ListrTask[] {
  const stages = planStages(chain, plan, options)
  return [
    {
      title: `simulate ${plural(plan.steps.length, 'step')} on a fork`,
      task: async (_, task) => {
        const result = await stages.simulate()
        const checks = result.steps.reduce((count, step) => count + step.checks.length, 0)
        task.title = `simulated on a fork at block ${result.forkBlock}: ${plural(checks, 'check')} pass`
      },
    },
    { title: 'check every signer and key before sending', task: () => stages.prepare() },
    ...stages.steps.map(
      ({ step, run }): ListrTask => ({
        title: `${describeActions(step)}  [${step.authority.kind}: ${step.authority.label}]`,
        task: async (_, task) => {
          const outcome = await run()
          outcomes.push(outcome)
          // Keep the decoded call on screen once done: it is what was signed.
          const call = `${describeActions(step)} by ${step.authority.label}`
          task.title = outcome.status === 'skipped' ? `${call}: already done (journal)` : `${call}: block ${outcome.blockNumber}, ${plural(outcome.checks.length, 'check')} verified`
        },
      }),
    ),
    { title: 'plan complete', task: () => stages.finish() },
  ]
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`
}
