import type { HDAccount } from 'viem'
import { devAccount } from '../chain/devAccounts.js'

/** The people of the drill, each one of anvil's funded development accounts. */
export type DrillActors = {
  /** Governance: unpauses, upgrades, manages roles. */
  admin: HDAccount
  /** The emergency key: may pause, nothing else. */
  guardian: HDAccount
  /** Holds the protocol's reserve, which funds reimbursement. */
  treasury: HDAccount
  attacker: HDAccount
  users: { name: string; account: HDAccount; deposit: bigint }[]
}

const unit = 10n ** 18n

export function drillActors(): DrillActors {
  return {
    admin: devAccount(0),
    guardian: devAccount(1),
    treasury: devAccount(2),
    attacker: devAccount(3),
    users: [
      { name: 'alice', account: devAccount(4), deposit: 50_000n * unit },
      { name: 'bob', account: devAccount(5), deposit: 30_000n * unit },
      { name: 'carol', account: devAccount(6), deposit: 15_000n * unit },
      { name: 'dave', account: devAccount(7), deposit: 5_000n * unit },
    ],
  }
}
