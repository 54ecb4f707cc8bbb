import { type Abi, type Address, type Hex, encodeDeployData, erc20Abi } from 'viem'
import { type ChainClients, connect } from '../chain/clients.js'
import { startFork } from '../chain/fork.js'
import { impersonate, sendOnFork } from '../engine/executors/index.js'
import { FirebreakError } from '../errors.js'
import { type UpgradeRoute, upgradeAbi, upgradeAction } from './upgradeRoute.js'
import type { ContractArtifact } from '../solidity/artifacts.js'

/** `to` is absent for a transaction that creates a contract (an exploit fired from its constructor). */
import type { AttackTransaction } from '../attack/readAttackTransactions.js'

export type { AttackTransaction }

/** A call the protocol must still serve once fixed (a deposit, a withdrawal). */
export type NormalOperation = { description: string; from: Address; to: Address; data: Hex; value?: bigint }

export type ReplayAttackParameters = {
  /** The chain the attack happened on. */
  forkUrl: string
  /** The attack's block: the replay forks the block before it. */
  attackBlock: bigint
  attack: AttackTransaction[]
  /** Transactions mined before the attack in its block (readAttackTransactions): replayed first, on both runs. */
  preceding?: AttackTransaction[]
  proxy: { address: Address; abi: Abi }
  /** How the proxy is upgraded (readUpgradeRoute); UUPS on the proxy itself when absent. */
  route?: UpgradeRoute
  implementation: ContractArtifact
  initData: Hex
  /** Holds the upgrade right on the proxy (impersonated on the fork). */
  upgrader: Address
  /** The asset whose flow measures what an attack extracts. */
  asset: Address
  /** Whose holdings of `asset` the attack drains; the proxy when absent. */
  victims?: Address[]
  normalOperations?: NormalOperation[]
}

/**
 * What one replay of the attack did. `extracted` is the larger of what the victims lost and what
 * the attack's senders gained: an exploit that parks the loot in a fresh contract gains its sender
 * nothing, yet the victims are as poor.
 */
export type AttackRun = { reverted: boolean; revert?: string; extracted: bigint; victimLoss: bigint; attackerGain: bigint }

export type ReplayGateResult = {
  passed: boolean
  forkBlock: bigint
  /** The attack replayed on the unpatched code: it must reproduce, or the replay proves nothing. */
  unpatched: AttackRun
  patched: AttackRun
  normalOperations: { description: string; ok: boolean; revert?: string }[]
  /** One line saying why the gate passed or failed. */
  verdict: string
}

/**
 * The replay gate of a fix. On a fork at the block before the attack it replays the attack twice:
 * first against the code as it was (which must reproduce the theft, else the replay is not
 * faithful and proves nothing), then against the new implementation, where it must revert or
 * extract nothing. The protocol's normal operations must still succeed on the patched fork.
 */
export async function replayAttack(parameters: ReplayAttackParameters): Promise<ReplayGateResult> {
  if (parameters.attackBlock < 1n) throw new FirebreakError('the attack block must be after the genesis block')
  const forkBlock = parameters.attackBlock - 1n
  const fork = await startFork({ forkUrl: parameters.forkUrl, blockNumber: forkBlock })
  try {
    const chain = await connect(fork.rpcUrl)
    const attackers = [...new Set(parameters.attack.map((transaction) => transaction.from))]
    const abis = [parameters.proxy.abi, parameters.implementation.abi]

    for (const transaction of parameters.preceding ?? []) await sendImpersonated(chain, transaction, abis)
    const beforeUpgrade = await chain.test.snapshot()
    const unpatched = await runAttack(chain, parameters, attackers, abis)
    await chain.test.revert({ id: beforeUpgrade })

    await upgradeOnFork(chain, parameters)
    const patched = await runAttack(chain, parameters, attackers, abis)
    const normalOperations = await runNormalOperations(chain, parameters.normalOperations ?? [], abis)

    const { passed, verdict } = judge(unpatched, patched, normalOperations)
    return { passed, forkBlock, unpatched, patched, normalOperations, verdict }
  } finally {
    await fork.stop()
  }
}

async function runAttack(chain: ChainClients, parameters: ReplayAttackParameters, attackers: Address[], abis: Abi[]): Promise<AttackRun> {
  const victims = parameters.victims ?? [parameters.proxy.address]
  const before = { attackers: await assetBalances(chain, parameters.asset, attackers), victims: await assetBalances(chain, parameters.asset, victims) }
  let revert: string | undefined
  for (const transaction of parameters.attack) {
    const outcome = await sendImpersonated(chain, transaction, abis)
    if (!outcome.ok) revert ??= outcome.revert
  }
  const attackerGain = positive((await assetBalances(chain, parameters.asset, attackers)) - before.attackers)
  const victimLoss = positive(before.victims - (await assetBalances(chain, parameters.asset, victims)))
  const extracted = attackerGain > victimLoss ? attackerGain : victimLoss
  return { reverted: revert !== undefined, revert, extracted, victimLoss, attackerGain }
}

function positive(value: bigint): bigint {
  return value > 0n ? value : 0n
}

async function upgradeOnFork(chain: ChainClients, parameters: ReplayAttackParameters): Promise<void> {
  await impersonate(chain, parameters.upgrader)
  const wallet = chain.wallet(parameters.upgrader)
  const deployHash = await wallet.sendTransaction({
    account: parameters.upgrader,
    data: encodeDeployData({ abi: parameters.implementation.abi, bytecode: parameters.implementation.bytecode }),
  } as never)
  const deployed = await chain.public.waitForTransactionReceipt({ hash: deployHash })
  if (!deployed.contractAddress) throw new FirebreakError(`${parameters.implementation.contractName} could not be deployed on the replay fork`)
  const route = parameters.route ?? { kind: 'uups', proxy: parameters.proxy.address }
  const { call } = upgradeAction(route, 'proxy', deployed.contractAddress, parameters.initData).action
  const upgrade = await sendImpersonated(chain, { ...call, from: parameters.upgrader }, [parameters.proxy.abi, parameters.implementation.abi, upgradeAbi])
  if (!upgrade.ok) throw new FirebreakError(`the upgrade itself reverts on the replay fork: ${upgrade.revert}`)
}

async function runNormalOperations(chain: ChainClients, operations: NormalOperation[], abis: Abi[]) {
  const results = []
  for (const operation of operations) {
    const outcome = await sendImpersonated(chain, operation, abis)
    results.push({ description: operation.description, ok: outcome.ok, revert: outcome.revert })
  }
  return results
}

async function sendImpersonated(chain: ChainClients, transaction: AttackTransaction, abis: Abi[]): Promise<{ ok: boolean; revert?: string }> {
  const { to, ...rest } = transaction
  if (to === undefined) return createImpersonated(chain, transaction)
  const sent = await sendOnFork(chain, { ...rest, to, value: transaction.value ?? 0n }, abis)
  return sent.ok ? { ok: true } : { ok: false, revert: sent.revert }
}

/** A contract-creating transaction replayed as its sender: mined or not, its receipt says. */
async function createImpersonated(chain: ChainClients, transaction: AttackTransaction): Promise<{ ok: boolean; revert?: string }> {
  await impersonate(chain, transaction.from)
  const hash = await chain.wallet(transaction.from).sendTransaction({ account: transaction.from, data: transaction.data, value: transaction.value ?? 0n } as never)
  const receipt = await chain.public.waitForTransactionReceipt({ hash })
  return receipt.status === 'success' ? { ok: true } : { ok: false, revert: 'the contract-creating transaction reverted' }
}

async function assetBalances(chain: ChainClients, asset: Address, accounts: Address[]): Promise<bigint> {
  const balances = await Promise.all(
    accounts.map((account) => chain.public.readContract({ address: asset, abi: erc20Abi, functionName: 'balanceOf', args: [account] })),
  )
  return balances.reduce((sum, balance) => sum + balance, 0n)
}

function judge(unpatched: AttackRun, patched: AttackRun, operations: ReplayGateResult['normalOperations']) {
  if (unpatched.extracted === 0n) {
    return { passed: false, verdict: `the replay does not reproduce the attack on the unpatched code (${unpatched.revert ?? 'nothing extracted'}), so it cannot prove the fix` }
  }
  if (patched.extracted > 0n) {
    return { passed: false, verdict: `the attack still extracts ${patched.extracted} against the new implementation` }
  }
  const broken = operations.find((operation) => !operation.ok)
  if (broken) return { passed: false, verdict: `the fix breaks a normal operation: ${broken.description} (${broken.revert})` }
  const how = patched.reverted ? `reverts with ${patched.revert}` : 'extracts nothing'
  return { passed: true, verdict: `the attack took ${unpatched.extracted} before the fix and now ${how}` }
}
