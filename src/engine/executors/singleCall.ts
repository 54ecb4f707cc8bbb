import { AuthorityMissingError } from '../errors.js'
import type { Call, Step } from '../plan.js'

/**
 * The one call of a step sent by a single account. Several calls would be several transactions,
 * and a step is one transaction so that a resumed plan can tell whether it was sent.
 */
export function singleCall(step: Step): Call {
  const [action, ...rest] = step.actions
  if (!action || rest.length > 0) {
    throw new AuthorityMissingError(`step "${step.title}" makes ${step.actions.length} calls, but ${step.authority.label} (${step.authority.kind}) sends one call per transaction: give each call its own step`)
  }
  return action.call
}
