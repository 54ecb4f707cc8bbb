import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { type Server, createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type Address, type Hex, parseEther } from 'viem'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { useLocalChain } from '../../test/fixtures/localChain.js'
import { anvilsOnPort, isDead } from '../../test/fixtures/processes.js'
import { FirebreakError } from '../errors.js'
import { AnvilStartError, startAnvil } from './anvil.js'
import { connect } from './clients.js'
import { devAccount } from './devAccounts.js'
import { isLocalChain, startFork } from './fork.js'
import { freePort } from './freePort.js'

/** Deploys a contract whose every call returns 42: enough to tell "code here" from "no code". */
const answerInitCode: Hex = '0x600a600c600039600a6000f3602a60005260206000f3'
const answerRuntimeCode: Hex = '0x602a60005260206000f3'

const deployer = devAccount(0)
const recipient: Address = '0x00000000000000000000000000000000deadbeef'

// Tests of anvil itself: each reads the state it compares against, so they need no snapshots.
const original = useLocalChain({ snapshotEachTest: false, compile: false })
let scratch: string

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'firebreak-anvil-'))
})

afterAll(() => {
  rmSync(scratch, { recursive: true, force: true })
})

async function deployAnswer(): Promise<Address> {
  const hash = await original.chain.wallet(deployer).sendTransaction({ data: answerInitCode } as never)
  const receipt = await original.chain.public.waitForTransactionReceipt({ hash })
  if (!receipt.contractAddress) throw new Error('no contract deployed')
  return receipt.contractAddress
}

async function send(value: bigint): Promise<bigint> {
  const hash = await original.chain.wallet(deployer).sendTransaction({ to: recipient, value } as never)
  return (await original.chain.public.waitForTransactionReceipt({ hash })).blockNumber
}

async function withAnvilPath<T>(path: string, run: () => Promise<T>): Promise<T> {
  const previous = process.env.FIREBREAK_ANVIL_PATH
  process.env.FIREBREAK_ANVIL_PATH = path
  try {
    return await run()
  } finally {
    if (previous === undefined) delete process.env.FIREBREAK_ANVIL_PATH
    else process.env.FIREBREAK_ANVIL_PATH = previous
  }
}

describe('startAnvil', () => {
  it('starts on a free port and answers eth_chainId with 31337', async () => {
    expect(original.anvil.rpcUrl).toBe(`http://127.0.0.1:${original.anvil.port}`)
    const response = await fetch(original.anvil.rpcUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_chainId', params: [] }),
    })
    expect(((await response.json()) as { result: string }).result).toBe('0x7a69')
    expect(original.chain.chain.id).toBe(31337)
    expect(isDead(original.anvil.pid)).toBe(false)
  })

  it('leaves no anvil process once stop() resolves', async () => {
    const anvil = await startAnvil()
    expect(anvilsOnPort(anvil.port)).toEqual([anvil.pid])
    await anvil.stop()
    expect(isDead(anvil.pid)).toBe(true)
    expect(anvilsOnPort(anvil.port)).toEqual([])
    // stopping twice is harmless (the CLI's exit path and a test may both call it)
    await anvil.stop()
  })

  it('refuses a fixed port that is already in use, naming it, and starts no anvil', async () => {
    const port = await freePort()
    const squatter: Server = createServer()
    await new Promise<void>((resolve) => squatter.listen(port, '127.0.0.1', resolve))
    try {
      const error = await startAnvil({ port }).catch((caught: unknown) => caught)
      expect(error).toBeInstanceOf(AnvilStartError)
      expect((error as AnvilStartError).shortMessage).toBe(`anvil could not start: port ${port} is already in use`)
      expect(anvilsOnPort(port)).toEqual([])
    } finally {
      await new Promise((resolve) => squatter.close(resolve))
    }
  })

  it('says which path is missing when FIREBREAK_ANVIL_PATH points at nothing', async () => {
    const missing = join(scratch, 'no-such-anvil')
    const error = await withAnvilPath(missing, () => startAnvil()).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(FirebreakError)
    expect((error as FirebreakError).shortMessage).toBe(`FIREBREAK_ANVIL_PATH points at ${missing}, which does not exist`)
  })

  it("reports the binary's own error when anvil exits at once", async () => {
    const failing = join(scratch, 'anvil-that-fails')
    writeFileSync(failing, '#!/bin/sh\necho "error: boom" >&2\nexit 1\n')
    chmodSync(failing, 0o755)
    // A generous timeout: the error must come from anvil's exit, not from giving up on it.
    const error = await withAnvilPath(failing, () => startAnvil({ startTimeoutMs: 50_000 })).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(AnvilStartError)
    expect((error as AnvilStartError).shortMessage).toBe('anvil could not start: boom')
  })
})

describe('startFork', () => {
  it('sees the original chain as it was at the fork block, not its later changes', async () => {
    const before = await deployAnswer()
    const forkBlock = await send(parseEther('1'))
    const after = await deployAnswer()
    await send(parseEther('2'))

    const fork = await startFork({ forkUrl: original.anvil.rpcUrl, blockNumber: forkBlock })
    try {
      const forked = await connect(fork.rpcUrl)
      expect(await forked.public.getBalance({ address: recipient })).toBe(parseEther('1'))
      expect(await forked.public.getCode({ address: before })).toBe(answerRuntimeCode)
      expect(await forked.public.getCode({ address: after })).toBeUndefined()
      expect(await forked.public.getBlockNumber()).toBe(forkBlock)

      expect(await original.chain.public.getBalance({ address: recipient })).toBe(parseEther('3'))
      expect(await original.chain.public.getCode({ address: after })).toBe(answerRuntimeCode)
    } finally {
      await fork.stop()
    }
    expect(isDead(fork.pid)).toBe(true)
  })

  it('writes to the fork without touching the original', async () => {
    const fork = await startFork({ forkUrl: original.anvil.rpcUrl })
    try {
      const forked = await connect(fork.rpcUrl)
      const originalBalance = await original.chain.public.getBalance({ address: recipient })
      await forked.test.setBalance({ address: recipient, value: 7n })
      expect(await forked.public.getBalance({ address: recipient })).toBe(7n)
      expect(await original.chain.public.getBalance({ address: recipient })).toBe(originalBalance)
    } finally {
      await fork.stop()
    }
  })
})

describe('isLocalChain', () => {
  it('is true for anvil and false where no node answers', async () => {
    expect(await isLocalChain(original.anvil.rpcUrl)).toBe(true)
    expect(await isLocalChain(`http://127.0.0.1:${await freePort()}`)).toBe(false)
  })
})
