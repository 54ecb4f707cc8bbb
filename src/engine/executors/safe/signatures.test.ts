import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type Address, type Hex, hexToNumber, slice, zeroAddress } from 'viem'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { devAccount } from '../../../chain/devAccounts.js'
import { SafeSignatureError } from './errors.js'
import { safeTxHashes } from './hashes.js'
import { type SafeTransaction, buildSafeTransaction } from './safeTransaction.js'
import { type SafeSignatureFile, encodeSignatures, ownerSignatureFromFile, readSignatureFile, recoverSafeSignature, signSafeTransaction } from './signatures.js'

const owners = [devAccount(10), devAccount(11), devAccount(12)]
const outsider = devAccount(13)
const safe: Address = '0x5afe5afE5afE5afE5afE5aFe5aFe5Afe5Afe5AfE'
const chainId = 31337
/** One call, `pause()`, as firebreak builds it (a single call needs no MultiSend). */
const transaction: SafeTransaction = buildSafeTransaction([{ to: '0x1111111111111111111111111111111111111111', data: '0x8456cb59', value: 0n }], { nonce: 3n, multiSend: zeroAddress })
const { safeTxHash } = safeTxHashes(chainId, safe, transaction)
const expected = { chainId, safe, safeTxHash, owners: owners.map((owner) => owner.address) }

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'firebreak-safe-signatures-'))
})
afterEach(() => {
  rmSync(dir, { recursive: true, force: true })
})

function vOf(signature: Hex): number {
  return hexToNumber(slice(signature, 64, 65))
}

async function signatureFile(account = owners[0]!, overrides: Partial<SafeSignatureFile> = {}): Promise<SafeSignatureFile> {
  const signature = await signSafeTransaction(account, chainId, safe, transaction)
  return { safe, chainId, safeTxHash, signer: account.address, signature, ...overrides }
}

function refusal(run: Promise<unknown>): Promise<SafeSignatureError> {
  return run.then(
    () => {
      throw new Error('expected a SafeSignatureError')
    },
    (error: unknown) => {
      expect(error).toBeInstanceOf(SafeSignatureError)
      return error as SafeSignatureError
    },
  )
}

describe('recoverSafeSignature', () => {
  it("recovers an owner's EIP-712 signature of the safeTxHash, v 27 or 28 as the Safe takes it", async () => {
    const signature = await signSafeTransaction(owners[0]!, chainId, safe, transaction)

    const recovered = await recoverSafeSignature(safeTxHash, signature)

    expect(recovered.signer).toBe(owners[0]!.address)
    expect(recovered.kind).toBe('eip712')
    expect([27, 28]).toContain(vOf(recovered.signature))
  })

  it('recovers an eth_sign signature of the safeTxHash given with v + 4 (31 or 32)', async () => {
    const personal = await owners[1]!.signMessage({ message: { raw: safeTxHash } })
    const safeStyle = `${personal.slice(0, 130)}${(vOf(personal) + 4).toString(16)}` as Hex

    const recovered = await recoverSafeSignature(safeTxHash, safeStyle)

    expect(recovered).toEqual({ signer: owners[1]!.address, kind: 'eth_sign', signature: safeStyle })
  })

  it('takes `cast wallet sign <safeTxHash>` output (eth_sign, v left at 27/28) and raises v by 4 for the Safe', async () => {
    const castOutput = await owners[1]!.signMessage({ message: { raw: safeTxHash } })

    const recovered = await recoverSafeSignature(safeTxHash, castOutput, owners[1]!.address)

    expect(recovered.signer).toBe(owners[1]!.address)
    expect(recovered.kind).toBe('eth_sign')
    expect(vOf(recovered.signature)).toBe(vOf(castOutput) + 4)
  })
})

describe('ownerSignatureFromFile', () => {
  it('accepts an owner signature file for this Safe transaction', async () => {
    const signature = await ownerSignatureFromFile('alice.json', await signatureFile(), expected)

    expect(signature.owner).toBe(owners[0]!.address)
    expect(signature.source).toBe('alice.json')
  })

  it('refuses a signature made for another Safe transaction, saying the plan changed', async () => {
    const other = safeTxHashes(chainId, safe, { ...transaction, nonce: 2n }).safeTxHash
    const file = await signatureFile(owners[0], { safeTxHash: other })

    const error = await refusal(ownerSignatureFromFile('alice.json', file, expected))

    expect(error.shortMessage).toBe(`alice.json is signed for Safe transaction ${other}, but this plan's is ${safeTxHash}: the plan changed since it was signed; sign the new Safe transaction file`)
  })

  it('refuses a file whose signature was made by another key than the signer it names', async () => {
    const file = await signatureFile(owners[0], { signer: owners[1]!.address })

    const error = await refusal(ownerSignatureFromFile('bob.json', file, expected))

    expect(error.shortMessage).toContain(`says it is signed by ${owners[1]!.address}, but the signature is by ${owners[0]!.address}`)
  })

  it('refuses a signature by someone who does not own the Safe, naming them and the owners', async () => {
    const error = await refusal(ownerSignatureFromFile('mallory.json', await signatureFile(outsider), expected))

    expect(error.shortMessage).toBe(`mallory.json: ${outsider.address} is not an owner of Safe ${safe} (owners: ${expected.owners.join(', ')})`)
  })

  it('refuses a signature for the same transaction on another chain', async () => {
    const error = await refusal(ownerSignatureFromFile('alice.json', await signatureFile(owners[0], { chainId: 1 }), expected))

    expect(error.shortMessage).toContain('on chain 1, but this step\'s Safe is')
  })
})

describe('readSignatureFile', () => {
  it('names the file that is not JSON', () => {
    const path = join(dir, 'carol.json')
    writeFileSync(path, '{"safe": "0x5afe')

    expect(() => readSignatureFile(path)).toThrow(SafeSignatureError)
    expect(() => readSignatureFile(path)).toThrow(`${path} is not a Safe signature file: it is not valid JSON`)
  })

  it('names the file and the field that is wrong', () => {
    const path = join(dir, 'carol.json')
    writeFileSync(path, JSON.stringify({ safe, chainId, safeTxHash, signer: 'carol', signature: '0x' }))

    expect(() => readSignatureFile(path)).toThrow(`${path} is not a Safe signature file: signer: expected a 20-byte hex address`)
  })
})

describe('encodeSignatures', () => {
  it('puts one signature per owner in ascending owner order, as the Safe requires, and only as many as the threshold', async () => {
    const signed = await Promise.all(owners.map(async (owner) => ({ owner: owner.address, signature: await signSafeTransaction(owner, chainId, safe, transaction), kind: 'eip712' as const, source: owner.address })))
    const ascending = [...signed].sort((a, b) => (BigInt(a.owner) < BigInt(b.owner) ? -1 : 1))

    const encoded = encodeSignatures([signed[2]!, signed[0]!, signed[2]!, signed[1]!], 2)

    expect(encoded).toBe(`${ascending[0]!.signature}${ascending[1]!.signature.slice(2)}`)
  })
})
