import { type Address, type Hash, TransactionReceiptNotFoundError, parseEther, parseGwei } from 'viem'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { useLocalChain } from '../../../test/fixtures/localChain.js'
import { devAccount } from '../../chain/devAccounts.js'
import { executeStep } from '../execute.js'
import type { JournalLike } from '../journalLike.js'
import type { KeyAuthority, Plan, Step } from '../plan.js'
import {
  type TransactionFees,
  NonceTakenError,
  TransactionNotMinedError,
  bumpFees,
  confirmWithReplacements,
  currentFees,
  feeCap,
  signKeyTransaction,
} from './feeBump.js'
import { keyExecutor } from './key.js'
import type { ExecutorContext } from './types.js'

const eip1559 = (maxFeePerGas: bigint, maxPriorityFeePerGas: bigint): TransactionFees => ({ type: 'eip1559', maxFeePerGas, maxPriorityFeePerGas })

describe('bumpFees', () => {
  it('raises both fee caps by 12.5 %, above the +10 % nodes require of a replacement', () => {
    expect(bumpFees(eip1559(100n, 10n), eip1559(50n, 5n), 1_000n)).toEqual(eip1559(113n, 12n))
  })

  it('offers what the network asks now when that is more than the raise', () => {
    expect(bumpFees(eip1559(100n, 10n), eip1559(300n, 20n), 1_000n)).toEqual(eip1559(300n, 20n))
  })

  it('stops at the cap while the cap still leaves the +10 % a node requires', () => {
    expect(bumpFees(eip1559(100n, 10n), eip1559(300n, 20n), 111n)).toEqual(eip1559(111n, 20n))
    expect(bumpFees(eip1559(100n, 100n), eip1559(50n, 5n), 111n)).toEqual(eip1559(111n, 111n))
  })

  it('gives no replacement when the cap is within 10 % of the previous fee', () => {
    expect(bumpFees(eip1559(100n, 10n), eip1559(300n, 20n), 109n)).toBeUndefined()
    expect(bumpFees(eip1559(100n, 100n), eip1559(50n, 5n), 109n)).toBeUndefined()
  })

  it('raises a legacy gas price the same way', () => {
    expect(bumpFees({ type: 'legacy', gasPrice: 1_000n }, { type: 'legacy', gasPrice: 900n }, 10_000n)).toEqual({ type: 'legacy', gasPrice: 1_125n })
  })
})

describe('replacing a key transaction that is not mined in time', () => {
  const local = useLocalChain({ compile: false })
  const signer = devAccount(1)
  const authority: KeyAuthority = { kind: 'key', address: signer.address, label: 'guardian' }
  const recipient: Address = devAccount(2).address
  /** Far above what the first transaction offers, and below ten times it (the default cap). */
  const spikedBaseFee = parseGwei('8')

  /** A JournalLike in memory, whose entries' data the assertions can read. */
  let journal: { append: JournalLike['append']; entries(): { type: string; data: Record<string, unknown> }[] }

  beforeEach(async () => {
    const entries: { type: string; data: Record<string, unknown> }[] = []
    journal = { append: (type, data) => void entries.push({ type, data: data as Record<string, unknown> }), entries: () => entries }
    // anvil keeps the next block's base fee across evm_revert: start each test from 1 gwei.
    await local.chain.test.setNextBlockBaseFeePerGas({ baseFeePerGas: parseGwei('1') })
    await local.chain.test.mine({ blocks: 1 })
    // A block is mined only when a test mines it: the transaction waits in the pool as on a busy network.
    await local.chain.test.setAutomine(false)
  })

  afterEach(async () => {
    await local.chain.test.request({ method: 'anvil_dropAllTransactions', params: [] } as never)
    await local.chain.test.setAutomine(true)
  })

  function transferPlan(): { plan: Plan; step: Step } {
    const step: Step = {
      id: 'send-one-wei',
      title: 'send one wei to the treasury',
      authority,
      actions: [
        {
          call: { to: recipient, data: '0x', value: 1n },
          decoded: { contract: 'treasury', address: recipient, functionName: 'transfer', args: [], text: 'treasury.transfer() {value: 1}' },
        },
      ],
      postconditions: [],
    }
    return { plan: { id: 'fee-bump', phase: 'contain', title: 'fee bump', steps: [step], abis: [] }, step }
  }

  function context(overrides: Partial<ExecutorContext> = {}): ExecutorContext {
    return { chain: local.chain, ...transferPlan(), journal, accounts: [signer], replaceAfterBlocks: 2, ...overrides }
  }

  /**
   * Mines a block every 150 ms (several polls of the confirming loop) until `pending` settles,
   * each at `baseFeePerGas` when given: anvil drops from its pool a transaction whose fee cap
   * is below the base fee of a mined block, as a network priced out of it would never mine it.
   */
  async function mineWhile<T>(pending: Promise<T>, baseFeePerGas?: bigint): Promise<T> {
    let settled = false
    pending.then(
      () => (settled = true),
      () => (settled = true),
    )
    for (let blocks = 0; !settled; blocks += 1) {
      if (blocks === 40) throw new Error('still waiting after 40 blocks')
      await new Promise((resolve) => setTimeout(resolve, 150))
      if (settled) break
      if (baseFeePerGas !== undefined) await local.chain.test.setNextBlockBaseFeePerGas({ baseFeePerGas })
      await local.chain.test.mine({ blocks: 1 })
    }
    return pending
  }

  async function receiptOf(hash: Hash) {
    return local.chain.public.getTransactionReceipt({ hash }).catch((error: unknown) => {
      if (error instanceof TransactionReceiptNotFoundError) return undefined
      throw error
    })
  }

  it('returns the first transaction when it is mined in time, and replaces nothing', async () => {
    const executor = keyExecutor(authority, context())
    await executor.prepare()
    const first = await executor.send()
    const replacements: Hash[] = []

    const receipt = await mineWhile(executor.confirm!(first, (hash) => replacements.push(hash)))

    expect(receipt.transactionHash).toBe(first)
    expect(receipt.status).toBe('success')
    expect(replacements).toEqual([])
  })

  it('replaces a transaction priced out by a base-fee spike with the same nonce and higher fees, journaled before it is waited on', async () => {
    const nonce = await local.chain.public.getTransactionCount({ address: signer.address })
    const { plan, step } = transferPlan()
    const firstFees = await currentFees(local.chain.public)
    expect(feeCap(firstFees)).toBeLessThan(spikedBaseFee)

    const outcome = await mineWhile(executeStep(local.chain, plan, step, { journal, accounts: [signer], replaceAfterBlocks: 2 }), spikedBaseFee)

    const types = journal.entries().map((entry) => entry.type)
    expect(types).toEqual(['step.sent', 'step.replaced', 'step.mined', 'step.verified', 'step.done'])
    const [sent, replaced, mined] = journal.entries()
    expect(replaced!.data).toMatchObject({ replaces: sent!.data.txHash })
    expect(mined!.data.txHash).toBe(replaced!.data.txHash)
    expect(outcome.txHash).toBe(replaced!.data.txHash)
    const replacement = await local.chain.public.getTransaction({ hash: outcome.txHash! })
    expect(replacement.nonce).toBe(nonce)
    expect(replacement.maxFeePerGas).toBeGreaterThanOrEqual(spikedBaseFee)
    expect(await receiptOf(sent!.data.txHash as Hash)).toBeUndefined()
    expect(await local.chain.public.getTransactionCount({ address: signer.address })).toBe(nonce + 1)
  })

  it('replaces, after a restart, a transaction it did not send itself, from what the node knows of it', async () => {
    const first = await keyExecutor(authority, context()).send()
    const restarted = keyExecutor(authority, context())
    const replacements: Hash[] = []

    const receipt = await mineWhile(restarted.confirm!(first, (hash) => replacements.push(hash)), spikedBaseFee)

    expect(replacements).toHaveLength(1)
    expect(receipt.transactionHash).toBe(replacements[0])
    expect(receipt.status).toBe('success')
  })

  it('after a restart, waits on every version the journal holds: the first is mined though a later one was journaled', async () => {
    const first = keyExecutor(authority, context())
    const firstHash = await first.send()
    const ids = { planId: 'fee-bump', stepId: 'send-one-wei' }
    journal.append('step.sent', { ...ids, txHash: firstHash, executor: first.describe, calls: [{ to: recipient, data: '0x', value: 1n }] })
    // The killed run journaled a replacement (journal before broadcast) that never reached the node.
    const sent = await local.chain.public.getTransaction({ hash: firstHash })
    const unsent = await signKeyTransaction(signer, {
      chainId: local.chain.chain.id,
      nonce: sent.nonce,
      to: recipient,
      data: '0x',
      value: 1n,
      gas: sent.gas,
      fees: eip1559(sent.maxFeePerGas! * 2n, sent.maxPriorityFeePerGas! * 2n),
    })
    journal.append('step.replaced', { ...ids, txHash: unsent.hash, replaces: firstHash })
    const replacements: Hash[] = []

    const receipt = await mineWhile(keyExecutor(authority, context()).confirm!(unsent.hash, (hash) => replacements.push(hash)))

    expect(receipt.transactionHash).toBe(firstHash)
    expect(replacements).toEqual([])
  })

  it('returns the earlier transaction when it is mined before its replacement reaches the node', async () => {
    const nonce = await local.chain.public.getTransactionCount({ address: signer.address, blockTag: 'pending' })
    const original = await signKeyTransaction(signer, {
      chainId: local.chain.chain.id,
      nonce,
      to: recipient,
      data: '0x',
      value: 1n,
      gas: 21_000n,
      fees: await currentFees(local.chain.public),
    })
    await local.chain.public.sendRawTransaction({ serializedTransaction: original.serialized })
    const replacements: Hash[] = []
    const refusals: string[] = []

    const receipt = await confirmWithReplacements({
      client: local.chain.public,
      account: signer,
      sent: original,
      onReplaced: (hash) => replacements.push(hash),
      policy: { replaceAfterBlocks: 0 },
      // The original lands in a block while the replacement is on its way; the node then refuses it.
      broadcast: async (serialized) => {
        await local.chain.test.mine({ blocks: 1 })
        return local.chain.public.sendRawTransaction({ serializedTransaction: serialized }).catch((error: unknown) => {
          refusals.push(String((error as { details?: string }).details))
          throw error
        })
      },
    })

    expect(receipt.transactionHash).toBe(original.hash)
    expect(replacements).toHaveLength(1)
    expect(refusals).toHaveLength(1)
    expect(refusals[0]).toMatch(/nonce/i)
  })

  it('stops with every signed hash when the fee cap leaves no room for a replacement', async () => {
    const executor = keyExecutor(authority, context({ replaceAfterBlocks: 1 }), { feeBump: { maxFeePerGas: parseGwei('2') } })
    const first = await executor.send()
    const replacements: Hash[] = []

    const error = await mineWhile(executor.confirm!(first, (hash) => replacements.push(hash)), spikedBaseFee).catch((caught: unknown) => caught)

    expect(error).toBeInstanceOf(TransactionNotMinedError)
    expect((error as TransactionNotMinedError).shortMessage).toBe(
      `the transaction of guardian ${signer.address} with nonce ${executor.lastNonce} is not mined after 0 replacements: the fee cap of 2 gwei leaves no room for another replacement`,
    )
    expect((error as TransactionNotMinedError).hashes).toEqual([first])
    expect(replacements).toEqual([])
  })

  it('reports a nonce spent by a transaction it did not send, as someone else holding the key would', async () => {
    const executor = keyExecutor(authority, context())
    const first = await executor.send()
    const nonce = executor.lastNonce!
    const other = await signKeyTransaction(signer, {
      chainId: local.chain.chain.id,
      nonce,
      to: devAccount(3).address,
      data: '0x',
      value: parseEther('1'),
      gas: 21_000n,
      fees: eip1559(parseGwei('50'), parseGwei('10')),
    })
    await local.chain.public.sendRawTransaction({ serializedTransaction: other.serialized })
    await local.chain.test.mine({ blocks: 1 })

    const error = await executor.confirm!(first, () => {}).catch((caught: unknown) => caught)

    expect(error).toBeInstanceOf(NonceTakenError)
    expect((error as NonceTakenError).shortMessage).toBe(
      `nonce ${nonce} of guardian ${signer.address} was used by a transaction firebreak did not send: this step's transaction can never be mined`,
    )
  })
})
