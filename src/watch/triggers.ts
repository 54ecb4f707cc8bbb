import { type Abi, type AbiEvent, type AbiFunction, type Address, type Transaction, getAbiItem, parseAbi, parseAbiItem } from 'viem'
import type { ChainClients } from '../chain/clients.js'
import { manifestArguments, manifestFunction } from '../manifest/manifestCall.js'
import type { Manifest, ManifestTrigger } from '../manifest/types.js'
import { UsageError } from '../errors.js'

/** A trigger with its addresses and ABI items found: what is read on every block. */
export type WatchedTrigger =
  | { kind: 'invariant'; trigger: Extract<ManifestTrigger, { kind: 'invariant' }>; address: Address; fn: AbiFunction; args: unknown[] }
  | { kind: 'event'; trigger: Extract<ManifestTrigger, { kind: 'event' }>; address: Address; event: AbiEvent }
  | { kind: 'outflow'; trigger: Extract<ManifestTrigger, { kind: 'outflow' }>; token: Address; from: Address }

/** What fired, at which block, and why in words; `pending` when it fired on a transaction not yet mined. */
export type Fired = { trigger: ManifestTrigger; detail: string; blockNumber: bigint; pending?: Transaction }

const transferEvent = parseAbi(['event Transfer(address indexed from, address indexed to, uint256 value)'])[0]

export function watchedTriggers(manifest: Manifest, triggers: readonly ManifestTrigger[]): WatchedTrigger[] {
  const contract = (name: string) => {
    const found = manifest.contracts.find((each) => each.name === name)
    if (!found) throw new UsageError(`watch trigger names contract "${name}", which is not under contracts in ${manifest.file}`)
    return found
  }
  return triggers.map((trigger): WatchedTrigger => {
    switch (trigger.kind) {
      case 'invariant': {
        const target = contract(trigger.view.contract)
        const fn = asView(manifestFunction(target.abi ?? [], trigger.view.function), trigger)
        const args = manifestArguments(fn, trigger.view.args, (_, problem) => {
          throw new UsageError(`watch trigger "${trigger.name}": ${problem}`)
        })
        return { kind: 'invariant', trigger, address: target.address, fn, args }
      }
      case 'event': {
        const target = contract(trigger.contract)
        return { kind: 'event', trigger, address: target.address, event: eventOf(target.abi ?? [], trigger) }
      }
      case 'outflow':
        return { kind: 'outflow', trigger, token: contract(trigger.token).address, from: contract(trigger.from).address }
    }
  })
}

/** A signature written without `returns` is read as one uint256: the amounts invariants compare. */
function asView(fn: AbiFunction | undefined, trigger: ManifestTrigger): AbiFunction {
  if (!fn) throw new UsageError(`watch trigger "${trigger.name}": its function is not in the contract's ABI; give its full signature, e.g. totalAssets()`)
  return fn.outputs.length > 0 ? fn : { ...fn, stateMutability: 'view', outputs: [{ type: 'uint256', name: '' }] }
}

function eventOf(abi: Abi, trigger: Extract<ManifestTrigger, { kind: 'event' }>): AbiEvent {
  if (trigger.event.includes('(')) return parseAbiItem(`event ${trigger.event}`) as AbiEvent
  const found = getAbiItem({ abi, name: trigger.event }) as AbiEvent | undefined
  if (found?.type !== 'event') throw new UsageError(`watch trigger "${trigger.name}": no event ${trigger.event} in the contract's ABI; give its full signature`)
  return found
}

/** The reads an invariant needs, in the form simulateAfter and readContract take. */
export function invariantReads(triggers: readonly WatchedTrigger[]) {
  return triggers.flatMap((watched) => (watched.kind === 'invariant' ? [{ name: watched.trigger.name, address: watched.address, abi: [watched.fn], functionName: watched.fn.name, args: watched.args }] : []))
}

/**
 * Why an invariant is broken, or undefined: its value left its bounds, or fell by more than
 * `maxDropPercent` from `previous` (the value one block earlier, or before a pending transaction).
 */
export function invariantBreach(trigger: Extract<ManifestTrigger, { kind: 'invariant' }>, previous: bigint | undefined, current: bigint): string | undefined {
  const view = `${trigger.view.contract}.${trigger.view.function.replace(/\(.*$/, '')}()`
  if (trigger.atLeast !== undefined && current < trigger.atLeast) return `${view} is ${current}, below ${trigger.atLeast}`
  if (trigger.atMost !== undefined && current > trigger.atMost) return `${view} is ${current}, above ${trigger.atMost}`
  if (trigger.maxDropPercent !== undefined && previous !== undefined && previous > 0n && current < previous) {
    // In hundredths of a percent, so that 0.5 % is compared exactly.
    const dropBasisPoints = ((previous - current) * 10_000n) / previous
    if (dropBasisPoints > BigInt(Math.round(trigger.maxDropPercent * 100))) {
      return `${view} fell from ${previous} to ${current} (-${(Number(dropBasisPoints) / 100).toFixed(2)} %, more than ${trigger.maxDropPercent} %)`
    }
  }
  return undefined
}

/** What the triggers remember between blocks: each invariant's last value, each outflow's recent transfers. */
export type TriggerMemory = { values: Map<string, bigint>; outflows: Map<string, { blockNumber: bigint; amount: bigint }[]> }

export const emptyMemory = (): TriggerMemory => ({ values: new Map(), outflows: new Map() })

/**
 * Checks every trigger at a new block: invariants read at it (and compared with their value one
 * block earlier), events and outflows from the logs of the blocks after `sinceBlock`. One batch.
 */
export async function checkBlock(chain: ChainClients, triggers: readonly WatchedTrigger[], memory: TriggerMemory, blockNumber: bigint, sinceBlock: bigint): Promise<Fired[]> {
  const fromBlock = sinceBlock + 1n
  const results = await Promise.all(
    triggers.map(async (watched): Promise<Fired | undefined> => {
      switch (watched.kind) {
        case 'invariant': {
          const value = BigInt((await chain.public.readContract({ address: watched.address, abi: [watched.fn], functionName: watched.fn.name, args: watched.args, blockNumber })) as bigint)
          const breach = invariantBreach(watched.trigger, memory.values.get(watched.trigger.name), value)
          memory.values.set(watched.trigger.name, value)
          return breach ? { trigger: watched.trigger, detail: breach, blockNumber } : undefined
        }
        case 'event': {
          if (fromBlock > blockNumber) return undefined
          const logs = await chain.public.getLogs({ address: watched.address, event: watched.event, fromBlock, toBlock: blockNumber })
          const [first] = logs
          return first ? { trigger: watched.trigger, detail: `${watched.event.name} emitted by ${watched.trigger.contract} in block ${first.blockNumber} (tx ${first.transactionHash})${logs.length > 1 ? ` and ${logs.length - 1} more` : ''}`, blockNumber } : undefined
        }
        case 'outflow': {
          const window = (memory.outflows.get(watched.trigger.name) ?? []).filter((each) => each.blockNumber > blockNumber - BigInt(watched.trigger.windowBlocks))
          if (fromBlock <= blockNumber) {
            const logs = await chain.public.getLogs({ address: watched.token, event: transferEvent, args: { from: watched.from }, fromBlock, toBlock: blockNumber })
            for (const log of logs) window.push({ blockNumber: log.blockNumber, amount: log.args.value ?? 0n })
          }
          memory.outflows.set(watched.trigger.name, window)
          const total = window.reduce((sum, each) => sum + each.amount, 0n)
          return total > watched.trigger.max ? { trigger: watched.trigger, detail: `${total} of ${watched.trigger.token} left ${watched.trigger.from} within ${watched.trigger.windowBlocks} blocks, more than ${watched.trigger.max}`, blockNumber } : undefined
        }
      }
    }),
  )
  return results.filter((fired): fired is Fired => fired !== undefined)
}
