import { type Server, createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { TimeoutError } from 'viem'
import { describe, expect, it } from 'vitest'
import { connect } from '../../chain/clients.js'
import { useLocalChain } from '../../../test/fixtures/localChain.js'
import { isRangeTooLargeError, readLogsAdaptive } from './readLogsAdaptive.js'
import { deploySeedToken, seedHolders } from '../../../test/fixtures/seedHolders.js'
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

/**
 * A proxy in front of anvil that refuses `eth_getLogs` spanning more than `maxBlocks` blocks with
 * Infura's live error (-32602 "range N exceeds limit of M") and forwards everything else.
 */
async function startCappedNode(upstream: string, maxBlocks: bigint): Promise<{ rpcUrl: string; refused(): number; stop(): Promise<void> }> {
  let refused = 0
  type Request = { id: unknown; method: string; params?: { fromBlock?: string; toBlock?: string }[] }
  const answer = async (request: Request) => {
    if (request.method === 'eth_getLogs') {
      const filter = request.params?.[0] ?? {}
      const span = BigInt(filter.toBlock ?? '0x0') - BigInt(filter.fromBlock ?? '0x0') + 1n
      if (span > maxBlocks) {
        refused++
        return { jsonrpc: '2.0', id: request.id, error: { code: -32602, message: `range ${span} exceeds limit of ${maxBlocks}` } }
      }
    }
    const response = await fetch(upstream, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(request) })
    return response.json()
  }
  const server: Server = createServer((request, response) => {
    let body = ''
    request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')))
    request.on('end', async () => {
      const parsed = JSON.parse(body) as Request | Request[]
      const result = Array.isArray(parsed) ? await Promise.all(parsed.map(answer)) : await answer(parsed)
      response.setHeader('content-type', 'application/json')
      response.end(JSON.stringify(result))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    rpcUrl: `http://127.0.0.1:${port}`,
    refused: () => refused,
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  }
}
