import { readFileSync, writeFileSync } from 'node:fs'
import { encodeFunctionData } from 'viem'
import { parse, stringify } from 'yaml'
import { deployContract } from '../src/chain/deploy.js'
import { type Attack, drainCalldata, runAttack } from '../src/drill/scenario.js'
import type { JournalLike } from '../src/engine/journalLike.js'
import { checkStorageLayout } from '../src/eradicate/checkStorageLayout.js'
import { replayAttack } from '../src/eradicate/replayAttack.js'
import type { DrillChain } from './fixtures/localChain.js'
import { writeTestManifest } from './fixtures/manifest.js'

/** The drill's incident up to containment: the vault drained through V1's redeem, then paused by the guardian. */
export async function attackAndPause(drill: DrillChain): Promise<Attack> {
  const attack = await runAttack(drill.chain, drill.artifacts, drill.protocol, drill.actors)
  await send(drill, drill.actors.guardian, encodeFunctionData({ abi: drill.protocol.vault.abi, functionName: 'pause' }))
  return attack
}

/** Governance closes deposits (cap 0), as a containment playbook's `limit` would. */
export async function closeDeposits(drill: DrillChain): Promise<void> {
  await send(drill, drill.actors.admin, encodeFunctionData({ abi: drill.protocol.vault.abi, functionName: 'setDepositCap', args: [0n] }))
}

/** The fix deployed: the vault upgraded to DrillVaultV2 by governance. */
export async function deployFix(drill: DrillChain): Promise<void> {
  const v2 = drill.artifacts.get('DrillVaultV2')
  const implementation = await deployContract(drill.chain, drill.actors.admin, v2, [])
  const initializeV2 = encodeFunctionData({ abi: v2.abi, functionName: 'initializeV2' })
  await send(drill, drill.actors.admin, encodeFunctionData({ abi: v2.abi, functionName: 'upgradeToAndCall', args: [implementation, initializeV2] }))
}

/** Both eradication gates, run for real (layouts compared, attack replayed on a fork) and journaled as the eradicate phase does. */
export async function recordFixGates(journal: JournalLike, drill: DrillChain, attack: Attack): Promise<void> {
  const v1 = drill.artifacts.get('DrillVaultV1')
  const v2 = drill.artifacts.get('DrillVaultV2')
  journal.append('gate.storage', checkStorageLayout(v1, v2))
  journal.append(
    'gate.replay',
    await replayAttack({
      forkUrl: drill.chain.rpcUrl,
      attackBlock: attack.blockNumber,
      attack: [{ from: attack.from, to: attack.to, data: attack.data }],
      proxy: drill.protocol.vault,
      implementation: v2,
      initData: encodeFunctionData({ abi: v2.abi, functionName: 'initializeV2' }),
      upgrader: drill.actors.admin.address,
      asset: drill.protocol.token.address,
    }),
  )
}

/** The drill's manifest (vault, token, governance and guardian keys in the environment) with a `restore:` section. */
export function writeRestoreManifest(dir: string, drill: DrillChain, restore: Record<string, unknown>): string {
  const file = writeTestManifest(dir, {
    rpcUrl: drill.anvil.rpcUrl,
    contracts: [drill.protocol.vault, drill.protocol.token],
    authorities: [
      { name: 'governance', type: 'eoa', address: drill.actors.admin.address, keyEnv: 'FIREBREAK_TEST_GOVERNANCE_KEY' },
      { name: 'guardian', type: 'eoa', address: drill.actors.guardian.address, keyEnv: 'FIREBREAK_TEST_GUARDIAN_KEY' },
    ],
  })
  writeFileSync(file, stringify({ ...parse(readFileSync(file, 'utf8')), restore }))
  return file
}

const ONE_DUSD = (10n ** 18n).toString()

/**
 * Withdrawals first: the vault unpaused, gated by what must then hold: the smallest depositor can
 * withdraw, the exploit aimed at them fails, and deposits stay closed (cap 0).
 */
export function withdrawalsStage(drill: DrillChain, attack: Attack, approvals: Record<string, unknown> = { from: ['governance'] }) {
  const dave = drill.actors.users.at(-1)!.account.address
  return {
    name: 'withdrawals',
    description: 'depositors can take their funds out; deposits stay closed',
    unpause: ['vault'],
    invariants: [
      { description: 'dave can withdraw 1 dUSD', from: dave, contract: 'vault', function: 'withdraw', args: [ONE_DUSD, dave, dave], expect: 'success' },
      {
        description: 'the exploit aimed at dave fails on the reopened vault',
        from: attack.from,
        to: attack.exploit,
        data: drainCalldata(drill.artifacts, drill.protocol, [dave]),
        expect: 'revert',
        error: 'ERC20InsufficientAllowance',
      },
      { description: 'deposits stay closed', from: dave, contract: 'vault', function: 'deposit', args: [ONE_DUSD, dave], expect: 'revert', error: 'ERC4626ExceededMaxDeposit' },
    ],
    approvals,
  }
}

/** Deposits later: the cap raised back, once two authorities approved it. */
export function depositsStage(drill: DrillChain) {
  const dave = drill.actors.users.at(-1)!.account.address
  return {
    name: 'deposits',
    calls: [{ contract: 'vault', function: 'setDepositCap', args: ['10000000000000000000000000'] }],
    invariants: [{ description: 'dave may deposit again', contract: 'vault', function: 'maxDeposit', args: [dave], atLeast: ONE_DUSD }],
    approvals: { required: 2 },
  }
}

async function send(drill: DrillChain, account: DrillChain['actors']['admin'], data: `0x${string}`): Promise<void> {
  const hash = await drill.chain.wallet(account).sendTransaction({ to: drill.protocol.vault.address, data })
  const receipt = await drill.chain.public.waitForTransactionReceipt({ hash })
  if (receipt.status !== 'success') throw new Error(`test setup transaction ${hash} reverted`)
}
