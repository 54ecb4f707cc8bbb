import { FirebreakError } from '../../errors.js'
import type { RestoreGateResult } from './restoreGates.js'

/** A restore that cannot start as asked: an unknown stage, a stage with no lever to pull. Nothing was sent. */
export class RestoreError extends FirebreakError {
  override name = 'RestoreError'
}

/**
 * A gate of the stage failed, so nothing was sent and every contract of the stage is still
 * paused. The short message names the first failed gate and why; every gate is in `gates`.
 */
export class RestoreRefusedError extends FirebreakError {
  override name = 'RestoreRefusedError'
  readonly stage: string
  readonly gates: RestoreGateResult[]

  constructor(stage: string, gates: RestoreGateResult[]) {
    const failed = gates.filter((gate) => !gate.passed)
    const [first] = failed
    super(`restore stage "${stage}" refused, nothing was sent: ${first ? `${first.gate} gate: ${first.detail}` : 'a gate failed'}`, {
      metaMessages: gates.map((gate) => `${gate.passed ? '✔' : '✘'} ${gate.gate}: ${gate.detail}`),
    })
    this.stage = stage
    this.gates = gates
  }
}
