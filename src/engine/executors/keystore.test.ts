import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { packageRoot } from '../../packageRoot.js'
import { devAccount } from '../../chain/devAccounts.js'
import { AuthorityMissingError } from '../errors.js'
import { KeystoreError, loadKeystoreAccount } from './keystore.js'

/** Written by Foundry's `cast wallet import` (and checked with `cast wallet decrypt-keystore`): see the folder's README. */
const keystores = join(packageRoot, 'test', 'fixtures', 'keystores')
const password = 'firebreak-drill'
const guardian = devAccount(1).address

const scratch = mkdtempSync(join(tmpdir(), 'firebreak-keystore-'))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

/** A copy of a fixture with some of its JSON changed. */
function alteredKeystore(name: string, alter: (keystore: { crypto: Record<string, unknown> } & Record<string, unknown>) => void): string {
  const keystore = JSON.parse(readFileSync(join(keystores, name), 'utf8'))
  alter(keystore)
  const path = join(scratch, `${name}-${Math.random().toString(16).slice(2)}`)
  writeFileSync(path, JSON.stringify(keystore))
  return path
}

async function loadError(path: string, secret = password): Promise<KeystoreError> {
  const error = await loadKeystoreAccount(path, secret).then(
    () => undefined,
    (caught: unknown) => caught,
  )
  expect(error).toBeInstanceOf(KeystoreError)
  return error as KeystoreError
}

describe('loadKeystoreAccount', () => {
  it("unlocks the guardian's key from cast's scrypt keystore (n = 8192)", async () => {
    const account = await loadKeystoreAccount(join(keystores, 'guardian-scrypt'), password)

    expect(account.address).toBe(guardian)
  })

  it("unlocks a PBKDF2 keystore (c = 262144, the spec's count)", async () => {
    const account = await loadKeystoreAccount(join(keystores, 'guardian-pbkdf2'), password)

    expect(account.address).toBe(guardian)
  })

  it("unlocks a keystore with geth's standard scrypt cost (n = 2^18, 256 MiB), beyond node's default maxmem", async () => {
    const account = await loadKeystoreAccount(join(keystores, 'guardian-scrypt-n262144'), password)

    expect(account.address).toBe(guardian)
  })

  it('signs with the unlocked key: the signature recovers to the guardian', async () => {
    const account = await loadKeystoreAccount(join(keystores, 'guardian-scrypt'), password)

    const signature = await account.signMessage({ message: 'firebreak' })

    expect(signature).toBe(await devAccount(1).signMessage({ message: 'firebreak' }))
  })

  it('refuses a wrong password, naming the file and the MAC mismatch', async () => {
    const path = join(keystores, 'guardian-scrypt')

    const error = await loadError(path, 'not-the-password')

    expect(error.shortMessage).toBe(`wrong password for keystore ${path} (MAC mismatch)`)
    expect(error).toBeInstanceOf(AuthorityMissingError)
  })

  it('refuses a keystore whose ciphertext was altered, by its MAC', async () => {
    const path = alteredKeystore('guardian-scrypt', (keystore) => {
      const ciphertext = keystore.crypto.ciphertext as string
      keystore.crypto.ciphertext = `${ciphertext.slice(0, -2)}${ciphertext.endsWith('00') ? '01' : '00'}`
    })

    const error = await loadError(path)

    expect(error.shortMessage).toBe(`wrong password for keystore ${path} (MAC mismatch)`)
  })

  it('names a keystore file that does not exist', async () => {
    const path = join(scratch, 'no-such-keystore')

    const error = await loadError(path)

    expect(error.shortMessage).toBe(`keystore ${path} does not exist`)
  })

  it('refuses a file that is not JSON, or not version 3', async () => {
    const notJson = join(scratch, 'not-json')
    writeFileSync(notJson, 'PRIVATE KEY: none here')
    const version1 = alteredKeystore('guardian-scrypt', (keystore) => {
      keystore.version = 1
    })

    expect((await loadError(notJson)).shortMessage).toBe(`${notJson} is not a v3 JSON keystore: it is not JSON`)
    expect((await loadError(version1)).shortMessage).toBe(`${version1} is not a v3 JSON keystore: its version is 1, not 3`)
  })

  it('refuses a KDF or a cipher it does not read, naming it', async () => {
    const argon = alteredKeystore('guardian-scrypt', (keystore) => {
      keystore.crypto.kdf = 'argon2id'
    })
    const cbc = alteredKeystore('guardian-scrypt', (keystore) => {
      keystore.crypto.cipher = 'aes-128-cbc'
    })
    const sha512 = alteredKeystore('guardian-pbkdf2', (keystore) => {
      ;(keystore.crypto.kdfparams as Record<string, unknown>).prf = 'hmac-sha512'
    })

    expect((await loadError(argon)).shortMessage).toBe(`keystore ${argon} uses the KDF "argon2id"; firebreak reads scrypt and pbkdf2`)
    expect((await loadError(cbc)).shortMessage).toBe(`keystore ${cbc} uses the cipher "aes-128-cbc"; firebreak reads aes-128-ctr only`)
    expect((await loadError(sha512)).shortMessage).toBe(`keystore ${sha512} uses PBKDF2 with "hmac-sha512"; firebreak reads hmac-sha256 only`)
  })

  it('refuses scrypt parameters that would take more memory than allowed, without trying', async () => {
    const huge = alteredKeystore('guardian-scrypt', (keystore) => {
      ;(keystore.crypto.kdfparams as Record<string, unknown>).n = 2 ** 24
    })

    expect((await loadError(huge)).shortMessage).toBe(`keystore ${huge} asks scrypt for 16384 MiB, more than firebreak allows (2048 MiB)`)
  })

  it('refuses a keystore whose address field names another account than its key', async () => {
    const path = alteredKeystore('guardian-scrypt', (keystore) => {
      keystore.address = devAccount(3).address.slice(2).toLowerCase()
    })

    const error = await loadError(path)

    expect(error.shortMessage).toBe(`keystore ${path} names the address 0x${devAccount(3).address.slice(2).toLowerCase()}, but its key controls ${guardian}`)
  })

  it('never puts the key or the password into an error', async () => {
    const key = devAccount(1).getHdKey().privateKey!
    const keyHex = Buffer.from(key).toString('hex')
    const errors = [
      await loadError(join(keystores, 'guardian-scrypt'), 'not-the-password'),
      await loadError(alteredKeystore('guardian-scrypt', (keystore) => void (keystore.address = devAccount(3).address))),
    ]

    for (const error of errors) {
      const text = `${error.message}\n${error.stack}`.toLowerCase()
      expect(text).not.toContain(keyHex)
      expect(text).not.toContain(password)
    }
  })
})
