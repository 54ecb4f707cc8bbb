import type { ListrTask } from 'listr2'
import { encodeFunctionData } from 'viem'
import { viewFunction } from '../../engine/plan.js'
import { runUpgrade } from '../../eradicate/runUpgrade.js'
import { formatAmount } from '../format.js'
import { phaseTitle } from '../phaseTitle.js'
import { type PartialDrillState, need } from '../state.js'

/**
 * `firebreak upgrade vault --from DrillVaultV1 --to DrillVaultV2 --init initializeV2 --attack <hash>`:
 * the storage gate compares the layouts, the replay gate replays the attack against V2 on a fork
 * of the block before it (and the depositors' withdrawals), then governance upgrades the vault.
 */
export function eradicateTasks(state: PartialDrillState): ListrTask[] {
  return [
    {
      title: 'upgrade the vault to DrillVaultV2 behind the storage and replay gates',
      task: async (_, task) => {
        const artifacts = need(state, 'artifacts')
        const { vault, token } = need(state, 'protocol')
        const v2 = artifacts.get('DrillVaultV2')
        const outcome = await runUpgrade({
          manifest: need(state, 'manifest'),
          contract: vault.name,
          current: artifacts.get('DrillVaultV1'),
          patched: v2,
          initData: encodeFunctionData({ abi: v2.abi, functionName: 'initializeV2' }),
          attack: { hashes: [need(state, 'attack').txHash] },
          asset: token.address,
          incident: need(state, 'incident'),
          accounts: need(state, 'accounts'),
          checks: [{ kind: 'read', description: 'vault.fixVersion() is 1', address: vault.address, abi: viewFunction(v2.abi, 'fixVersion'), args: [], expect: 1n }],
          onProgress: (event) => {
            if (event.stage === 'storage-gate') {
              const { compatible, appended } = event.result
              task.title = compatible ? `storage gate passed: every V1 variable keeps its slot${appended.length ? `; appended ${appended.join(', ')}` : ''}` : 'storage gate refused DrillVaultV2'
            } else if (event.stage === 'replay-gate') {
              const { passed, unpatched, patched } = event.result
              task.title = `replay gate ${passed ? 'passed' : 'refused'}: attack took ${formatAmount(unpatched.extracted)} on V1, on V2 it ${patched.reverted ? `reverts (${patched.revert})` : 'extracts nothing'}`
            } else task.title = phaseTitle(event, 'the governance key is ready')
          },
        })
        const upgradeBlock = outcome.steps.at(-1)?.blockNumber
        if (outcome.status !== 'upgraded' || upgradeBlock === undefined) throw new Error(`the upgrade ended ${outcome.status}: the drill's governance key should upgrade the vault at once`)
        state.eradication = { storage: outcome.storage, replay: outcome.replay, implementation: outcome.implementation, upgradeBlock }
        task.title = `vault now runs DrillVaultV2 at ${outcome.implementation} (block ${upgradeBlock}), after both gates passed`
      },
    },
  ]
}
