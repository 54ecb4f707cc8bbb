import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type Address, encodeFunctionData, parseAbi } from 'viem'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { devAccount } from '../../../chain/devAccounts.js'
import type { Action } from '../../plan.js'
import { CANONICAL_MULTI_SEND_CALL_ONLY } from './abi.js'
import { SafeSignatureError, SafeTransactionError } from './errors.js'
import { safeTxHashes } from './hashes.js'
import { writeJsonFile } from './jsonFile.js'
import { buildSafeTransaction } from './safeTransaction.js'
import { toSafeTransactionFile } from './safeTransactionFile.js'
import { signSafeTransactionFile } from './signSafeTransactionFile.js'
import { recoverSafeSignature } from './signatures.js'

const [alice, bob] = [devAccount(10), devAccount(11)]
const safe: Address = '0x5afe5afE5afE5afE5afE5aFe5aFe5Afe5Afe5AfE'
const vault: Address = '0x1111111111111111111111111111111111111111'
/** A contract with a `multiSend(bytes)` that is not Safe's: delegate-called, it could do anything as the Safe. */
const lookalike: Address = '0xBAd0000000000000000000000000000000000Bad'
const vaultAbi = parseAbi(['function pause()', 'function setDepositCap(uint256)'])
const actions: Action[] = [
  { call: { to: vault, data: encodeFunctionData({ abi: vaultAbi, functionName: 'pause' }), value: 0n }, decoded: { contract: 'vault', address: vault, functionName: 'pause', args: [], text: 'vault.pause()' } },
  {
    call: { to: vault, data: encodeFunctionData({ abi: vaultAbi, functionName: 'setDepositCap', args: [0n] }), value: 0n },
    decoded: { contract: 'vault', address: vault, functionName: 'setDepositCap', args: ['0'], text: 'vault.setDepositCap(0)' },
  },
]

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'firebreak-safe-sign-'))
})
afterEach(() => {
  rmSync(dir, { recursive: true, force: true })
})

function writeSafeTxFile(multiSend: Address = CANONICAL_MULTI_SEND_CALL_ONLY): string {
  const transaction = buildSafeTransaction(
    actions.map((action) => action.call),
    { nonce: 0n, multiSend },
  )
  const path = join(dir, 'contain-pause-and-cap.json')
  writeJsonFile(
    path,
    toSafeTransactionFile({
      plan: { id: 'contain' },
      step: { id: 'pause-and-cap', title: 'pause and close deposits', actions },
      chainId: 1,
      safe,
      safeVersion: '1.4.1',
      owners: [alice.address, bob.address],
      threshold: 2,
      transaction,
      hashes: safeTxHashes(1, safe, transaction),
    }),
  )
  return path
}

describe('signSafeTransactionFile', () => {
  it("writes the owner's EIP-712 signature of the file's safeTxHash", async () => {
    const file = writeSafeTxFile()
    const out = join(dir, 'alice.json')

    const { transaction } = await signSafeTransactionFile({ file, account: alice, out })

    const written = JSON.parse(readFileSync(out, 'utf8')) as { safe: Address; chainId: number; safeTxHash: `0x${string}`; signer: Address; signature: `0x${string}` }
    expect(written).toMatchObject({ safe, chainId: 1, safeTxHash: transaction.hashes.safeTxHash, signer: alice.address })
    expect((await recoverSafeSignature(written.safeTxHash, written.signature)).signer).toBe(alice.address)
  })

  it('refuses to sign a batch delegate-called to a contract other than the canonical MultiSendCallOnly', async () => {
    const file = writeSafeTxFile(lookalike)

    const error = await signSafeTransactionFile({ file, account: alice, out: join(dir, 'alice.json') }).catch((caught: unknown) => caught)

    expect(error).toBeInstanceOf(SafeTransactionError)
    expect((error as SafeTransactionError).shortMessage).toContain(`delegate-calls ${lookalike}, which is not the canonical MultiSendCallOnly`)
  })

  it("signs a batch through the MultiSendCallOnly the signer names (the manifest's, on a chain without the canonical one)", async () => {
    const file = writeSafeTxFile(lookalike)

    const { signature } = await signSafeTransactionFile({ file, account: alice, out: join(dir, 'alice.json'), multiSend: lookalike })

    expect(signature.signer).toBe(alice.address)
  })

  it('refuses to sign for someone the file does not list as an owner', async () => {
    const file = writeSafeTxFile()
    const mallory = devAccount(13)

    await expect(signSafeTransactionFile({ file, account: mallory, out: join(dir, 'mallory.json') })).rejects.toThrow(
      new SafeSignatureError(`${mallory.address} is not an owner of Safe ${safe} (owners: ${alice.address}, ${bob.address})`),
    )
  })
})
