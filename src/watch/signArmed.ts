import type { Transaction } from 'viem'
import { type SignedTransaction, signKeyTransaction } from '../engine/executors/feeBump.js'
import type { ArmedTransaction } from './armPlan.js'

/** The least tip an armed transaction offers: enough to be picked over idle traffic. */
export const MIN_TIP = 1_000_000_000n

export type ArmedFees = { maxFeePerGas: bigint; maxPriorityFeePerGas: bigint }

/**
 * The fees of the armed broadcast at a block, derived from that block alone so that two watchers
 * of one protocol sign the very same transaction (one hash, sent once whoever is first). Against a
 * pending attack the tip is twice what the attack pays per gas (at least one gwei more), and the
 * fee cap leaves it whole after the base fee: ordered by tip, the pause is mined ahead of it.
 */
export function armedFees(nextBaseFee: bigint, attack?: Pick<Transaction, 'maxPriorityFeePerGas' | 'maxFeePerGas' | 'gasPrice'>): ArmedFees {
  const attackTip = attack ? effectiveTip(attack, nextBaseFee) : 0n
  const tip = [MIN_TIP, attackTip * 2n, attackTip + MIN_TIP].reduce((a, b) => (a > b ? a : b))
  return { maxPriorityFeePerGas: tip, maxFeePerGas: 2n * powerOfTwoAtLeast(nextBaseFee) + tip }
}

/**
 * The base fee rounded up to a power of two: two watchers that read consecutive blocks (the base
 * fee moves by at most 12.5 % a block) most often land on the same cap, hence the same hash. Only
 * the base fee actually met is charged, so the headroom costs nothing.
 */
function powerOfTwoAtLeast(value: bigint): bigint {
  let power = 1n
  while (power < value) power <<= 1n
  return power
}

/** What a transaction pays the block producer per gas at this base fee: its tip, capped by what its fee cap leaves. */
export function effectiveTip(transaction: Pick<Transaction, 'maxPriorityFeePerGas' | 'maxFeePerGas' | 'gasPrice'>, baseFee: bigint): bigint {
  const cap = transaction.maxFeePerGas ?? transaction.gasPrice ?? 0n
  const room = cap > baseFee ? cap - baseFee : 0n
  const tip = transaction.maxPriorityFeePerGas ?? room
  return tip < room ? tip : room
}

/** The armed transactions signed for these nonces and fees: in memory, microseconds each. */
export function signArmed(chainId: number, transactions: readonly ArmedTransaction[], nonces: ReadonlyMap<string, number>, fees: ArmedFees): Promise<(SignedTransaction & { armed: ArmedTransaction })[]> {
  const next = new Map(nonces)
  return Promise.all(
    transactions.map(async (armed) => {
      const sender = armed.from.toLowerCase()
      const nonce = next.get(sender)
      if (nonce === undefined) throw new Error(`no nonce read for ${armed.from}`)
      next.set(sender, nonce + 1)
      const signed = await signKeyTransaction(armed.account, { chainId, nonce, to: armed.call.to, data: armed.call.data, value: armed.call.value, gas: armed.gas, fees: { type: 'eip1559', ...fees } })
      return { ...signed, armed }
    }),
  )
}
