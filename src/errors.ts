/**
 * The root of every error firebreak raises on purpose.
 *
 * Shaped like viem's BaseError: `shortMessage` is the one line a user sees in the war room,
 * `metaMessages` carry the context to act on (shown with --verbose), `cause` keeps the chain.
 * The CLI prints a FirebreakError without a stack trace; anything else is a bug in firebreak.
 */
export type FirebreakErrorOptions = {
  metaMessages?: string[]
  cause?: unknown
}

export class FirebreakError extends Error {
  override name = 'FirebreakError'
  readonly shortMessage: string
  readonly metaMessages: string[]

  constructor(shortMessage: string, options: FirebreakErrorOptions = {}) {
    const meta = options.metaMessages ?? []
    super([shortMessage, ...meta].join('\n'), { cause: options.cause })
    this.shortMessage = shortMessage
    this.metaMessages = meta
  }
}

/** The user asked for something that cannot be done as given (a flag, a file, a value). */
export class UsageError extends FirebreakError {
  override name = 'UsageError'
}

export function errorMessage(error: unknown): string {
  if (error instanceof FirebreakError) return error.shortMessage
  if (error instanceof Error) return (error as { shortMessage?: string }).shortMessage ?? error.message
  return String(error)
}

export type InvalidInputErrorOptions = FirebreakErrorOptions & {
  /** The parameter of the library call whose value is wrong, as the call names it (`batchSize`). */
  parameter: string
  /** The value given, when there is one to show. */
  value?: unknown
  /** What is wrong with it and what to give instead, in words: never a command-line flag. */
  problem: string
  /** Other parameters the problem involves (one needs another, two exclude each other). */
  related?: readonly string[]
}

/**
 * A caller gave a value a library call cannot use. It names the parameter, not a flag: the CLI maps
 * the parameter to its flag when it prints (`--batch-size: …`), a script calling the library reads
 * `parameter` and `value`.
 */
export class InvalidInputError extends UsageError {
  override name = 'InvalidInputError'
  readonly parameter: string
  readonly value: unknown
  readonly problem: string
  readonly related: readonly string[]

  constructor(options: InvalidInputErrorOptions) {
    super(`${options.parameter}${options.value === undefined ? '' : ` ${String(options.value)}`}: ${options.problem}`, options)
    this.parameter = options.parameter
    this.value = options.value
    this.problem = options.problem
    this.related = options.related ?? []
  }
}
