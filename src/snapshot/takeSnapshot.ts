import { createHash } from 'node:crypto'
import { type WriteStream, createWriteStream } from 'node:fs'
import { mkdir, rename, rm } from 'node:fs/promises'
import { dirname } from 'node:path'
import { once } from 'node:events'
import { type AbiEvent, type Address, type Hex, getAddress, parseAbiItem, toEventSignature } from 'viem'
import type { ChainClients } from '../chain/clients.js'
import { AccountSpool } from './accountSpool.js'
import { canUseBalanceReader } from './balanceReader.js'
import { resolveMulticall3 } from './resolveMulticall3.js'
import { SnapshotBlockInFutureError } from './errors.js'
import { type BalanceReader, readBalances } from './readBalances.js'
import { logAccounts } from './logAccounts.js'
import { readRawLogsAdaptive, transferEvent } from '../chain/readLogsAdaptive.js'
import { type SnapshotFooter, type SnapshotHeader, formatLine, snapshotFormat } from './snapshotFile.js'

export type TakeSnapshotParameters = {
  /** The token (any contract with `balanceOf(address)`). */
  contract: Address
  blockNumber: bigint
  /** Where the contract's history starts (its deployment block). Default 0. */
  fromBlock?: bigint
  /** The NDJSON file to write; it appears only once complete. */
  outFile: string
  /** Default: ERC-20 `Transfer`. */
  event?: string | AbiEvent
  /** The event's address fields that name holders. Default: every address field of the event. */
  accountFields?: string[]
  /** `balance-reader` where the node takes state overrides (default), else `multicall3`, else `rpc-batch`. */
  balanceReader?: BalanceReader
  /** Accounts per balance batch. Default 1000. */
  batchSize?: number
  /** First log range tried, in blocks. Default 100_000. */
  logRange?: bigint
  /** Accounts buffered in memory before deduplication spills to disk. Default 200_000. */
  spoolRunSize?: number
  onProgress?: (progress: { phase: 'logs' | 'balances'; done: number; block?: bigint }) => void
  onRangeShrunk?: (range: { from: bigint; to: bigint; nextRange: bigint; reason: string }) => void
}

export type TakeSnapshotReturnType = {
  file: string
  header: SnapshotHeader
  footer: SnapshotFooter
  /** Distinct accounts named by the logs; those with a zero balance at the block are left out of the file. */
  accountsSeen: number
  logs: number
  balanceReader: BalanceReader
}

/**
 * Records `contract`'s balances at `blockNumber`: enumerates holders from the event's logs with
 * adaptive ranges, deduplicates them on disk (bounded memory), reads balances in batches at the
 * block and streams `{account, balance}` lines to an NDJSON file between a header and a hashed
 * footer. The file is written under a temporary name and renamed at the end, so an interrupted
 * snapshot never looks complete.
 */
export async function takeSnapshot(chain: ChainClients, parameters: TakeSnapshotParameters): Promise<TakeSnapshotReturnType> {
  const latest = await chain.public.getBlockNumber({ cacheTime: 0 })
  if (parameters.blockNumber > latest) {
    throw new SnapshotBlockInFutureError(`block ${parameters.blockNumber} is in the future: the chain is at block ${latest}`, {
      metaMessages: ['A snapshot records state that exists; wait for the block, or choose one at or before the latest.'],
    })
  }
  const block = await chain.public.getBlock({ blockNumber: parameters.blockNumber })
  const event = typeof parameters.event === 'object' ? parameters.event : (parseAbiItem(parameters.event ?? transferEvent) as AbiEvent)
  const accountFields = parameters.accountFields ?? event.inputs.filter((input) => input.type === 'address' && input.name).map((input) => input.name as string)
  const fromBlock = parameters.fromBlock ?? 0n

  const spool = new AccountSpool({ runSize: parameters.spoolRunSize })
  const temporary = `${parameters.outFile}.partial-${process.pid}`
  let output: WriteStream | undefined
  try {
    let logs = 0
    const accountsOf = logAccounts(event, accountFields)
    for await (const chunk of readRawLogsAdaptive(chain, {
      address: parameters.contract,
      event,
      fromBlock,
      toBlock: parameters.blockNumber,
      initialRange: parameters.logRange,
      onRangeShrunk: parameters.onRangeShrunk,
    })) {
      for (const log of chunk.logs) for (const account of accountsOf(log)) await spool.add(account)
      logs += chunk.logs.length
      parameters.onProgress?.({ phase: 'logs', done: logs, block: chunk.toBlock })
    }

    const via = parameters.balanceReader ?? (await fastestBalanceReader(chain, parameters.contract, parameters.blockNumber))
    const multicall3 = via === 'multicall3' ? await resolveMulticall3(chain, parameters.blockNumber) : undefined
    const batchSize = parameters.batchSize ?? 1000
    const header: SnapshotHeader = {
      format: snapshotFormat,
      chainId: chain.chain.id,
      contract: getAddress(parameters.contract),
      blockNumber: parameters.blockNumber.toString(),
      blockHash: block.hash as Hex,
      event: toEventSignature(event),
      accountFields,
      fromBlock: fromBlock.toString(),
    }
    await mkdir(dirname(parameters.outFile), { recursive: true })
    output = createWriteStream(temporary)
    const stream = output
    const hash = createHash('sha256')
    const write = async (text: string) => {
      if (!stream.write(text)) await once(stream, 'drain')
    }
    const writeHashed = async (text: string) => {
      hash.update(text)
      await write(text)
    }
    await writeHashed(formatLine(header))

    let accountsSeen = 0
    let written = 0
    let total = 0n
    let pending: Address[] = []
    // Several batches per round so that their requests overlap; never more than one round in memory.
    const roundSize = batchSize * 4
    const flush = async () => {
      if (pending.length === 0) return
      const balances = await readBalances(chain, { token: parameters.contract, accounts: pending, blockNumber: parameters.blockNumber, via, batchSize, multicall3 })
      let text = ''
      for (let index = 0; index < pending.length; index++) {
        const balance = balances[index] as bigint
        if (balance === 0n) continue
        text += formatLine({ account: getAddress(pending[index] as Address), balance: balance.toString() })
        written++
        total += balance
      }
      await writeHashed(text)
      accountsSeen += pending.length
      pending = []
      parameters.onProgress?.({ phase: 'balances', done: accountsSeen })
    }
    for await (const account of spool.sorted()) {
      pending.push(account)
      if (pending.length >= roundSize) await flush()
    }
    await flush()

    const footer: SnapshotFooter = { footer: true, accounts: written, total: total.toString(), sha256: `0x${hash.digest('hex')}` }
    await write(formatLine(footer))
    output.end()
    await once(output, 'finish')
    await rename(temporary, parameters.outFile)
    return { file: parameters.outFile, header, footer, accountsSeen, logs, balanceReader: via }
  } catch (error) {
    // Closed before removal: an open descriptor would keep writing into the unlinked file.
    output?.destroy()
    await rm(temporary, { force: true })
    throw error
  } finally {
    await spool.dispose()
  }
}

/** The packed reader where the node takes state overrides, else Multicall3 where it is deployed, else plain batches. */
async function fastestBalanceReader(chain: ChainClients, token: Address, blockNumber: bigint): Promise<BalanceReader> {
  if (await canUseBalanceReader(chain, token, blockNumber)) return 'balance-reader'
  return (await resolveMulticall3(chain, blockNumber)) ? 'multicall3' : 'rpc-batch'
}
