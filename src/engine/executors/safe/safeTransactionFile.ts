import { type Address, type Hex, isAddressEqual } from 'viem'
import { z } from 'zod'
import type { Plan, Step } from '../../plan.js'
import { CANONICAL_MULTI_SEND_CALL_ONLY } from './abi.js'
import { SafeTransactionError } from './errors.js'
import { type SafeTxHashes, safeTxHashes } from './hashes.js'
import { addressField, decimalField, hashField, hexField, parseJson, readJsonFile } from './jsonFile.js'
import { type SafeTransaction, buildSafeTransaction } from './safeTransaction.js'

export const SAFE_TRANSACTION_FORMAT = 'firebreak/safe-transaction@1'

/**
 * What an owner reviews and signs, on any machine: the Safe transaction's fields, the calls it
 * makes in words, and the hashes to compare with the wallet's screen. Everything in it is public;
 * `firebreak safe sign` recomputes the hashes from the fields and refuses a file that disagrees.
 */
export type SafeTransactionFile = {
  format: typeof SAFE_TRANSACTION_FORMAT
  planId: string
  stepId: string
  title: string
  chainId: number
  safe: Address
  safeVersion: string
  owners: Address[]
  threshold: number
  /** The EIP-712 `SafeTx` message; amounts as decimal strings. */
  safeTx: {
    to: Address
    value: string
    data: Hex
    operation: 0 | 1
    safeTxGas: string
    baseGas: string
    gasPrice: string
    gasToken: Address
    refundReceiver: Address
    nonce: string
  }
  /** The calls the Safe makes, in order: `vault.pause()`, with the raw call it stands for. */
  actions: { text: string; to: Address; value: string; data: Hex }[]
} & SafeTxHashes

/** A Safe transaction file whose hashes and calls were recomputed from its fields and agree. */
export type VerifiedSafeTransaction = { path: string; file: SafeTransactionFile; transaction: SafeTransaction; hashes: SafeTxHashes }

export type ToSafeTransactionFileParameters = {
  plan: Pick<Plan, 'id'>
  step: Pick<Step, 'id' | 'title' | 'actions'>
  chainId: number
  safe: Address
  safeVersion: string
  owners: readonly Address[]
  threshold: number
  transaction: SafeTransaction
  hashes: SafeTxHashes
}

function safeTxFields(transaction: SafeTransaction): SafeTransactionFile['safeTx'] {
  const { to, data, operation, gasToken, refundReceiver } = transaction
  const decimal = (value: bigint) => value.toString()
  return {
    to,
    value: decimal(transaction.value),
    data,
    operation,
    safeTxGas: decimal(transaction.safeTxGas),
    baseGas: decimal(transaction.baseGas),
    gasPrice: decimal(transaction.gasPrice),
    gasToken,
    refundReceiver,
    nonce: decimal(transaction.nonce),
  }
}

export function toSafeTransactionFile(parameters: ToSafeTransactionFileParameters): SafeTransactionFile {
  const { plan, step, transaction, hashes } = parameters
  return {
    format: SAFE_TRANSACTION_FORMAT,
    planId: plan.id,
    stepId: step.id,
    title: step.title,
    chainId: parameters.chainId,
    safe: parameters.safe,
    safeVersion: parameters.safeVersion,
    owners: [...parameters.owners],
    threshold: parameters.threshold,
    safeTx: safeTxFields(transaction),
    actions: step.actions.map(({ call, decoded }) => ({ text: decoded.text, to: call.to, value: call.value.toString(), data: call.data })),
    ...hashes,
  }
}

const fileSchema = z.object({
  format: z.literal(SAFE_TRANSACTION_FORMAT),
  planId: z.string(),
  stepId: z.string(),
  title: z.string(),
  chainId: z.number().int().positive(),
  safe: addressField,
  safeVersion: z.string(),
  owners: z.array(addressField),
  threshold: z.number().int().positive(),
  safeTx: z.object({
    to: addressField,
    value: decimalField,
    data: hexField,
    operation: z.union([z.literal(0), z.literal(1)]),
    safeTxGas: decimalField,
    baseGas: decimalField,
    gasPrice: decimalField,
    gasToken: addressField,
    refundReceiver: addressField,
    nonce: decimalField,
  }),
  actions: z.array(z.object({ text: z.string(), to: addressField, value: decimalField, data: hexField })).min(1),
  domainHash: hashField,
  messageHash: hashField,
  safeTxHash: hashField,
})

const WHAT = 'Safe transaction file'

export function readSafeTransactionFile(path: string): VerifiedSafeTransaction {
  return verify(path, readJsonFile(path, fileSchema, WHAT, SafeTransactionError))
}

export function parseSafeTransactionFile(text: string, path: string): VerifiedSafeTransaction {
  return verify(path, parseJson(text, path, fileSchema, WHAT, SafeTransactionError))
}

/**
 * The hashes are recomputed from the fields, never trusted: a file edited after it was written
 * (a changed target, a swapped calldata) shows a safeTxHash that its fields no longer produce.
 * The listed calls must be exactly what the Safe transaction does, so that what a signer reads
 * is what they sign.
 */
function verify(path: string, parsed: z.output<typeof fileSchema>): VerifiedSafeTransaction {
  const transaction: SafeTransaction = parsed.safeTx
  const hashes = safeTxHashes(parsed.chainId, parsed.safe, transaction)
  for (const name of ['domainHash', 'messageHash', 'safeTxHash'] as const) {
    if (hashes[name] !== parsed[name]) {
      throw new SafeTransactionError(`${path} states ${name} ${parsed[name]}, but its fields hash to ${hashes[name]}: the file was changed after it was written; do not sign it`)
    }
  }
  const calls = parsed.actions.map(({ to, value, data }) => ({ to, value, data }))
  const rebuilt = buildSafeTransaction(calls, { nonce: transaction.nonce, multiSend: transaction.to })
  const same = isAddressEqual(rebuilt.to, transaction.to) && rebuilt.value === transaction.value && rebuilt.data.toLowerCase() === transaction.data.toLowerCase() && rebuilt.operation === transaction.operation
  if (!same) {
    throw new SafeTransactionError(`${path} lists calls that are not what its Safe transaction does: do not sign it`, {
      metaMessages: parsed.actions.map((action) => `listed: ${action.text}`),
    })
  }
  const file: SafeTransactionFile = {
    ...parsed,
    safeTx: safeTxFields(transaction),
    actions: parsed.actions.map((action) => ({ ...action, value: action.value.toString() })),
    ...hashes,
  }
  return { path, file, transaction, hashes }
}

/** The lines a signer compares with their wallet and with a colleague's machine. */
export function describeSafeTransaction({ file, hashes }: Pick<VerifiedSafeTransaction, 'file' | 'hashes'>): string[] {
  const canonical = isAddressEqual(file.safeTx.to, CANONICAL_MULTI_SEND_CALL_ONLY) ? 'the canonical MultiSendCallOnly' : 'NOT the canonical MultiSendCallOnly'
  const operation = file.safeTx.operation === 1 ? `DELEGATECALL to ${file.safeTx.to}, ${canonical} (${file.actions.length} calls, all or none)` : `CALL to ${file.safeTx.to}`
  return [
    `Safe         ${file.safe} (v${file.safeVersion}, ${file.threshold} of ${file.owners.length} owners) on chain ${file.chainId}`,
    `step         ${file.planId} / ${file.stepId}: ${file.title}`,
    `nonce        ${file.safeTx.nonce}`,
    `operation    ${operation}`,
    ...file.actions.map((action, index) => `call ${index + 1}       ${action.text}${action.value !== '0' ? ` (value ${action.value} wei)` : ''}  [to ${action.to}, data ${action.data}]`),
    `domain hash  ${hashes.domainHash}`,
    `message hash ${hashes.messageHash}`,
    `safeTxHash   ${hashes.safeTxHash}`,
  ]
}
