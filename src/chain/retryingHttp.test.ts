import { type Address, ContractFunctionExecutionError, ContractFunctionRevertedError, InvalidParamsRpcError, parseAbi, parseEther } from 'viem'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { type FlakyNode, startFlakyNode } from '../../test/fixtures/flakyNode.js'
import { useLocalChain } from '../../test/fixtures/localChain.js'
import { freePort } from './freePort.js'
import { type ChainClients, ChainUnreachableError, connect } from './clients.js'
import { devAccount } from './devAccounts.js'
import { NodeFailedError, type NodeFaultKind } from './nodeFault.js'
import type { RetryEvent } from './retryingHttp.js'
import { isTransportError, unwrapNodeFailure } from './transportError.js'

const local = useLocalChain({ compile: false })
let node: FlakyNode
let flaky: ChainClients
let retries: RetryEvent[] = []

/** Code that answers 42 to any call, and code that reverts on any call. */
const answers42 = '0x602a60005260206000f3'
const reverts = '0x60006000fd'
const answerAbi = parseAbi(['function answer() view returns (uint256)'])
const oracle: Address = '0x00000000000000000000000000000000000f1a4e'
const broken: Address = '0x00000000000000000000000000000000000bad00'

beforeAll(async () => {
  node = await startFlakyNode(local.anvil.rpcUrl)
  // Short waits keep the suite fast; the policy (5 attempts, doubling) is the default one.
  flaky = await connect(node.rpcUrl, { retry: { baseDelayMs: 10 }, onRetry: (event) => retries.push(event) })
})

afterAll(async () => {
  await node?.stop()
})

beforeEach(async () => {
  node.setRules([])
  retries = []
  await local.chain.test.setCode({ address: oracle, bytecode: answers42 })
  await local.chain.test.setCode({ address: broken, bytecode: reverts })
})

const countOf = (method: string) => node.stats().methods.filter((sent) => sent === method).length
const faultsSeen = (): NodeFaultKind[] => retries.map((retry) => retry.fault.kind)

describe('retryingHttp: reads', () => {
  it('reads through a node that drops every other connection without an answer', async () => {
    node.setRules([{ fault: 'drop', every: 2 }])
    const account = devAccount(3).address
    const balance = await flaky.public.getBalance({ address: account })
    const answer = await flaky.public.readContract({ address: oracle, abi: answerAbi, functionName: 'answer' })
    const block = await flaky.public.getBlockNumber({ cacheTime: 0 })
    const code = await flaky.public.getCode({ address: oracle })

    expect(balance).toBe(parseEther('10000'))
    expect(answer).toBe(42n)
    expect(block).toBe(await local.chain.public.getBlockNumber({ cacheTime: 0 }))
    expect(code).toBe(answers42)
    expect(node.stats().faults.drop).toBe(3)
    expect(faultsSeen()).toEqual(['dropped', 'dropped', 'dropped'])
  })

  it('waits out two HTTP 429s and a 503, then reads', async () => {
    node.setRules([{ fault: 'http-429', times: 2 }, { fault: 'http-503', times: 1 }])
    expect(await flaky.public.readContract({ address: oracle, abi: answerAbi, functionName: 'answer' })).toBe(42n)
    expect(faultsSeen()).toEqual(['rate-limited', 'rate-limited', 'unavailable'])
    expect(retries.map((retry) => retry.delayMs)).toEqual([10, 20, 40])
  })

  it('asks again only for the item of a batch that was rate-limited, not for its neighbours', async () => {
    node.setRules([{ fault: 'rpc-429', method: 'eth_getBalance', times: 1 }])
    const account = devAccount(4).address
    const [balance, chainId, answer] = await Promise.all([
      flaky.public.getBalance({ address: account }),
      flaky.public.getChainId(),
      flaky.public.readContract({ address: oracle, abi: answerAbi, functionName: 'answer' }),
    ])
    expect(balance).toBe(parseEther('10000'))
    expect(chainId).toBe(31337)
    expect(answer).toBe(42n)
    expect(node.stats().faults['rpc-429']).toBe(1)
    expect(countOf('eth_getBalance')).toBe(2)
    expect(countOf('eth_call')).toBe(1)
    expect(retries.map((retry) => retry.method)).toEqual(['eth_getBalance'])
  })

  it('does not ask again for a real answer (a revert, invalid params), even in a batch whose other items succeed', async () => {
    const [revert, invalid, chainId] = await Promise.all([
      flaky.public.readContract({ address: broken, abi: answerAbi, functionName: 'answer' }).catch((error: unknown) => error),
      flaky.public.request({ method: 'eth_getBalance', params: ['0x12' as Address, 'latest'] }).catch((error: unknown) => error),
      flaky.public.getChainId(),
    ])
    expect(node.stats().httpRequests).toBe(1)
    expect(chainId).toBe(31337)

    expect(revert).toBeInstanceOf(ContractFunctionExecutionError)
    expect((revert as ContractFunctionExecutionError).walk((cause) => cause instanceof ContractFunctionRevertedError)).toBeInstanceOf(ContractFunctionRevertedError)
    expect(isTransportError(revert)).toBe(false)
    expect(invalid).toBeInstanceOf(InvalidParamsRpcError)
    expect(isTransportError(invalid)).toBe(false)

    expect(countOf('eth_call')).toBe(1)
    expect(countOf('eth_getBalance')).toBe(1)
    expect(retries).toEqual([])
  })
})

describe('retryingHttp: a node that keeps failing', () => {
  it('ends in one NodeFailedError that names the node without its key, after 5 dropped connections', async () => {
    node.setRules([{ fault: 'drop' }])
    const failure = await flaky.public.getBalance({ address: devAccount(3).address }).catch((error: unknown) => error)
    expect(failure).toBeInstanceOf(NodeFailedError)
    const { port } = new URL(node.rpcUrl)
    expect((failure as NodeFailedError).shortMessage).toBe(`the node at http://127.0.0.1:${port} kept failing (5 attempts: connection dropped) on eth_getBalance`)
    expect((failure as NodeFailedError).message).not.toContain(node.secret)
    expect(node.stats().faults.drop).toBe(5)
    expect(retries.map((retry) => retry.delayMs)).toEqual([10, 20, 40, 80])
  })

  it('ends in one NodeFailedError after 5 HTTP 429s, with the default backoff', async () => {
    const patient = await connect(node.rpcUrl)
    node.setRules([{ fault: 'http-429' }])
    const failure = await patient.public.getBlockNumber({ cacheTime: 0 }).catch((error: unknown) => error)
    expect(failure).toBeInstanceOf(NodeFailedError)
    expect((failure as NodeFailedError).shortMessage).toMatch(/^the node at http:\/\/127\.0\.0\.1:\d+ kept failing \(5 attempts: HTTP 429: rate limited\) on eth_blockNumber$/)
    expect(node.stats().faults['http-429']).toBe(5)
  })

  it('gives up on a node that never answers, one timeout per attempt', async () => {
    const impatient = await connect(node.rpcUrl, { timeout: 150, retry: { baseDelayMs: 10 } })
    node.setRules([{ fault: 'hang', method: 'eth_call' }])
    const failure = await impatient.public.readContract({ address: oracle, abi: answerAbi, functionName: 'answer' }).catch((error: unknown) => error)
    // viem wraps the node's failure in its contract error; the transport-error test and the CLI see through it.
    expect(isTransportError(failure)).toBe(true)
    const nodeFailure = unwrapNodeFailure(failure) as NodeFailedError
    expect(nodeFailure).toBeInstanceOf(NodeFailedError)
    expect(nodeFailure.shortMessage).toMatch(/kept failing \(5 attempts: no answer in time\) on eth_call$/)
    expect(node.stats().faults.hang).toBe(5)
  })

  it('says which node it cannot reach, without its key, after retrying a refused connection', async () => {
    const port = await freePort()
    const failure = await connect(`http://127.0.0.1:${port}/v3/secret-key-1234`, { retry: { baseDelayMs: 10 } }).catch((error: unknown) => error)
    expect(failure).toBeInstanceOf(ChainUnreachableError)
    expect((failure as ChainUnreachableError).shortMessage).toBe(`cannot reach the node at http://127.0.0.1:${port}: connection refused (5 attempts)`)
    expect((failure as ChainUnreachableError).message).not.toContain('secret-key-1234')
  })
})

describe('retryingHttp: sends', () => {
  const recipient: Address = '0x000000000000000000000000000000000000dEaD'

  it('sends a signed transaction again after its answer was lost, and returns its hash: mined once', async () => {
    const sender = devAccount(6)
    const nonce = await local.chain.public.getTransactionCount({ address: sender.address })
    const before = await local.chain.public.getBalance({ address: recipient })
    node.setRules([{ fault: 'drop-after', method: 'eth_sendRawTransaction', times: 1 }])

    const hash = await flaky.wallet(sender).sendTransaction({ to: recipient, value: 7n })

    expect(node.stats().faults['drop-after']).toBe(1)
    expect(countOf('eth_sendRawTransaction')).toBe(2)
    expect((await local.chain.public.getTransactionReceipt({ hash })).status).toBe('success')
    expect(await local.chain.public.getTransactionCount({ address: sender.address })).toBe(nonce + 1)
    expect(await local.chain.public.getBalance({ address: recipient })).toBe(before + 7n)
  })

  it('does not send again a transaction the node signs when its answer was lost: it may have been mined', async () => {
    const sender = devAccount(7).address
    const nonce = await local.chain.public.getTransactionCount({ address: sender })
    node.setRules([{ fault: 'drop-after', method: 'eth_sendTransaction', times: 1 }])

    const failure = await flaky.wallet(sender).sendTransaction({ to: recipient, value: 7n }).catch((error: unknown) => error)

    const nodeFailure = unwrapNodeFailure(failure) as NodeFailedError
    expect(nodeFailure).toBeInstanceOf(NodeFailedError)
    expect(nodeFailure.shortMessage).toMatch(/failed \(connection dropped\) on eth_sendTransaction: it was not sent again, as the node may have acted on it$/)
    expect(countOf('eth_sendTransaction')).toBe(1)
    expect(await local.chain.public.getTransactionCount({ address: sender })).toBe(nonce + 1)
  })

  it('sends a transaction the node signs again after a 429: the node never saw it', async () => {
    const sender = devAccount(8).address
    const nonce = await local.chain.public.getTransactionCount({ address: sender })
    node.setRules([{ fault: 'http-429', method: 'eth_sendTransaction', times: 1 }])

    const hash = await flaky.wallet(sender).sendTransaction({ to: recipient, value: 7n })

    expect((await local.chain.public.getTransactionReceipt({ hash })).status).toBe('success')
    expect(countOf('eth_sendTransaction')).toBe(2)
    expect(await local.chain.public.getTransactionCount({ address: sender })).toBe(nonce + 1)
  })
})
