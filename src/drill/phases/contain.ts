import type { ListrTask } from 'listr2'
import { buildPausePlan } from '../../contain/buildPausePlan.js'
import { type StepOutcome, explainRevert } from '../../engine/execute.js'
import type { Authority, Check } from '../../engine/plan.js'
import { planTasks } from '../../progress/planTasks.js'
import type { DrillActors } from '../actors.js'
import { drainCalldata } from '../scenario.js'
import { type PartialDrillState, need } from '../state.js'

export function guardianAuthority(actors: DrillActors): Authority {
  return { kind: 'key', address: actors.guardian.address, label: 'guardian' }
}

/**
 * Pause the vault through the guardian, proven by a probe: the attacker's call against the
 * remaining depositor now reverts with EnforcedPause. Then the attacker really tries again.
 */
export function containTasks(state: PartialDrillState): ListrTask[] {
  return [
    {
      title: 'pause the vault',
      task: (_, task) => {
        const chain = need(state, 'chain')
        const plan = buildPausePlan({ targets: [{ contract: need(state, 'protocol').vault, authority: guardianAuthority(need(state, 'actors')), probes: [nextAttackReverts(state)] }] })
        const outcomes: StepOutcome[] = []
        return task.newListr([
          ...planTasks(chain, plan, need(state, 'execution'), outcomes),
          {
            title: 'record the containment block',
            task: (_, inner) => {
              const pauseBlock = outcomes.at(-1)?.blockNumber ?? 0n
              state.containment = { pauseBlock, secondAttempt: { txHash: '0x', reverted: false, reason: '' } }
              const blocks = pauseBlock - need(state, 'attack').blockNumber
              inner.title = `contained in block ${pauseBlock}, ${blocks} block${blocks === 1n ? '' : 's'} after the attack`
            },
          },
        ])
      },
    },
    {
      title: 'attacker tries again',
      task: async (_, task) => {
        const second = await secondAttempt(state)
        need(state, 'containment').secondAttempt = second
        need(state, 'incident').journal.append('attack.blocked', second)
        if (!second.reverted) throw new Error(`the attacker's second attempt succeeded in ${second.txHash}: containment failed`)
        task.title = `attacker's second attempt reverted: ${second.reason}`
      },
    },
  ]
}

function remainingVictims(state: PartialDrillState) {
  const attack = need(state, 'attack')
  return need(state, 'actors').users.filter((user) => !attack.victims.includes(user.account.address)).map((user) => user.account.address)
}

/** The attack, aimed at those it has not drained yet, must now revert because the vault is paused. */
function nextAttackReverts(state: PartialDrillState): Check {
  const attack = need(state, 'attack')
  return {
    kind: 'call',
    description: 'the attacker\'s exploit against the remaining depositors reverts with EnforcedPause',
    from: attack.from,
    to: attack.exploit,
    data: drainCalldata(need(state, 'artifacts'), need(state, 'protocol'), remainingVictims(state)),
    expect: 'revert',
    error: 'EnforcedPause',
    abi: need(state, 'protocol').vault.abi,
  }
}

/** A real transaction, sent with a fixed gas limit so that it is mined and reverts on chain. */
async function secondAttempt(state: PartialDrillState) {
  const chain = need(state, 'chain')
  const attack = need(state, 'attack')
  const data = drainCalldata(need(state, 'artifacts'), need(state, 'protocol'), remainingVictims(state))
  const txHash = await chain.wallet(need(state, 'actors').attacker).sendTransaction({ to: attack.exploit, data, gas: 1_000_000n })
  const receipt = await chain.public.waitForTransactionReceipt({ hash: txHash })
  const reason =
    receipt.status === 'success'
      ? 'succeeded'
      : await explainRevert(chain, { from: attack.from, to: attack.exploit, data, value: 0n }, receipt.blockNumber, [need(state, 'protocol').vault.abi])
  return { txHash, blockNumber: receipt.blockNumber, reverted: receipt.status !== 'success', reason }
}
