import { type Address, getAddress } from 'viem'

export type AccountLoss = { account: Address; before: bigint; after: bigint; loss: bigint }

export type LossTable = {
  losses: AccountLoss[]
  total: bigint
  /** Accounts left out on purpose (the attacker and its contracts). */
  excluded: Address[]
}

export type ComputeLossesParameters = {
  /** Value held per account before the attack. */
  before: readonly { account: Address; assets: bigint }[]
  /** Value held per account after containment. */
  after: readonly { account: Address; assets: bigint }[]
  exclude?: readonly Address[]
}

/**
 * Each account's loss is what it held before the attack minus what it holds after containment.
 * Accounts that gained or lost nothing are not in the table; excluded accounts never are.
 */
export function computeLosses({ before, after, exclude = [] }: ComputeLossesParameters): LossTable {
  const excluded = new Set(exclude.map((account) => getAddress(account)))
  const afterByAccount = new Map(after.map((position) => [getAddress(position.account), position.assets]))
  const losses: AccountLoss[] = []
  for (const position of before) {
    const account = getAddress(position.account)
    if (excluded.has(account)) continue
    const held = afterByAccount.get(account) ?? 0n
    const loss = position.assets - held
    if (loss > 0n) losses.push({ account, before: position.assets, after: held, loss })
  }
  losses.sort((a, b) => (a.loss === b.loss ? a.account.localeCompare(b.account) : a.loss > b.loss ? -1 : 1))
  return { losses, total: losses.reduce((sum, entry) => sum + entry.loss, 0n), excluded: [...excluded] }
}
