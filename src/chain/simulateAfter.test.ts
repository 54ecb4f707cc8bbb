import { type Address, parseAbi, parseEther } from 'viem'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Anvil, startAnvil } from './anvil.js'
import { type ChainClients, connect } from './clients.js'
import { devAccount } from './devAccounts.js'
import { simulateAfter } from './simulateAfter.js'

/** Answers the balance of the address in its first argument, whatever the selector. */
const balanceReader: Address = '0x0000000000000000000000000000000000ba1a4c'
/** Reverts on any call. */
const reverter: Address = '0x00000000000000000000000000000000000bad00'
const readerAbi = parseAbi(['function balanceOf(address account) view returns (uint256)'])
const recipient: Address = '0x000000000000000000000000000000000000beef'

let anvil: Anvil
let chain: ChainClients

beforeAll(async () => {
  // Nothing is mined: the transactions the tests send stay pending, as an attack does until its block.
  anvil = await startAnvil({ args: ['--no-mining'] })
  chain = await connect(anvil.rpcUrl)
  await chain.test.setCode({ address: balanceReader, bytecode: '0x6004353160005260206000f3' })
  await chain.test.setCode({ address: reverter, bytecode: '0x60006000fd' })
})

afterAll(async () => {
  await anvil?.stop()
})

const balanceOf = (account: Address) => ({ address: balanceReader, abi: readerAbi, functionName: 'balanceOf', args: [account] }) as const

describe('simulateAfter', () => {
  it('reads the balance a pending transfer leaves: higher by exactly the amount, and nothing sent', async () => {
    const hash = await chain.wallet(devAccount(1)).sendTransaction({ to: recipient, value: parseEther('2.5') })
    const pending = await chain.public.getTransaction({ hash })
    const before = await chain.public.getBalance({ address: recipient })

    const after = await simulateAfter(chain, { transaction: pending, reads: [balanceOf(recipient)] })

    expect(after).toEqual({ transaction: { status: 'success', data: '0x' }, values: [before + parseEther('2.5')] })
    expect(await chain.public.getBalance({ address: recipient })).toBe(before)
    expect(await chain.public.getBlockNumber()).toBe(0n)
  })

  it('reports a pending call that reverts as reverted; the reads after it see the state unchanged', async () => {
    const hash = await chain.wallet(devAccount(2)).sendTransaction({ to: reverter, value: 7n, gas: 100_000n })
    const pending = await chain.public.getTransaction({ hash })

    const after = await simulateAfter(chain, { transaction: pending, reads: [balanceOf(reverter)] })

    expect(after).toEqual({ transaction: { status: 'reverted', data: '0x' }, values: [0n] })
  })

  it('gives undefined for a read that reverts and decodes the others', async () => {
    const after = await simulateAfter(chain, {
      transaction: { from: devAccount(3).address, to: recipient, data: '0x', value: 11n },
      reads: [{ ...balanceOf(recipient), address: reverter }, balanceOf(recipient)],
    })
    expect(after.values).toEqual([undefined, (await chain.public.getBalance({ address: recipient })) + 11n])
  })

  it('runs the transaction with its own gas limit: too little gas is a revert', async () => {
    const after = await simulateAfter(chain, {
      transaction: { from: devAccount(3).address, to: balanceReader, data: '0x', gas: 21_001n },
      reads: [],
    })
    expect(after.transaction.status).toBe('reverted')
  })

  it("reports a contract creation as unsupported: anvil's eth_simulateV1 cannot build one", async () => {
    // Init code that deploys the balance reader.
    const deploy = '0x600c600c600039600c6000f36004353160005260206000f3'
    const after = await simulateAfter(chain, { transaction: { from: devAccount(4).address, to: null, data: deploy }, reads: [balanceOf(recipient)] })
    expect(after).toEqual({ transaction: { status: 'unsupported' }, values: [undefined] })
  })
})
