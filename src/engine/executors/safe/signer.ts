import type { LocalAccount } from 'viem'
import { UsageError } from '../../../errors.js'
import { accountFromKeyVariable } from '../key.js'
import { loadKeystoreAccount } from '../keystore.js'

export type LoadSignerParameters = {
  /** Environment variable holding the owner's private key. */
  keyEnv?: string
  /** An encrypted JSON keystore (`~/.foundry/keystores/<name>`), unlocked with the password in `passwordEnv`. */
  keystore?: string
  passwordEnv?: string
}

/**
 * The owner's key for `firebreak safe sign`: from an environment variable or an encrypted
 * keystore, never from a flag (shell history) or a file in the repository.
 */
export async function loadSigner({ keyEnv, keystore, passwordEnv }: LoadSignerParameters): Promise<LocalAccount> {
  if (keyEnv && keystore) throw new UsageError('give either --key-env or --keystore, not both')
  if (keystore) {
    if (!passwordEnv) throw new UsageError(`--keystore ${keystore} needs --password-env <VARIABLE> naming the environment variable that holds its password`)
    const password = process.env[passwordEnv]
    if (password === undefined) throw new UsageError(`${passwordEnv} is not set: set it to the password of ${keystore} (e.g. \`read -rs ${passwordEnv} && export ${passwordEnv}\`)`)
    return loadKeystoreAccount(keystore, password)
  }
  if (!keyEnv) throw new UsageError("no key to sign with: give --key-env <VARIABLE> (the environment variable holding the owner's private key) or --keystore <path> --password-env <VARIABLE>")
  const key = process.env[keyEnv]
  if (!key) throw new UsageError(`${keyEnv} is not set: set it to the owner's private key, or name another variable with --key-env`)
  return accountFromKeyVariable(keyEnv, key)
}
