import { readFileSync } from 'node:fs'
import type { Abi } from 'viem'

/** The ABI, or what is wrong with the file, phrased to follow its name: "does not exist". */
export type ReadAbiFileResult = { abi: Abi } | { problem: string; detail?: string }

const ITEM_TYPES = new Set(['function', 'event', 'error', 'constructor', 'fallback', 'receive'])

/**
 * Reads a JSON ABI (an array) or a compiler artifact that holds one under "abi" — Hardhat's
 * `artifacts/…/X.json` and Foundry's `out/X.sol/X.json` both do — so teams point at what their
 * build already produces instead of extracting ABIs by hand.
 */
export function readAbiFile(file: string): ReadAbiFileResult {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code
    if (code === 'ENOENT') return { problem: 'does not exist' }
    if (code === 'EISDIR') return { problem: 'is a directory' }
    return { problem: `cannot be read (${code ?? (cause as Error).message})` }
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (cause) {
    return { problem: 'is not valid JSON', detail: (cause as Error).message }
  }
  const candidate = Array.isArray(json) ? json : isRecord(json) ? json.abi : undefined
  if (candidate === undefined) {
    return { problem: isRecord(json) ? 'is an object without an "abi" list' : `holds ${json === null ? 'null' : `a ${typeof json}`}, not an ABI` }
  }
  if (!Array.isArray(candidate)) return { problem: 'has an "abi" that is not a list' }
  const itemProblem = candidate.map(abiItemProblem).findIndex((problem) => problem !== undefined)
  if (itemProblem >= 0) return { problem: `is not an ABI: item ${itemProblem} ${abiItemProblem(candidate[itemProblem])}` }
  return { abi: candidate as Abi }
}

/** Enough of the ABI's shape for viem to encode calls and compute selectors from it. */
function abiItemProblem(item: unknown): string | undefined {
  if (!isRecord(item)) return 'is not an object'
  if (typeof item.type !== 'string' || !ITEM_TYPES.has(item.type)) return `has type ${JSON.stringify(item.type)}, expected one of ${[...ITEM_TYPES].join(', ')}`
  if (['function', 'event', 'error'].includes(item.type) && typeof item.name !== 'string') return `is a ${item.type} without a name`
  if ('inputs' in item && !Array.isArray(item.inputs)) return 'has inputs that are not a list'
  if (Array.isArray(item.inputs) && item.inputs.some((input) => !isRecord(input) || typeof input.type !== 'string')) return 'has an input without a type'
  return undefined
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
