import { type Address, type Hash, parseGwei } from 'viem'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { useLocalChain } from '../../../test/fixtures/localChain.js'
import { devAccount } from '../../chain/devAccounts.js'
import { executeStep } from '../execute.js'
import type { JournalLike } from '../journalLike.js'
import type { KeyAuthority, Plan, Step } from '../plan.js'
import { currentFees, signKeyTransaction } from './feeBump.js'
import { keyExecutor } from './key.js'
import { KeyLanes } from './keyLane.js'

describe("a key's lane", () => {
  const local = useLocalChain({ compile: false })
  const signer = devAccount(1)
  const authority: KeyAuthority = { kind: 'key', address: signer.address, label: 'guardian' }
  const recipients: Address[] = [2, 3, 4, 5, 6].map((index) => devAccount(index).address)
  let journal: { append: JournalLike['append']; entries(): { type: string; data: Record<string, unknown> }[] }

  beforeEach(async () => {
    const entries: { type: string; data: Record<string, unknown> }[] = []
    journal = { append: (type, data) => void entries.push({ type, data: data as Record<string, unknown> }), entries: () => entries }
    await local.chain.test.setNextBlockBaseFeePerGas({ baseFeePerGas: parseGwei('1') })
    await local.chain.test.mine({ blocks: 1 })
    await local.chain.test.setAutomine(false)
  })

  afterEach(async () => {
    await local.chain.test.request({ method: 'anvil_dropAllTransactions', params: [] } as never)
    await local.chain.test.setAutomine(true)
  })

  function transfers(): Plan {
    const steps: Step[] = recipients.map((to, index) => ({
      id: `send-${index + 1}`,
      title: `send one wei to recipient ${index + 1}`,
      authority,
      actions: [{ call: { to, data: '0x', value: 1n }, decoded: { contract: `recipient-${index + 1}`, address: to, functionName: 'transfer', args: [], text: 'transfer() {value: 1}' } }],
      postconditions: [],
    }))
    return { id: 'lane', phase: 'contain', title: 'lane', steps, abis: [], independentAuthorities: true }
  }

  async function runAll(plan: Plan, lanes: KeyLanes) {
    const runs = plan.steps.map((step) => {
      const context = { chain: local.chain, plan, step, journal, accounts: [signer], keyLanes: lanes }
      return executeStep(local.chain, plan, step, { ...context, executor: keyExecutor(authority, context) })
    })
    // One block, once every transaction is in the pool: a lane sends them all before the first is mined.
    while ((await local.chain.public.getBlock({ blockTag: 'pending' })).transactions.length < plan.steps.length) await new Promise((resolve) => setTimeout(resolve, 20))
    await local.chain.test.mine({ blocks: 1 })
    return Promise.all(runs)
  }

  it('sends five steps of one key with consecutive nonces, each journaled with its nonce before broadcast, mined in one block', async () => {
    const nonce = await local.chain.public.getTransactionCount({ address: signer.address })
    const plan = transfers()

    const outcomes = await runAll(plan, new KeyLanes(plan, journal))

    expect(new Set(outcomes.map((outcome) => outcome.blockNumber)).size).toBe(1)
    const sent = journal.entries().filter((entry) => entry.type === 'step.sent')
    expect(sent.map((entry) => [entry.data.stepId, entry.data.nonce])).toEqual(plan.steps.map((step, index) => [step.id, nonce + index]))
    const mined = await Promise.all(outcomes.map((outcome) => local.chain.public.getTransaction({ hash: outcome.txHash! })))
    expect(mined.map((transaction) => transaction.nonce)).toEqual(plan.steps.map((_, index) => nonce + index))
    expect(await local.chain.public.getTransactionCount({ address: signer.address })).toBe(nonce + 5)
  })

  it('after a run killed between journaling and broadcasting, leaves the journaled nonce to its transaction and sends the rest after it', async () => {
    const nonce = await local.chain.public.getTransactionCount({ address: signer.address })
    const plan = transfers()
    const [first] = plan.steps
    const gas = 21_000n
    const signed = await signKeyTransaction(signer, { chainId: local.chain.chain.id, nonce, to: recipients[0]!, data: '0x', value: 1n, gas, fees: await currentFees(local.chain.public) })
    journal.append('step.sent', { planId: plan.id, stepId: first!.id, txHash: signed.hash, executor: 'key guardian', serialized: signed.serialized, calls: [first!.actions[0]!.call] })

    const outcomes = await runAll(plan, new KeyLanes(plan, journal))

    expect(outcomes[0]!.txHash).toBe(signed.hash)
    const nonces = await Promise.all(outcomes.map(async (outcome) => (await local.chain.public.getTransaction({ hash: outcome.txHash as Hash })).nonce))
    expect(nonces).toEqual(plan.steps.map((_, index) => nonce + index))
    expect(journal.entries().filter((entry) => entry.type === 'step.sent')).toHaveLength(5)
  })
})
