import type { LocalAccount } from 'viem'
import { InvalidInputError, UsageError } from '../../../errors.js'
import { accountFromPrivateKey } from '../privateKey.js'
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
  if (keyEnv && keystore) throw new InvalidInputError({ parameter: 'keyEnv', problem: 'give either a key variable or a keystore, not both', related: ['keystore'] })
  if (keystore) {
    if (!passwordEnv) throw new InvalidInputError({ parameter: 'keystore', value: keystore, problem: 'needs the name of the environment variable that holds its password', related: ['passwordEnv'] })
    const password = process.env[passwordEnv]
    if (password === undefined) throw new UsageError(`${passwordEnv} is not set: set it to the password of ${keystore} (e.g. \`read -rs ${passwordEnv} && export ${passwordEnv}\`)`)
    return loadKeystoreAccount(keystore, password)
  }
  if (!keyEnv) throw new InvalidInputError({ parameter: 'keyEnv', problem: "no key to sign with: name the environment variable holding the owner's private key, or a keystore and its password variable", related: ['keystore', 'passwordEnv'] })
  const key = process.env[keyEnv]
  if (!key) throw new InvalidInputError({ parameter: 'keyEnv', value: keyEnv, problem: "is not set: set it to the owner's private key, or name another variable" })
  return accountFromPrivateKey(keyEnv, key)
}
