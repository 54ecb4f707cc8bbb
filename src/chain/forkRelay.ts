import { type Server, createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { BaseError, createPublicClient } from 'viem'
import { retryingHttp } from './retryingHttp.js'

export type ForkRelay = { url: string; stop(): Promise<void> }

type RpcRequest = { jsonrpc?: string; id?: unknown; method: string; params?: unknown[] }

/**
 * A local relay between a fork and the node it copies, through firebreak's retrying transport.
 * anvil reads the node's state on demand and does not ask again when an answer is dropped or
 * rate-limited: without the relay, one lost answer of a busy node fails a simulation that would
 * have passed. The node's real answers (errors included) go back to anvil as they were.
 */
export async function startForkRelay(upstream: string): Promise<ForkRelay> {
  const client = createPublicClient({ transport: retryingHttp(upstream) })
  const answer = async (request: RpcRequest) => {
    try {
      const result = await client.request({ method: request.method, params: request.params } as never)
      return { jsonrpc: '2.0', id: request.id, result }
    } catch (error) {
      const code = error instanceof BaseError ? ((error.walk((cause) => typeof (cause as { code?: unknown }).code === 'number') as { code?: number } | null)?.code ?? -32603) : -32603
      const message = error instanceof BaseError ? error.shortMessage : String(error)
      return { jsonrpc: '2.0', id: request.id, error: { code, message } }
    }
  }
  const server: Server = createServer((incoming, outgoing) => {
    let body = ''
    incoming.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')))
    incoming.on('end', async () => {
      try {
        const parsed = JSON.parse(body) as RpcRequest | RpcRequest[]
        const result = Array.isArray(parsed) ? await Promise.all(parsed.map(answer)) : await answer(parsed)
        outgoing.setHeader('content-type', 'application/json')
        outgoing.end(JSON.stringify(result))
      } catch {
        outgoing.statusCode = 400
        outgoing.end()
      }
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}
