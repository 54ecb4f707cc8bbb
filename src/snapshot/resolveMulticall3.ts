import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { type Address, type Hex, encodeFunctionData, multicall3Abi } from 'viem'
import type { ChainClients } from '../chain/clients.js'

/** Multicall3's address on every chain it is deployed to (and the one viem assumes). */
export const multicall3Address: Address = '0xcA11bde05977b3631167028862bE2a173976CA11'

/**
 * How to reach Multicall3 at a block: `deployed` when it has code there; otherwise `override` with
 * its real runtime code, sent as an `eth_call` state override. A snapshot block is usually in the
 * past, where `anvil_setCode` cannot reach (it changes the latest state only), and an override
 * works the same on anvil, geth, reth and most providers.
 */
export type Multicall3Access = { kind: 'deployed' } | { kind: 'override'; code: Hex }

/**
 * Finds a way to use Multicall3 at `blockNumber`, or undefined when there is none (no code there
 * and the node refuses state overrides): callers then fall back to JSON-RPC batches of `eth_call`s.
 * The runtime code comes from viem's copy of Multicall3's creation bytecode (not exported from its
 * entry point, so read from the installed package) run through a plain `eth_call`.
 */
export async function resolveMulticall3(chain: ChainClients, blockNumber: bigint): Promise<Multicall3Access | undefined> {
  const existing = await chain.public.getCode({ address: multicall3Address, blockNumber })
  if (existing && existing !== '0x') return { kind: 'deployed' }
  const creation = viemMulticall3CreationCode()
  if (!creation) return undefined
  try {
    const { data: code } = await chain.public.call({ data: creation })
    if (!code || code === '0x') return undefined
    const probe = encodeFunctionData({ abi: multicall3Abi, functionName: 'getCurrentBlockTimestamp' })
    const { data } = await chain.public.call({ to: multicall3Address, data: probe, blockNumber, stateOverride: [{ address: multicall3Address, code }] })
    return data && data !== '0x' ? { kind: 'override', code } : undefined
  } catch {
    return undefined
  }
}

function viemMulticall3CreationCode(): Hex | undefined {
  try {
    const viemRoot = join(dirname(createRequire(import.meta.url).resolve('viem')), '..')
    const source = readFileSync(join(viemRoot, '_esm', 'constants', 'contracts.js'), 'utf8')
    return /multicall3Bytecode\s*=\s*'(0x[0-9a-fA-F]+)'/.exec(source)?.[1] as Hex | undefined
  } catch {
    return undefined
  }
}
