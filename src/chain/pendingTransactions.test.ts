import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { type Address, type Hash, type Transaction, parseEther, parseGwei } from 'viem'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { type FlakyNode, startFlakyNode } from '../../test/fixtures/flakyNode.js'
import { packageRoot } from '../packageRoot.js'
import { type Anvil, startAnvil } from './anvil.js'
import { type ChainClients, connect } from './clients.js'
import { devAccount } from './devAccounts.js'
import { NodeFailedError } from './nodeFault.js'
import { type WatchPendingTransactionsReturnType, watchPendingTransactions } from './pendingTransactions.js'

/** Stores its calldata's first word in slot 0: a contract call that changes state. */
const store: Address = '0x0000000000000000000000000000000000005704'
const here = dirname(fileURLToPath(import.meta.url))
const recipient: Address = '0x000000000000000000000000000000000000beef'

let anvil: Anvil
let chain: ChainClients
let node: FlakyNode | undefined
const watchers: WatchPendingTransactionsReturnType[] = []

beforeAll(async () => {
  // Nothing is mined: every transaction stays pending, as an attack does until its block.
  anvil = await startAnvil({ args: ['--no-mining'] })
  chain = await connect(anvil.rpcUrl)
  await chain.test.setCode({ address: store, bytecode: '0x60003560005500' })
})

afterEach(async () => {
  await Promise.all(watchers.splice(0).map((watcher) => watcher.stop()))
})

afterAll(async () => {
  await node?.stop()
  await anvil?.stop()
})

/** A watcher whose reports and errors the test reads; stopped after the test if it has not been. */
function watch(on: ChainClients, pollMs?: number) {
  const seen: Transaction[] = []
  const errors: Error[] = []
  const watcher = watchPendingTransactions(on, { onTransaction: (transaction) => void seen.push(transaction), onError: (error) => void errors.push(error), ...(pollMs === undefined ? {} : { pollMs }) })
  watchers.push(watcher)
  return { watcher, seen, errors }
}

/** The same node, with the filters the watcher installs written down. */
function recordingFilters(on: ChainClients): { chain: ChainClients; filterIds: Hash[] } {
  const filterIds: Hash[] = []
  const createPendingTransactionFilter = async () => {
    const filter = await on.public.createPendingTransactionFilter()
    filterIds.push(filter.id)
    return filter
  }
  return { chain: { ...on, public: { ...on.public, createPendingTransactionFilter } }, filterIds }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe('watchPendingTransactions', () => {
  it('reports a pending transfer and a pending contract call once each, with their fees', async () => {
    const { watcher, seen, errors } = watch(chain)
    await watcher.ready
    const transfer = await chain.wallet(devAccount(1)).sendTransaction({ to: recipient, value: parseEther('1.5'), maxFeePerGas: parseGwei('30'), maxPriorityFeePerGas: parseGwei('2') })
    const call = await chain.wallet(devAccount(2)).sendTransaction({ to: store, data: `0x${'0'.repeat(62)}2a`, gasPrice: parseGwei('7') })

    await vi.waitFor(() => expect(seen).toHaveLength(2), { timeout: 2_000, interval: 20 })
    await sleep(300)
    expect(seen).toHaveLength(2)
    expect(errors).toEqual([])

    const byHash = new Map(seen.map((transaction) => [transaction.hash, transaction]))
    expect(byHash.get(transfer)).toMatchObject({
      from: devAccount(1).address.toLowerCase(),
      to: recipient,
      value: parseEther('1.5'),
      input: '0x',
      type: 'eip1559',
      maxFeePerGas: parseGwei('30'),
      maxPriorityFeePerGas: parseGwei('2'),
      blockNumber: null,
    })
    expect(byHash.get(call)).toMatchObject({
      from: devAccount(2).address.toLowerCase(),
      to: store,
      value: 0n,
      input: `0x${'0'.repeat(62)}2a`,
      type: 'legacy',
      gasPrice: parseGwei('7'),
      blockNumber: null,
    })
  })

  it('installs its filter again when the node forgets it, and reports what comes after', async () => {
    const recording = recordingFilters(chain)
    const { watcher, seen, errors } = watch(recording.chain)
    await watcher.ready
    await chain.public.request({ method: 'eth_uninstallFilter', params: [recording.filterIds[0]!] })
    await vi.waitFor(() => expect(recording.filterIds).toHaveLength(2), { timeout: 2_000, interval: 20 })

    const hash = await chain.wallet(devAccount(3)).sendTransaction({ to: recipient, value: 1n })
    await vi.waitFor(() => expect(seen.map((transaction) => transaction.hash)).toEqual([hash]), { timeout: 2_000, interval: 20 })
    expect(errors).toEqual([])
  })

  it('skips, without an error, a transaction the node dropped between its hash and its fetch', async () => {
    let release = () => {}
    const gate = new Promise<void>((resolve) => (release = resolve))
    const asked: Hash[] = []
    const held: ChainClients = {
      ...chain,
      public: {
        ...chain.public,
        getTransaction: async (parameters: { hash: Hash }) => {
          asked.push(parameters.hash)
          await gate
          return chain.public.getTransaction(parameters)
        },
      } as ChainClients['public'],
    }
    const { watcher, seen, errors } = watch(held)
    await watcher.ready
    const dropped = await chain.wallet(devAccount(4)).sendTransaction({ to: recipient, value: 2n })
    await vi.waitFor(() => expect(asked).toEqual([dropped]), { timeout: 2_000, interval: 10 })
    await chain.test.dropTransaction({ hash: dropped })
    release()

    const kept = await chain.wallet(devAccount(5)).sendTransaction({ to: recipient, value: 3n })
    await vi.waitFor(() => expect(seen.map((transaction) => transaction.hash)).toEqual([kept]), { timeout: 2_000, interval: 20 })
    expect(errors).toEqual([])
  })

  it("hands a node's failure to onError and keeps watching", async () => {
    node = await startFlakyNode(anvil.rpcUrl)
    const flaky = await connect(node.rpcUrl, { retry: { attempts: 1 } })
    const { watcher, seen, errors } = watch(flaky, 20)
    await watcher.ready
    node.setRules([{ fault: 'http-503', method: 'eth_getFilterChanges', times: 2 }])
    await vi.waitFor(() => expect(errors).toHaveLength(2), { timeout: 2_000, interval: 10 })
    expect(errors.every((error) => error instanceof NodeFailedError && error.method === 'eth_getFilterChanges')).toBe(true)

    const hash = await chain.wallet(devAccount(6)).sendTransaction({ to: recipient, value: 4n })
    await vi.waitFor(() => expect(seen.map((transaction) => transaction.hash)).toEqual([hash]), { timeout: 2_000, interval: 20 })
  })

  it('stops: its filter uninstalled, nothing reported after', async () => {
    const recording = recordingFilters(chain)
    const { watcher, seen } = watch(recording.chain, 10)
    await watcher.ready
    await sleep(50)
    await watcher.stop()

    const forgotten = await chain.public.request({ method: 'eth_getFilterChanges', params: [recording.filterIds[0]!] }).catch((error: Error) => error)
    expect(String((forgotten as Error).message)).toMatch(/filter not found/)
    await chain.wallet(devAccount(7)).sendTransaction({ to: recipient, value: 5n })
    await sleep(100)
    expect(seen).toEqual([])
  })

  it('leaves no timer behind once stopped: a process that watched exits by itself', async () => {
    // No process.exit in the script: a timer left running would keep it alive until the test kills
    // it. One watcher is stopped in the middle of a poll (from its own callback), one between polls.
    const script = [
      `const { connect } = await import(${JSON.stringify(join(here, 'clients.ts'))})`,
      `const { devAccount } = await import(${JSON.stringify(join(here, 'devAccounts.ts'))})`,
      `const { watchPendingTransactions } = await import(${JSON.stringify(join(here, 'pendingTransactions.ts'))})`,
      `const chain = await connect(${JSON.stringify(anvil.rpcUrl)})`,
      'const onError = (error) => { console.error(error); process.exitCode = 2 }',
      'let stoppedInPoll',
      'const busy = watchPendingTransactions(chain, { pollMs: 5, onError, onTransaction() { stoppedInPoll = busy.stop() } })',
      'const idle = watchPendingTransactions(chain, { pollMs: 60_000, onError, onTransaction() {} })',
      'await Promise.all([busy.ready, idle.ready])',
      `await chain.wallet(devAccount(8)).sendTransaction({ to: ${JSON.stringify(recipient)}, value: 6n })`,
      'while (!stoppedInPoll) await new Promise((resolve) => setTimeout(resolve, 5))',
      'await Promise.all([stoppedInPoll, idle.stop()])',
    ].join('\n')
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '--eval', script], { cwd: packageRoot, stdio: ['ignore', 'ignore', 'inherit'] })
    const killer = setTimeout(() => child.kill('SIGKILL'), 4_000)
    const [code, signal] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null]
    clearTimeout(killer)
    expect({ code, signal }).toEqual({ code: 0, signal: null })
  })
})
