import type { ListrTask } from 'listr2'
import { runContainment } from '../../contain/runContainment.js'
import { explainRevert } from '../../engine/execute.js'
import { phaseTitle } from '../phaseTitle.js'
import { drainCalldata } from '../scenario.js'
import { type PartialDrillState, need } from '../state.js'

/**
 * `firebreak contain pause-all`: the vault is inspected, its pause routed to the guardian's key,
 * simulated, sent and verified by what pausing showed (paused() turns true, depositors' withdrawals
 * start to revert). Then the attacker really tries again.
 */
export function containTasks(state: PartialDrillState): ListrTask[] {
  return [
    {
      title: 'pause the vault (contain pause-all)',
      task: async (_, task) => {
        const outcome = await runContainment({
          manifest: need(state, 'manifest'),
          playbook: 'pause-all',
          incident: need(state, 'incident'),
          accounts: need(state, 'accounts'),
          onProgress: (event) => void (task.title = phaseTitle(event, 'the guardian key is ready')),
        })
        const pauseBlock = outcome.steps.at(-1)?.blockNumber
        if (outcome.status !== 'contained' || pauseBlock === undefined) throw new Error(`containment ended ${outcome.status}: the drill's guardian key should pause the vault at once`)
        state.containment = { pauseBlock, secondAttempt: { txHash: '0x', reverted: false, reason: '' } }
        const blocks = pauseBlock - need(state, 'attack').blockNumber
        const checks = outcome.steps.flatMap((step) => step.checks.map((check) => check.description))
        task.title = `contained in block ${pauseBlock}, ${blocks} block${blocks === 1n ? '' : 's'} after the attack, verified on chain: ${checks.join('; ')}`
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
