import { type HDAccount, mnemonicToAccount } from 'viem/accounts'

/** anvil's public development mnemonic: its accounts are funded on every local chain and fork. */
export const ANVIL_MNEMONIC = 'test test test test test test test test test test test junk'

/** The i-th funded account of a local anvil; usable only where anvil's default accounts exist. */
export function devAccount(index: number): HDAccount {
  return mnemonicToAccount(ANVIL_MNEMONIC, { addressIndex: index })
}
