import { InvalidInputError } from '../errors.js'

/**
 * A command's library parameters and the flags that give them (`batchSize` → `--batch-size`),
 * declared beside the command's options. A parameter the table does not name is printed as the
 * library names it: a guessed flag that does not exist would send the user looking for it.
 */
export type ParameterFlags = Readonly<Record<string, string>>

/**
 * Parameters that mean the same flag in every command that has it: applied to any error that
 * reaches the user still named by its library parameter (a command's own table goes first).
 */
export const COMMON_FLAGS: ParameterFlags = {
  rpcUrl: '--rpc-url',
  chain: '--chain',
  keyEnv: '--key-env',
  keystore: '--keystore',
  passwordEnv: '--password-env',
  out: '--out',
  multiSend: '--multi-send',
  claim: '--claim',
  distribution: '--distribution',
  token: '--token',
  mode: '--mode',
  valuation: '--valuation',
  before: '--before',
  after: '--after',
  batchSize: '--batch-size',
  name: '--name',
  symbol: '--symbol',
  sources: '--sources',
  contracts: '--contracts',
  force: '--force',
}

/** The library's error about a parameter's value, told in the command's flags. */
export function inFlags(error: unknown, flags: ParameterFlags): unknown {
  if (!(error instanceof InvalidInputError)) return error
  const flag = flags[error.parameter]
  if (flag === undefined) return error
  const related = error.related.map((parameter) => flags[parameter]).filter((name) => name !== undefined && name !== flag)
  return new InvalidInputError({
    parameter: flag,
    value: error.value,
    problem: related.length === 0 ? error.problem : `${error.problem} (${related.join(', ')})`,
    metaMessages: error.metaMessages,
    cause: error,
  })
}

/** An action whose InvalidInputErrors name this command's flags. */
export function withFlags<Args extends unknown[]>(flags: ParameterFlags, action: (...args: Args) => Promise<void>): (...args: Args) => Promise<void> {
  return async (...args) => {
    try {
      await action(...args)
    } catch (error) {
      throw inFlags(error, flags)
    }
  }
}
