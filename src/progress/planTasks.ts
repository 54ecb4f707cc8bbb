import type { ListrTask } from 'listr2'
import type { ChainClients } from '../chain/clients.js'
import { type ExecuteOptions, type StepOutcome, executeStep, recordPlan, simulateAndRecord } from '../engine/execute.js'
import type { Plan } from '../engine/plan.js'

/**
 * A plan as a live step list: simulate on a fork, then one line per step showing the decoded call
 * and the authority that signs it, updated with its transaction and verification.
 */
export function planTasks(chain: ChainClients, plan: Plan, options: ExecuteOptions, outcomes: StepOutcome[] = []): ListrTask[] {
  return [
    {
      title: `simulate ${plan.steps.length} step${plan.steps.length === 1 ? '' : 's'} on a fork`,
      task: async (_, task) => {
        recordPlan(options.journal, plan)
        const result = await simulateAndRecord(chain, plan, options.journal)
        const checks = result.steps.reduce((count, step) => count + step.checks.length, 0)
        task.title = `simulated on a fork at block ${result.forkBlock}: ${checks} check${checks === 1 ? '' : 's'} pass`
      },
    },
    ...plan.steps.map(
      (step): ListrTask => ({
        title: `${step.decoded.text}  [${step.authority.kind}: ${step.authority.label}]`,
        task: async (_, task) => {
          const outcome = await executeStep(chain, plan, step, options)
          outcomes.push(outcome)
          const verified = `${outcome.checks.length} check${outcome.checks.length === 1 ? '' : 's'} verified`
          // Keep the decoded call on screen once done: it is what was signed.
          const call = `${step.decoded.text} by ${step.authority.label}`
          task.title = outcome.status === 'skipped' ? `${call}: already done (journal)` : `${call}: block ${outcome.blockNumber}, ${verified}`
        },
      }),
    ),
    {
      title: 'plan complete',
      task: () => {
        options.journal.append('plan.done', { planId: plan.id })
      },
    },
  ]
}
