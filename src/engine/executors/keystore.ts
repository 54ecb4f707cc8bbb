import { createDecipheriv, pbkdf2, scrypt, timingSafeEqual } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { homedir } from 'node:os'
import { type LocalAccount, bytesToHex, isAddressEqual, keccak256 } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { AuthorityMissingError } from '../errors.js'
import { privateKeyProblem } from './privateKey.js'

/**
 * A keystore that cannot be unlocked: missing, not a keystore, a wrong password, or a KDF or
 * cipher firebreak does not read. It is an AuthorityMissingError because the effect is the same as
 * an unset key: the step's authority cannot sign, and nothing is sent.
 */
export class KeystoreError extends AuthorityMissingError {
  override name = 'KeystoreError'
}

/**
 * scrypt needs 128·n·r bytes; geth's and clef's standard (n = 2^18, r = 8) takes 256 MiB. A file
 * asking for more than this is refused rather than allowed to exhaust the machine mid-incident.
 */
const maxScryptMemory = 2 * 1024 ** 3

/**
 * Unlocks a Web3 Secret Storage v3 keystore, the format `cast wallet import/new` writes to
 * `~/.foundry/keystores/<name>` (and geth, clef, MetaMask exports): scrypt or PBKDF2-HMAC-SHA256,
 * AES-128-CTR, MAC = keccak256(derivedKey[16..32] ‖ ciphertext).
 *
 * The decrypted key stays inside the returned account: it is not returned, logged, written, or
 * put into any error message.
 */
export async function loadKeystoreAccount(path: string, password: string): Promise<LocalAccount> {
  const keystore = parseKeystore(path, await readKeystoreFile(path))
  const derivedKey = await deriveKey(path, keystore, password)
  try {
    const mac = Buffer.from(keccak256(Buffer.concat([derivedKey.subarray(16, 32), keystore.ciphertext]), 'bytes'))
    if (!timingSafeEqual(mac, keystore.mac)) {
      throw new KeystoreError(`wrong password for keystore ${path} (MAC mismatch)`, {
        metaMessages: ['The password does not open this file, or the file was altered since it was written.'],
      })
    }
    const decipher = createDecipheriv('aes-128-ctr', derivedKey.subarray(0, 16), keystore.iv)
    const privateKey = Buffer.concat([decipher.update(keystore.ciphertext), decipher.final()])
    try {
      if (privateKey.length !== 32) throw new KeystoreError(`keystore ${path} holds ${privateKey.length} bytes, not a 32-byte private key`)
      const problem = privateKeyProblem(BigInt(bytesToHex(privateKey)))
      if (problem) throw new KeystoreError(`keystore ${path} holds no usable private key: it is ${problem}`)
      const account = privateKeyToAccount(bytesToHex(privateKey))
      if (keystore.address && !isAddressEqual(account.address, keystore.address)) {
        throw new KeystoreError(`keystore ${path} names the address ${keystore.address}, but its key controls ${account.address}`)
      }
      return account
    } finally {
      privateKey.fill(0)
    }
  } finally {
    derivedKey.fill(0)
  }
}

type Kdf =
  | { kind: 'scrypt'; n: number; r: number; p: number; dklen: number; salt: Buffer }
  | { kind: 'pbkdf2'; c: number; dklen: number; salt: Buffer }

type ParsedKeystore = { kdf: Kdf; iv: Buffer; ciphertext: Buffer; mac: Buffer; address?: `0x${string}` }

async function readKeystoreFile(path: string): Promise<string> {
  const resolved = path === '~' || path.startsWith('~/') ? homedir() + path.slice(1) : path
  try {
    return await readFile(resolved, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT') {
      throw new KeystoreError(`keystore ${path} does not exist`, {
        metaMessages: ['Foundry keeps keystores in ~/.foundry/keystores/<name>; `cast wallet list` shows them.'],
      })
    }
    if (code === 'EISDIR') throw new KeystoreError(`keystore ${path} is a directory, not a keystore file`)
    throw new KeystoreError(`cannot read keystore ${path}: ${code ?? (error as Error).message}`, { cause: error })
  }
}

/** Checks the file field by field, so that a damaged or foreign file is named as such, not as a wrong password. */
function parseKeystore(path: string, text: string): ParsedKeystore {
  const notV3 = (why: string) => new KeystoreError(`${path} is not a v3 JSON keystore: ${why}`)
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    throw notV3('it is not JSON')
  }
  if (!isRecord(json)) throw notV3('it is not a JSON object')
  if (json.version !== 3) throw notV3(`its version is ${JSON.stringify(json.version)}, not 3`)
  // MyEtherWallet and early geth wrote `Crypto`.
  const crypto = json.crypto ?? json.Crypto
  if (!isRecord(crypto)) throw notV3('it has no crypto section')

  if (crypto.cipher !== 'aes-128-ctr') {
    throw new KeystoreError(`keystore ${path} uses the cipher ${JSON.stringify(crypto.cipher)}; firebreak reads aes-128-ctr only`, {
      metaMessages: ['Re-import the key with `cast wallet import`, which writes aes-128-ctr.'],
    })
  }
  const iv = hexField(crypto.cipherparams, 'iv', notV3)
  if (iv.length !== 16) throw notV3(`its iv is ${iv.length} bytes, not 16`)
  const ciphertext = hexField(crypto, 'ciphertext', notV3)
  const mac = hexField(crypto, 'mac', notV3)
  if (mac.length !== 32) throw notV3(`its mac is ${mac.length} bytes, not 32`)

  const kdf = parseKdf(path, crypto.kdf, crypto.kdfparams, notV3)
  const address = typeof json.address === 'string' && /^(0x)?[0-9a-fA-F]{40}$/.test(json.address) ? (`0x${json.address.replace(/^0x/, '')}` as const) : undefined
  return { kdf, iv, ciphertext, mac, ...(address ? { address } : {}) }
}

function parseKdf(path: string, kdf: unknown, params: unknown, notV3: (why: string) => KeystoreError): Kdf {
  if (!isRecord(params)) throw notV3('it has no kdfparams')
  const positive = (name: string): number => {
    const value = params[name]
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) throw notV3(`kdfparams.${name} is not a positive integer`)
    return value
  }
  const dklen = positive('dklen')
  // The MAC key is derivedKey[16..32] and the AES key derivedKey[0..16].
  if (dklen < 32) throw notV3(`kdfparams.dklen is ${dklen}, less than the 32 bytes the cipher and MAC need`)
  const salt = hexField(params, 'salt', notV3)
  if (kdf === 'scrypt') {
    const n = positive('n')
    if (n < 2 || (n & (n - 1)) !== 0) throw notV3(`kdfparams.n is ${n}, not a power of two`)
    const r = positive('r')
    const p = positive('p')
    if (128 * n * r > maxScryptMemory) {
      throw new KeystoreError(`keystore ${path} asks scrypt for ${(128 * n * r) / 1024 ** 2} MiB, more than firebreak allows (${maxScryptMemory / 1024 ** 2} MiB)`)
    }
    return { kind: 'scrypt', n, r, p, dklen, salt }
  }
  if (kdf === 'pbkdf2') {
    if (params.prf !== 'hmac-sha256') {
      throw new KeystoreError(`keystore ${path} uses PBKDF2 with ${JSON.stringify(params.prf)}; firebreak reads hmac-sha256 only`)
    }
    return { kind: 'pbkdf2', c: positive('c'), dklen, salt }
  }
  throw new KeystoreError(`keystore ${path} uses the KDF ${JSON.stringify(kdf)}; firebreak reads scrypt and pbkdf2`)
}

/** scrypt and PBKDF2 run on libuv's thread pool: the event loop (progress, other steps' polling) keeps going. */
function deriveKey(path: string, keystore: ParsedKeystore, password: string): Promise<Buffer> {
  const { kdf } = keystore
  // The password's UTF-8 bytes as typed, without Unicode normalisation: what cast and geth derive from.
  const secret = Buffer.from(password, 'utf8')
  return new Promise<Buffer>((resolve, reject) => {
    const done = (error: Error | null, key: Buffer) => {
      secret.fill(0)
      if (error) reject(new KeystoreError(`cannot derive the key of keystore ${path}: ${error.message}`, { cause: error }))
      else resolve(key)
    }
    if (kdf.kind === 'scrypt') {
      // Node's default maxmem (32 MiB) refuses geth's standard n = 2^18; allow what the parameters need.
      const maxmem = 128 * kdf.r * (kdf.n + kdf.p + 2) + 1024 ** 2
      scrypt(secret, kdf.salt, kdf.dklen, { N: kdf.n, r: kdf.r, p: kdf.p, maxmem }, done)
    } else {
      pbkdf2(secret, kdf.salt, kdf.c, kdf.dklen, 'sha256', done)
    }
  })
}

function hexField(record: unknown, name: string, notV3: (why: string) => KeystoreError): Buffer {
  const value = isRecord(record) ? record[name] : undefined
  if (typeof value !== 'string') throw notV3(`${name} is missing`)
  const hex = value.replace(/^0x/, '')
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) throw notV3(`${name} is not hex`)
  return Buffer.from(hex, 'hex')
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
