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
