import { FirebreakError } from '../errors.js'
import type { CheckResult } from './checks.js'

export class SimulationFailedError extends FirebreakError {
  override name = 'SimulationFailedError'
}

export class StepRevertedError extends FirebreakError {
  override name = 'StepRevertedError'
}

export class PostconditionFailedError extends FirebreakError {
  override name = 'PostconditionFailedError'
  readonly failed: CheckResult[]
  constructor(stepTitle: string, failed: CheckResult[]) {
    const [first] = failed
    super(`step "${stepTitle}" ran but its check failed: ${first?.description} (expected ${first?.expected}, got ${first?.actual})`, {
      metaMessages: failed.map((check) => `${check.description}: expected ${check.expected}, got ${check.actual}`),
    })
    this.failed = failed
  }
}

export class AuthorityMissingError extends FirebreakError {
  override name = 'AuthorityMissingError'
}

/** A step behind a timelock is not ready yet: nothing failed, the plan resumes once it is. */
export class StepWaitingError extends FirebreakError {
  override name = 'StepWaitingError'
  readonly readyAt: bigint
  constructor(stepTitle: string, timelock: string, readyAt: bigint) {
    const when = new Date(Number(readyAt) * 1000).toISOString().replace('.000Z', 'Z')
    super(`step "${stepTitle}" waits for timelock ${timelock}: executable from ${when}; run the same command again then`)
    this.readyAt = readyAt
  }
}

/**
 * The fork a plan is simulated on could not read the state a call needs from the node it copies
 * (a dropped answer, a node that refused): the node's fault, not a revert of the step. Run again.
 */
export class ForkStateError extends FirebreakError {
  override name = 'ForkStateError'
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(`${message}: the node the fork copies did not answer it (run the same command again, or use another RPC URL)`, options)
  }
}
