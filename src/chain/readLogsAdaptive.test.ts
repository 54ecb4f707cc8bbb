import { HttpRequestError, TimeoutError } from 'viem'
import { describe, expect, it } from 'vitest'
import { useLocalChain } from '../../test/fixtures/localChain.js'
import { deploySeedToken, seedHolders } from '../../test/fixtures/seedHolders.js'
import { startCappedNode } from '../../test/fixtures/cappedNode.js'
import { startFlakyNode } from '../../test/fixtures/flakyNode.js'
import { takeSnapshot } from '../snapshot/takeSnapshot.js'
import { verifySnapshot } from '../snapshot/snapshotFile.js'
import { connect } from './clients.js'
import { NodeFailedError } from './nodeFault.js'
import { isRangeTooLargeError, readLogsAdaptive } from './readLogsAdaptive.js'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const local = useLocalChain({ compile: false })

describe('readLogsAdaptive', () => {
  it('reads every log through a node that refuses eth_getLogs over 8 blocks, as Infura does', async () => {
    const token = await deploySeedToken(local.chain)
    const deployed = await local.chain.public.getBlockNumber({ cacheTime: 0 })
    await seedHolders(local.chain, token, { count: 600, amount: 3n, perTransaction: 15 })
    // Uncached: viem keeps a block number for its polling interval, and the seeding just mined dozens.
    const latest = await local.chain.public.getBlockNumber({ cacheTime: 0 })
    const node = await startCappedNode(local.anvil.rpcUrl, 8n)
    try {
      const capped = await connect(node.rpcUrl)
      const shrinks: bigint[] = []
      let logs = 0
      for await (const chunk of readLogsAdaptive(capped, {
        address: token.address,
        fromBlock: deployed,
        toBlock: latest,
        initialRange: 1000n,
        onRangeShrunk: ({ nextRange }) => shrinks.push(nextRange),
      })) {
        expect(chunk.toBlock - chunk.fromBlock + 1n).toBeLessThanOrEqual(8n)
        logs += chunk.logs.length
      }
      expect(logs).toBe(600)
      expect(shrinks.slice(0, 3)).toEqual([20n, 10n, 5n])
      expect(node.refused()).toBeGreaterThanOrEqual(3)

      // The whole snapshot through the capped node matches one taken directly from anvil.
      const directory = await mkdtemp(join(tmpdir(), 'firebreak-capped-'))
      const throughCap = await takeSnapshot(capped, { contract: token.address, fromBlock: deployed, blockNumber: latest, outFile: join(directory, 'capped.ndjson') })
      const direct = await takeSnapshot(local.chain, { contract: token.address, fromBlock: deployed, blockNumber: latest, outFile: join(directory, 'direct.ndjson') })
      expect(throughCap.footer.accounts).toBe(600)
      expect(throughCap.footer.total).toBe('1800')
      expect(throughCap.footer.sha256).toBe(direct.footer.sha256)
      expect((await verifySnapshot(throughCap.file)).accounts).toBe(600)
    } finally {
      await node.stop()
    }
  })

  it('reads every log through a node that drops connections, and reads a range it did not answer in time in halves', async () => {
    const token = await deploySeedToken(local.chain)
    const deployed = await local.chain.public.getBlockNumber({ cacheTime: 0 })
    await seedHolders(local.chain, token, { count: 90, amount: 2n, perTransaction: 10 })
    const latest = await local.chain.public.getBlockNumber({ cacheTime: 0 })
    // The first eth_getLogs never gets an answer (a wide range on a slow public node), then every other one is dropped.
    const node = await startFlakyNode(local.anvil.rpcUrl, [
      { fault: 'hang', method: 'eth_getLogs', times: 1 },
      { fault: 'drop', method: 'eth_getLogs', every: 2 },
    ])
    try {
      const flaky = await connect(node.rpcUrl, { timeout: 300, retry: { baseDelayMs: 10 } })
      const shrinks: bigint[] = []
      let logs = 0
      for await (const chunk of readLogsAdaptive(flaky, { address: token.address, fromBlock: deployed, toBlock: latest, onRangeShrunk: ({ nextRange }) => shrinks.push(nextRange) })) {
        logs += chunk.logs.length
      }
      expect(logs).toBe(90)
      expect(shrinks).toEqual([(latest - deployed + 1n) / 2n])
      expect(node.stats().faults.hang).toBe(1)
      expect(node.stats().faults.drop).toBeGreaterThanOrEqual(1)
    } finally {
      await node.stop()
    }
  })

  it('tells range refusals from other errors by the messages real providers send', () => {
    expect(isRangeTooLargeError({ code: -32005, message: 'query returned more than 10000 results' })).toBe(true)
    expect(isRangeTooLargeError(new Error('x', { cause: { code: -32602, message: 'range 1000000 exceeds limit of 10000' } }))).toBe(true)
    expect(isRangeTooLargeError({ message: 'Log response size exceeded. Please reduce query block range.' })).toBe(true)
    expect(isRangeTooLargeError({ code: -32000, message: 'block range is bigger than maxBlockRange' })).toBe(true)
    expect(isRangeTooLargeError(new TimeoutError({ body: { method: 'eth_getLogs' }, url: 'http://node' }))).toBe(true)
    expect(isRangeTooLargeError({ code: -32000, message: 'execution reverted' })).toBe(false)
  })

  it('takes a node that timed out on a range for a range refusal, and a node that keeps failing for the node', () => {
    const timedOut = new TimeoutError({ body: { method: 'eth_getLogs' }, url: 'http://node' })
    const rateLimited = new HttpRequestError({ status: 429, details: 'Too Many Requests', url: 'http://node', body: {} })
    expect(isRangeTooLargeError(new NodeFailedError({ node: 'http://node', method: 'eth_getLogs', attempts: 1, fault: { kind: 'timeout', description: 'no answer in time', transient: true, unprocessed: false }, cause: timedOut }))).toBe(true)
    expect(isRangeTooLargeError(new NodeFailedError({ node: 'http://node', method: 'eth_getLogs', attempts: 5, fault: { kind: 'rate-limited', description: 'HTTP 429: rate limited', transient: true, unprocessed: true }, cause: rateLimited }))).toBe(false)
    expect(isRangeTooLargeError(rateLimited)).toBe(false)
  })
})
