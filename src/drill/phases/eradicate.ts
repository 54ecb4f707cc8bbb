import type { ListrTask } from 'listr2'
import { encodeFunctionData } from 'viem'
import type { StepOutcome } from '../../engine/execute.js'
import { type Authority, viewFunction } from '../../engine/plan.js'
import { buildUpgradePlan } from '../../eradicate/buildUpgradePlan.js'
import { type StorageGateResult, assertStorageCompatible, checkStorageLayout } from '../../eradicate/checkStorageLayout.js'
import { type NormalOperation, type ReplayGateResult, replayAttack } from '../../eradicate/replayAttack.js'
import { FirebreakError } from '../../errors.js'
import { planTasks } from '../../progress/planTasks.js'
import type { DrillActors } from '../actors.js'
import { formatAmount } from '../format.js'
import { type PartialDrillState, need } from '../state.js'

export function governanceAuthority(actors: DrillActors): Authority {
  return { kind: 'key', address: actors.admin.address, label: 'governance' }
}

/** Both gates first (storage layout, attack replay on a fork), then the upgrade itself. */
export function eradicateTasks(state: PartialDrillState): ListrTask[] {
  let storage: StorageGateResult | undefined
  let replay: ReplayGateResult | undefined
  return [
    {
      title: 'storage gate: compare DrillVaultV1 and DrillVaultV2 layouts',
      task: (_, task) => {
        const artifacts = need(state, 'artifacts')
        storage = checkStorageLayout(artifacts.get('DrillVaultV1'), artifacts.get('DrillVaultV2'))
        need(state, 'incident').journal.append('gate.storage', storage)
        assertStorageCompatible(storage)
        task.title = `storage gate passed: every V1 variable keeps its slot${storage.appended.length ? `; appended ${storage.appended.join(', ')}` : ''}`
      },
    },
    {
      title: 'replay gate: replay the attack against V2 on a fork before the attack',
      task: async (_, task) => {
        replay = await replayAttack(replayParameters(state))
        need(state, 'incident').journal.append('gate.replay', replay)
        if (!replay.passed) throw new FirebreakError(`replay gate failed: ${replay.verdict}`)
        task.title = `replay gate passed: attack took ${formatAmount(replay.unpatched.extracted)} on V1, on V2 it ${replay.patched.reverted ? `reverts (${replay.patched.revert})` : 'extracts nothing'}`
      },
    },
    {
      title: 'upgrade the vault to DrillVaultV2',
      task: (_, task) => {
        const plan = upgradePlan(state)
        const outcomes: StepOutcome[] = []
        return task.newListr([
          ...planTasks(need(state, 'chain'), plan, need(state, 'execution'), outcomes),
          {
            title: 'record the fix',
            task: (_, inner) => {
              if (!storage || !replay) throw new Error('drill phase order: the upgrade ran before its gates')
              state.eradication = { storage, replay, implementation: plan.implementationAddress, upgradeBlock: outcomes.at(-1)?.blockNumber ?? 0n }
              inner.title = `vault now runs DrillVaultV2 at ${plan.implementationAddress}`
            },
          },
        ])
      },
    },
  ]
}

function initializeV2(state: PartialDrillState) {
  return encodeFunctionData({ abi: need(state, 'artifacts').get('DrillVaultV2').abi, functionName: 'initializeV2' })
}

function upgradePlan(state: PartialDrillState) {
  const v2 = need(state, 'artifacts').get('DrillVaultV2')
  const vault = need(state, 'protocol').vault
  return buildUpgradePlan({
    proxy: vault,
    implementation: v2,
    initData: initializeV2(state),
    authority: governanceAuthority(need(state, 'actors')),
    checks: [{ kind: 'read', description: 'vault.fixVersion() is 1', address: vault.address, abi: viewFunction(v2.abi, 'fixVersion'), args: [], expect: 1n }],
  })
}

function replayParameters(state: PartialDrillState) {
  const attack = need(state, 'attack')
  const protocol = need(state, 'protocol')
  return {
    forkUrl: need(state, 'chain').rpcUrl,
    attackBlock: attack.blockNumber,
    attack: [{ from: attack.from, to: attack.to, data: attack.data }],
    proxy: protocol.vault,
    implementation: need(state, 'artifacts').get('DrillVaultV2'),
    initData: initializeV2(state),
    upgrader: need(state, 'actors').admin.address,
    asset: protocol.token.address,
    normalOperations: normalOperations(state),
  }
}

/** What depositors do every day must still work on the fixed vault: withdraw their own funds. */
function normalOperations(state: PartialDrillState): NormalOperation[] {
  const vault = need(state, 'protocol').vault
  return need(state, 'actors').users.map((user) => ({
    description: `${user.name} withdraws 1 dUSD from their own position`,
    from: user.account.address,
    to: vault.address,
    data: encodeFunctionData({ abi: vault.abi, functionName: 'withdraw', args: [10n ** 18n, user.account.address, user.account.address] }),
  }))
}
