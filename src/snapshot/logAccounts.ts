import { type AbiEvent, type AbiParameter, type Address, decodeEventLog, zeroAddress } from 'viem'
import type { RawLog } from '../chain/readLogsAdaptive.js'

/**
 * Reads the address fields of an event straight from a raw log: an indexed address is the low 20
 * bytes of its topic; a non-indexed one preceded only by static words is a word of the data. Only
 * an event whose address follows a dynamic field is decoded in full. The zero address (a mint's
 * `from`) is left out: it holds nothing.
 */
export function logAccounts(event: AbiEvent, fields: readonly string[]): (log: RawLog) => Address[] {
  const readers = fields.map((field) => fieldReader(event, field))
  return (log) => {
    const accounts: Address[] = []
    for (const read of readers) {
      const account = read(log)
      if (account && account !== zeroAddress) accounts.push(account)
    }
    return accounts
  }
}

function fieldReader(event: AbiEvent, field: string): (log: RawLog) => Address | undefined {
  const position = event.inputs.findIndex((input) => input.name === field)
  if (position < 0) throw new Error(`event ${event.name} has no field ${field}`)
  const before = event.inputs.slice(0, position)
  if (event.inputs[position]!.indexed) {
    const topic = 1 + before.filter((input) => input.indexed).length
    return (log) => wordAddress(log.topics[topic])
  }
  const dataBefore = before.filter((input) => !input.indexed)
  if (dataBefore.every(isStaticWord)) {
    const start = 2 + dataBefore.length * 64
    return (log) => wordAddress(`0x${log.data.slice(start, start + 64)}`)
  }
  return (log) => {
    const decoded = decodeEventLog({ abi: [event], topics: log.topics as [`0x${string}`], data: log.data, strict: false })
    const value = (decoded.args as Record<string, unknown> | undefined)?.[field]
    return typeof value === 'string' ? (value.toLowerCase() as Address) : undefined
  }
}

/** The address in the low 20 bytes of a 32-byte word, lower case (the spool's order). */
function wordAddress(word: string | undefined): Address | undefined {
  if (!word || word.length !== 66) return undefined
  return `0x${word.slice(26).toLowerCase()}` as Address
}

/** A type encoded in place as one 32-byte word. */
function isStaticWord(input: AbiParameter): boolean {
  return /^(address|bool|u?int\d*|bytes([1-9]|[12]\d|3[0-2]))$/.test(input.type)
}
