import { createHash } from 'node:crypto'
import { type WriteStream, createWriteStream } from 'node:fs'
import { mkdir, rename, rm } from 'node:fs/promises'
import { dirname } from 'node:path'
import { once } from 'node:events'
import { type AbiEvent, type Address, type Hex, encodeFunctionData, erc20Abi, getAddress, parseAbiItem, toEventSignature } from 'viem'
import { InvalidInputError } from '../errors.js'
import type { ChainClients } from '../chain/clients.js'
import { AccountSpool } from './accountSpool.js'
import { canUseBalanceReader } from './balanceReader.js'
import { resolveMulticall3 } from './resolveMulticall3.js'
import { SnapshotBlockInFutureError, SnapshotNotATokenError } from './errors.js'
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
  const event = holderEvent(parameters.event)
  const fromBlock = parameters.fromBlock ?? 0n
  if (fromBlock > parameters.blockNumber) {
    // Logs from 20 up to 5 are none: the snapshot would say "0 accounts" of a token that has holders.
    throw new InvalidInputError({ parameter: 'fromBlock', value: fromBlock, problem: `is after the snapshot block ${parameters.blockNumber}: the contract's history must start at or before the block it is snapshotted at`, related: ['blockNumber'] })
  }
  const latest = await chain.public.getBlockNumber({ cacheTime: 0 })
  if (parameters.blockNumber > latest) {
    throw new SnapshotBlockInFutureError(`block ${parameters.blockNumber} is in the future: the chain is at block ${latest}`, {
      metaMessages: ['A snapshot records state that exists; wait for the block, or choose one at or before the latest.'],
    })
  }
  const block = await chain.public.getBlock({ blockNumber: parameters.blockNumber })
  const accountFields = parameters.accountFields ?? event.inputs.filter((input) => input.type === 'address' && input.name).map((input) => input.name as string)
  await assertHasBalanceOf(chain, parameters.contract, parameters.blockNumber)

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

/**
 * The event whose address fields name holders, parsed from its signature. A signature that is not
 * an event, or an event with no named address field, is refused here: either would read no holder
 * and write a complete-looking snapshot of "0 accounts".
 */
export function holderEvent(event: string | AbiEvent | undefined): AbiEvent {
  if (typeof event === 'object') return event
  const signature = (event ?? transferEvent).trim()
  const example = 'e.g. "event Transfer(address indexed from, address indexed to, uint256 value)"'
  let parsed: ReturnType<typeof parseAbiItem>
  try {
    parsed = parseAbiItem(/^event\s/.test(signature) ? signature : `event ${signature}`)
  } catch {
    throw new InvalidInputError({ parameter: 'event', value: JSON.stringify(signature), problem: `is not an event signature: give one with its parameter names, ${example}` })
  }
  if (parsed.type !== 'event') throw new InvalidInputError({ parameter: 'event', value: JSON.stringify(signature), problem: `is a ${parsed.type}, not an event: ${example}` })
  if (!parsed.inputs.some((input) => input.type === 'address' && input.name)) {
    throw new InvalidInputError({ parameter: 'event', value: JSON.stringify(signature), problem: `names no address field, so it names no holder: give the fields their names, ${example}` })
  }
  return parsed
}

/**
 * A contract that answers `balanceOf(address)` with a number at the block. Without this check an
 * address with no code, or a contract that is not a token, would be snapshotted as "0 accounts" and
 * exit as a success: losses computed from it would say nobody lost anything.
 */
async function assertHasBalanceOf(chain: ChainClients, contract: Address, blockNumber: bigint): Promise<void> {
  const code = await chain.public.getCode({ address: contract, blockNumber })
  if (!code || code === '0x') {
    throw new SnapshotNotATokenError(`${getAddress(contract)} has no code at block ${blockNumber}: a snapshot reads balanceOf(address) from a token contract`, {
      metaMessages: ['Check the address in the manifest, the chain (--chain, --rpc-url) and the block: the contract may be deployed later.'],
    })
  }
  let data: Hex | undefined
  try {
    ;({ data } = await chain.public.call({ to: contract, data: encodeFunctionData({ abi: erc20Abi, functionName: 'balanceOf', args: [probeAccount] }), blockNumber }))
  } catch (cause) {
    if (!isRevert(cause)) throw cause
    throw new SnapshotNotATokenError(`${getAddress(contract)} has no balanceOf(address) at block ${blockNumber} (the call reverts): snapshot records a token's holders`, { cause })
  }
  if (!data || data.length !== 66) {
    throw new SnapshotNotATokenError(`${getAddress(contract)} has no balanceOf(address) at block ${blockNumber} (it answers ${!data || data === '0x' ? 'nothing' : `${(data.length - 2) / 2} bytes, not one number`}): snapshot records a token's holders`)
  }
}

/** Any account: only whether the answer is a number matters. */
const probeAccount: Address = '0x000000000000000000000000000000000000dEaD'

function isRevert(error: unknown): boolean {
  let reverted = false
  for (let cause: unknown = error, depth = 0; cause instanceof Error && depth < 10; cause = cause.cause, depth++) {
    // A node that failed is not a contract that refused: that error must reach the user as the node's.
    if (['HttpRequestError', 'TimeoutError', 'WebSocketRequestError', 'NodeFailedError'].includes(cause.name)) return false
    if (cause.name === 'ExecutionRevertedError' || cause.name === 'RawContractError' || /revert/i.test(cause.message)) reverted = true
  }
  return reverted
}

/** The packed reader where the node takes state overrides, else Multicall3 where it is deployed, else plain batches. */
async function fastestBalanceReader(chain: ChainClients, token: Address, blockNumber: bigint): Promise<BalanceReader> {
  if (await canUseBalanceReader(chain, token, blockNumber)) return 'balance-reader'
  return (await resolveMulticall3(chain, blockNumber)) ? 'multicall3' : 'rpc-batch'
}
