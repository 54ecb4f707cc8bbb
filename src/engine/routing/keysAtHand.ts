import { existsSync } from 'node:fs'
import { type Address, type LocalAccount, isAddressEqual } from 'viem'
import type { ManifestAuthority } from '../../manifest/types.js'

/**
 * Whether this machine holds an account's key right now: handed over in memory, in the variable the
 * manifest names, or in a keystore file that exists. Only presence is checked: unlocking a keystore
 * to choose a route would cost its scrypt time while an exploit runs.
 */
export function keysAtHand(team: readonly ManifestAuthority[], accounts: readonly LocalAccount[] = []): (address: Address) => boolean {
  return (address) =>
    accounts.some((account) => isAddressEqual(account.address, address)) ||
    team.some(
      (authority) =>
        authority.type === 'eoa' &&
        isAddressEqual(authority.address, address) &&
        Boolean((authority.keyEnv && process.env[authority.keyEnv]) || (authority.keystore && existsSync(authority.keystore.path))),
    )
}
