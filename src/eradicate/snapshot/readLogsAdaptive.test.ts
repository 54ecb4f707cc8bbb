import { TimeoutError } from 'viem'
import { describe, expect, it } from 'vitest'
import { connect } from '../../chain/clients.js'
import { useLocalChain } from '../../../test/fixtures/localChain.js'
import { isRangeTooLargeError, readLogsAdaptive } from './readLogsAdaptive.js'
import { deploySeedToken, seedHolders } from '../../../test/fixtures/seedHolders.js'
import { startCappedNode } from '../../../test/fixtures/cappedNode.js'
import { takeSnapshot } from './takeSnapshot.js'
import { verifySnapshot } from './snapshotFile.js'
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

  it('tells range refusals from other errors by the messages real providers send', () => {
    expect(isRangeTooLargeError({ code: -32005, message: 'query returned more than 10000 results' })).toBe(true)
    expect(isRangeTooLargeError(new Error('x', { cause: { code: -32602, message: 'range 1000000 exceeds limit of 10000' } }))).toBe(true)
    expect(isRangeTooLargeError({ message: 'Log response size exceeded. Please reduce query block range.' })).toBe(true)
    expect(isRangeTooLargeError({ code: -32000, message: 'block range is bigger than maxBlockRange' })).toBe(true)
    expect(isRangeTooLargeError(new TimeoutError({ body: { method: 'eth_getLogs' }, url: 'http://node' }))).toBe(true)
    expect(isRangeTooLargeError({ code: -32000, message: 'execution reverted' })).toBe(false)
  })
})
