import { mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type Address, erc20Abi } from 'viem'
import { beforeAll, describe, expect, it } from 'vitest'
import { devAccount } from '../chain/devAccounts.js'
import { useLocalChain } from '../../test/fixtures/localChain.js'
import { SnapshotBlockInFutureError, SnapshotIntegrityError } from './errors.js'
import { deploySeedToken, seedHolders } from '../../test/fixtures/seedHolders.js'
import { type SnapshotLine, verifySnapshot } from './snapshotFile.js'
import { takeSnapshot } from './takeSnapshot.js'

const holders = 1000
const local = useLocalChain({ compile: false })
let token: Awaited<ReturnType<typeof deploySeedToken>>
let snapshotBlock: bigint
let directory: string

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'firebreak-snapshot-test-'))
  token = await deploySeedToken(local.chain)
  await seedHolders(local.chain, token, { count: holders, amount: 10n ** 18n })
  // Real transfers on top of the seeding: one holder empties out, one gains, a dev account appears.
  const minter = devAccount(1)
  const wallet = local.chain.wallet(minter)
  const send = async (functionName: 'mint' | 'transfer', args: readonly unknown[]) => {
    const hash = await wallet.writeContract({ address: token.address, abi: token.artifact.abi, functionName, args } as never)
    await local.chain.public.waitForTransactionReceipt({ hash })
  }
  await send('mint', [minter.address, 5n * 10n ** 18n])
  await send('transfer', [devAccount(2).address, 2n * 10n ** 18n])
  snapshotBlock = await local.chain.public.getBlockNumber({ cacheTime: 0 })
  // After the snapshot block: must not show in the snapshot.
  await send('mint', [devAccount(3).address, 7n * 10n ** 18n])
})

async function lines(file: string): Promise<SnapshotLine[]> {
  const text = await readFile(file, 'utf8')
  return text.trim().split('\n').slice(1, -1).map((line) => JSON.parse(line) as SnapshotLine)
}

describe('takeSnapshot', () => {
  it('conserves the total supply at the block and records balanceOf for every holder', async () => {
    const outFile = join(directory, 'multicall.ndjson')
    const result = await takeSnapshot(local.chain, { contract: token.address, blockNumber: snapshotBlock, outFile, batchSize: 250 })

    const totalSupply = await local.chain.public.readContract({ address: token.address, abi: erc20Abi, functionName: 'totalSupply', blockNumber: snapshotBlock })
    expect(result.balanceReader).toBe('balance-reader')
    expect(BigInt(result.footer.total)).toBe(totalSupply)
    expect(totalSupply).toBe(BigInt(holders + 5) * 10n ** 18n)
    expect(result.footer.accounts).toBe(holders + 2)

    const recorded = await lines(outFile)
    expect(recorded.map((line) => line.account.toLowerCase())).toEqual(recorded.map((line) => line.account.toLowerCase()).sort())
    const onChain: bigint[] = []
    for (let start = 0; start < recorded.length; start += 100) {
      const chunk = recorded.slice(start, start + 100)
      onChain.push(
        ...(await Promise.all(
          chunk.map((line) =>
            local.chain.public.readContract({ address: token.address, abi: erc20Abi, functionName: 'balanceOf', args: [line.account as Address], blockNumber: snapshotBlock }),
          ),
        )),
      )
    }
    expect(recorded.map((line) => BigInt(line.balance))).toEqual(onChain)
    expect(recorded.find((line) => line.account === devAccount(2).address)?.balance).toBe((2n * 10n ** 18n).toString())
    expect(recorded.some((line) => line.account === devAccount(3).address)).toBe(false)
    expect((await verifySnapshot(outFile)).sha256).toBe(result.footer.sha256)
  }, 60_000) // anvil answers each historical eth_call of the check in ~13 ms: 1000 of them

  it('writes the same file through the balance reader, Multicall3 and JSON-RPC batches of eth_call, even when dedup spills to disk', async () => {
    const reader = await takeSnapshot(local.chain, { contract: token.address, blockNumber: snapshotBlock, outFile: join(directory, 'r.ndjson') })
    const multicall = await takeSnapshot(local.chain, { contract: token.address, blockNumber: snapshotBlock, outFile: join(directory, 'a.ndjson'), balanceReader: 'multicall3' })
    expect(multicall.balanceReader).toBe('multicall3')
    expect(multicall.footer.sha256).toBe(reader.footer.sha256)
    const batched = await takeSnapshot(local.chain, {
      contract: token.address,
      blockNumber: snapshotBlock,
      outFile: join(directory, 'b.ndjson'),
      balanceReader: 'rpc-batch',
      spoolRunSize: 700,
    })
    expect(batched.balanceReader).toBe('rpc-batch')
    expect(batched.footer.sha256).toBe(multicall.footer.sha256)
  })

  it('refuses a block in the future before writing anything', async () => {
    const latest = await local.chain.public.getBlockNumber({ cacheTime: 0 })
    const outFile = join(directory, 'future', 'snapshot.ndjson')
    const error = await takeSnapshot(local.chain, { contract: token.address, blockNumber: latest + 10n, outFile }).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(SnapshotBlockInFutureError)
    expect((error as SnapshotBlockInFutureError).shortMessage).toBe(`block ${latest + 10n} is in the future: the chain is at block ${latest}`)
    await expect(readdir(join(directory, 'future'))).rejects.toThrow(/ENOENT/)
  })

  it('detects an edited balance through the content hash', async () => {
    const outFile = join(directory, 'edited.ndjson')
    const original = await takeSnapshot(local.chain, { contract: token.address, blockNumber: snapshotBlock, outFile })
    const text = await readFile(outFile, 'utf8')
    const edited = text.replace('"balance":"1000000000000000000"', '"balance":"1000000000000000001"')
    expect(edited).not.toBe(text)
    await writeFile(outFile, edited)
    const error = await verifySnapshot(outFile).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(SnapshotIntegrityError)
    expect((error as SnapshotIntegrityError).shortMessage).toContain(`its footer says ${original.footer.sha256}`)
  })
})
