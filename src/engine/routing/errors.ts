import { FirebreakError } from '../../errors.js'

/** No authority firebreak can act through reaches a call: every phase that routes calls raises it. */
export class RoutingError extends FirebreakError {
  override name = 'RoutingError'
}
