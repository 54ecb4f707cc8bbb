import { type Address, parseAbi } from 'viem'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { type FlakyFault, type FlakyNode, startFlakyNode } from '../../test/fixtures/flakyNode.js'
import { useLocalChain } from '../../test/fixtures/localChain.js'
import { type ChainClients, connect } from './clients.js'
import { NodeFailedError } from './nodeFault.js'
import { tryRead } from './tryRead.js'

const local = useLocalChain({ compile: false })
let node: FlakyNode
let flaky: ChainClients

const answerAbi = parseAbi(['function answer() view returns (uint256)'])
/** Answers 42 to any call. */
const oracle: Address = '0x00000000000000000000000000000000000f1a4e'
/** Reverts on any call: a contract without the function asked for. */
const other: Address = '0x00000000000000000000000000000000000bad00'
const empty: Address = '0x00000000000000000000000000000000000e0e0e'

beforeAll(async () => {
  node = await startFlakyNode(local.anvil.rpcUrl)
  flaky = await connect(node.rpcUrl, { timeout: 200, retry: { baseDelayMs: 10 } })
})

afterAll(async () => {
  await node?.stop()
})

beforeEach(async () => {
  node.setRules([])
  await local.chain.test.setCode({ address: oracle, bytecode: '0x602a60005260206000f3' })
  await local.chain.test.setCode({ address: other, bytecode: '0x60006000fd' })
})

describe('tryRead', () => {
  it('reads a view through a node that drops two connections in a row', async () => {
    node.setRules([{ fault: 'drop', method: 'eth_call', times: 2 }])
    expect(await tryRead(flaky, { address: oracle, abi: answerAbi, functionName: 'answer' })).toBe(42n)
    expect(node.stats().faults.drop).toBe(2)
  })

  it('answers undefined for a function the contract does not have, and for an address without code', async () => {
    expect(await tryRead(flaky, { address: other, abi: answerAbi, functionName: 'answer' })).toBeUndefined()
    expect(await tryRead(flaky, { address: empty, abi: answerAbi, functionName: 'answer' })).toBeUndefined()
    // Real answers, asked once each.
    expect(node.stats().methods.filter((method) => method === 'eth_call')).toHaveLength(2)
  })

  it('throws the node\'s refusal, never undefined, for a block the node cannot read', async () => {
    const failure = await tryRead(local.chain, { address: oracle, abi: answerAbi, functionName: 'answer', blockNumber: 1_000_000n }).catch((error: unknown) => error)
    expect(failure).toBeInstanceOf(NodeFailedError)
    expect((failure as NodeFailedError).shortMessage).toMatch(/^the node at http:\/\/127\.0\.0\.1:\d+ failed \(cannot run it on block 1000000: .+\) on eth_call$/)
  })

  const keepsFailing: [FlakyFault, string][] = [
    ['drop', 'connection dropped'],
    ['http-429', 'HTTP 429: rate limited'],
    ['http-503', 'HTTP 503'],
    ['rpc-429', 'rate limited'],
    ['hang', 'no answer in time'],
  ]
  for (const [fault, description] of keepsFailing) {
    it(`throws the node's failure, never undefined, when every eth_call meets ${fault}`, async () => {
      node.setRules([{ fault, method: 'eth_call' }])
      const failure = await tryRead(flaky, { address: oracle, abi: answerAbi, functionName: 'answer' }).catch((error: unknown) => error)
      expect(failure).toBeInstanceOf(NodeFailedError)
      expect((failure as NodeFailedError).shortMessage).toBe(`the node at ${new URL(node.rpcUrl).origin} kept failing (5 attempts: ${description}) on eth_call`)
      expect((failure as NodeFailedError).message).not.toContain(node.secret)
      // The same node still answers what it does not refuse.
      expect(await flaky.public.getChainId()).toBe(31337)
    })
  }
})
