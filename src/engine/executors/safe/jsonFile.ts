import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { type Address, type Hex, getAddress, isAddress } from 'viem'
import { z } from 'zod'
import type { FirebreakError } from '../../../errors.js'

/**
 * Field types of the files signers pass between machines. Addresses are accepted in any case and
 * written checksummed; amounts are decimal strings, since a JSON number loses precision past 2^53.
 */
export const addressField = z
  .string()
  .refine((value) => isAddress(value, { strict: false }), { error: 'expected a 20-byte hex address' })
  .transform((value) => getAddress(value) as Address)
export const hexField = z.string().regex(/^0x([0-9a-fA-F]{2})*$/, { error: 'expected 0x-prefixed hex bytes' }).transform((value) => value as Hex)
export const hashField = z.string().regex(/^0x[0-9a-fA-F]{64}$/, { error: 'expected a 32-byte hex hash' }).transform((value) => value.toLowerCase() as Hex)
export const decimalField = z.string().regex(/^(0|[1-9][0-9]*)$/, { error: 'expected a whole number as a decimal string' }).transform((value) => BigInt(value))

type ErrorClass = new (shortMessage: string, options?: { metaMessages?: string[]; cause?: unknown }) => FirebreakError

/** Reads and checks a JSON file; any problem is one line naming the file and, for a bad field, its path. */
export function readJsonFile<Schema extends z.ZodType>(path: string, schema: Schema, what: string, ErrorType: ErrorClass): z.output<Schema> {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (error) {
    throw new ErrorType(`cannot read the ${what} ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, { cause: error })
  }
  return parseJson(text, path, schema, what, ErrorType)
}

export function parseJson<Schema extends z.ZodType>(text: string, path: string, schema: Schema, what: string, ErrorType: ErrorClass): z.output<Schema> {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (error) {
    // The parser's own message quotes the file's bytes: a binary file would print them, newlines included.
    const message = (error as Error).message
    throw new ErrorType(`${path} is not a ${what}: it is not valid JSON${/^[\x20-\x7e]*$/.test(message) && message.length < 120 ? ` (${message})` : ''}`, { cause: error })
  }
  const parsed = schema.safeParse(json)
  if (!parsed.success) {
    const [issue] = parsed.error.issues
    const field = issue?.path.length ? issue.path.join('.') : '(the whole file)'
    throw new ErrorType(`${path} is not a ${what}: ${field}: ${issue?.message ?? 'unexpected shape'}`, {
      metaMessages: parsed.error.issues.map((each) => `${each.path.join('.') || '(root)'}: ${each.message}`),
    })
  }
  return parsed.data
}

/** Writes `value` as indented JSON with bigints as decimal strings, creating the folder. */
export function writeJsonFile(path: string, value: unknown): void {
  mkdirSync(dirname(path), { recursive: true })
  writeFileSync(path, `${JSON.stringify(value, (_, inner) => (typeof inner === 'bigint' ? inner.toString() : inner), 2)}\n`)
}
