import type { RestoreGateResult } from './restoreGates.js'
import type { RestoreOutcome } from './runRestore.js'

/** Every gate on its own line, passed or not: the war room sees all that stands in the way at once. */
export function formatGates(stage: string, gates: readonly RestoreGateResult[]): string {
  const passed = gates.every((gate) => gate.passed)
  return `${[`gates of stage ${stage}: ${passed ? 'all passed' : 'REFUSED'}`, ...gates.map((gate) => `  ${gate.passed ? '✔' : '✘'} ${gate.gate}: ${gate.detail}`)].join('\n')}\n`
}

export function formatRestoreOutcome(outcome: RestoreOutcome): string {
  switch (outcome.status) {
    case 'already-restored':
      return `stage ${outcome.stage} is already restored (incident ${outcome.incident}): nothing to do\n`
    case 'dry-run':
      return `dry run: every gate of stage ${outcome.stage} passes; nothing was sent (incident ${outcome.incident}); run without --dry-run to reopen it\n`
    case 'waiting': {
      const when = new Date(Number(outcome.waiting!.readyAt) * 1000).toISOString().replace('.000Z', 'Z')
      return `WAITING: step ${outcome.waiting!.step} waits for its timelock until ${when}; run the same command again then (incident ${outcome.incident})\n`
    }
    case 'restored':
      return `restored stage ${outcome.stage}: ${outcome.steps.length} step${outcome.steps.length === 1 ? '' : 's'} done and verified on chain, invariants included (incident ${outcome.incident})\n`
  }
}
