import { type Address, type Hex, keccak256, stringToHex } from 'viem'
import type { Call } from '../../plan.js'

/**
 * A batch file for the Transaction Builder app of Safe{Wallet}: the way owners who only use the web
 * interface can load the same calls. The app builds its own Safe transaction from it (its own
 * MultiSend and next nonce), so the safeTxHash it shows may differ from firebreak's file: the calls
 * are what to compare.
 */
export type TransactionBuilderBatch = {
  version: '1.0'
  chainId: string
  /** Milliseconds since 1970, as the app writes it. */
  createdAt: number
  meta: {
    name: string
    description: string
    txBuilderVersion: string
    createdFromSafeAddress: Address
    createdFromOwnerAddress: string
    checksum?: Hex
  }
  /**
   * Raw calls only. The app uses `data` as is when present and only builds calldata from
   * `contractMethod` and `contractInputsValues` without it, so those stay null rather than carry a
   * second description of the same call that could disagree with the first.
   */
  transactions: { to: Address; value: string; data: Hex; contractMethod: null; contractInputsValues: null }[]
}

/** The app version whose file format this follows (safe-react-apps, apps/tx-builder). */
export const TX_BUILDER_VERSION = '1.18.2'

export type TransactionBuilderBatchParameters = {
  chainId: number
  safe: Address
  name: string
  description: string
  calls: readonly Call[]
  createdAt: number
}

export function transactionBuilderBatch(parameters: TransactionBuilderBatchParameters): TransactionBuilderBatch {
  const batch: TransactionBuilderBatch = {
    version: '1.0',
    chainId: String(parameters.chainId),
    createdAt: parameters.createdAt,
    meta: {
      name: parameters.name,
      description: parameters.description,
      txBuilderVersion: TX_BUILDER_VERSION,
      createdFromSafeAddress: parameters.safe,
      createdFromOwnerAddress: '',
    },
    transactions: parameters.calls.map((call) => ({ to: call.to, value: call.value.toString(), data: call.data, contractMethod: null, contractInputsValues: null })),
  }
  return { ...batch, meta: { ...batch.meta, checksum: transactionBuilderChecksum(batch) } }
}

/**
 * The checksum the app checks on import (safe-react-apps, apps/tx-builder/src/lib/checksum.ts):
 * keccak-256 of a canonical serialisation of the batch with `meta.checksum` left out and
 * `meta.name` set to null (so renaming a batch does not break it). A file whose checksum does not
 * match still imports, but with a warning that it was modified.
 */
export function transactionBuilderChecksum(batch: TransactionBuilderBatch): Hex {
  const { checksum: _, ...meta } = batch.meta
  return keccak256(stringToHex(canonicalJson({ ...batch, meta: { ...meta, name: null } })))
}

/**
 * The app's canonical form: an object is `{` + its sorted keys as a JSON array, then each value
 * followed by a comma, + `}`; an array is its elements joined by commas; anything else is plain
 * JSON, with `undefined` written as null.
 */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  if (typeof value === 'object' && value !== null) {
    const keys = Object.keys(value).sort()
    const entries = value as Record<string, unknown>
    return `{${JSON.stringify(keys)}${keys.map((key) => `${canonicalJson(entries[key])},`).join('')}}`
  }
  return value === undefined ? 'null' : JSON.stringify(value)
}
