import { type Hex, type LocalAccount, isAddressEqual, isHex } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { AuthorityMissingError } from '../errors.js'
import type { KeyAuthority } from '../plan.js'
import { singleCall } from './singleCall.js'
import type { Executor, ExecutorContext } from './types.js'

/**
 * Signs with a private key held in memory: one handed over by the caller, or read from the
 * environment variable the authority names. The key itself is never logged or journaled; only the
 * address it controls is.
 */
export function keyExecutor(authority: KeyAuthority, context: ExecutorContext): Executor {
  const call = singleCall(context.step)
  const account = findAccount(authority, context)
  const wallet = context.chain.wallet(account)
  return {
    describe: `key ${authority.label} ${authority.address}`,
    prepare: async () => {},
    send: () => wallet.sendTransaction({ to: call.to, data: call.data, value: call.value }),
  }
}

function findAccount(authority: KeyAuthority, context: ExecutorContext): LocalAccount {
  const handed = context.accounts?.find((account) => isAddressEqual(account.address, authority.address))
  if (handed) return handed
  const variable = authority.keyEnv
  const key = variable ? process.env[variable] : undefined
  if (!variable || !key) {
    const missing = variable ? `${variable} is not set` : 'no environment variable is named for its key'
    throw new AuthorityMissingError(`no key for ${authority.label} (${authority.address}): ${missing}`, {
      metaMessages: [variable ? `Set the environment variable ${variable} to its private key.` : 'Name the environment variable that holds its key (keyEnv) in the manifest.'],
    })
  }
  const normalized = (key.startsWith('0x') ? key : `0x${key}`) as Hex
  if (!isHex(normalized) || normalized.length !== 66) {
    throw new AuthorityMissingError(`${variable} does not hold a private key (expected 32 bytes of hex)`)
  }
  const account = privateKeyToAccount(normalized)
  if (!isAddressEqual(account.address, authority.address)) {
    throw new AuthorityMissingError(`${variable} holds the key of ${account.address}, not of ${authority.label} (${authority.address})`)
  }
  return account
}
