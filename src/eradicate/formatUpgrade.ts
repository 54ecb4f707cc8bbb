import type { StorageGateResult } from './checkStorageLayout.js'
import type { ReplayGateResult } from './replayAttack.js'
import { formatReadyAt } from '../engine/formatPlan.js'
import type { UpgradeOutcome } from './runUpgrade.js'

export function formatStorageGate(result: StorageGateResult): string {
  if (!result.compatible) return `storage gate REFUSED ${result.from} → ${result.to}:\n${result.conflicts.map((conflict) => `  ${conflict.message}\n`).join('')}`
  const appended = result.appended.length > 0 ? `; appended ${result.appended.join(', ')}` : ''
  return `storage gate passed: every ${result.from} variable keeps its slot, offset and type in ${result.to}${appended}\n`
}

export function formatReplayGate(result: ReplayGateResult): string {
  const lines = [
    `replay gate ${result.passed ? 'passed' : 'REFUSED'} (fork of block ${result.forkBlock}): ${result.verdict}`,
    `  unpatched: ${describeRun(result.unpatched)}`,
    `  patched:   ${describeRun(result.patched)}`,
    ...result.normalOperations.map((operation) => `  ${operation.ok ? '✔' : '✘'} ${operation.description}${operation.ok ? '' : `: ${operation.revert}`}`),
  ]
  return `${lines.join('\n')}\n`
}

function describeRun(run: ReplayGateResult['patched']): string {
  const how = run.reverted ? `reverts (${run.revert})` : 'goes through'
  return `${how}; victims lose ${run.victimLoss}, attackers gain ${run.attackerGain}`
}

export function formatUpgradeOutcome(outcome: UpgradeOutcome): string {
  switch (outcome.status) {
    case 'dry-run':
      return `dry run: both gates passed and the upgrade simulates cleanly; nothing was sent (incident ${outcome.incident})\n`
    case 'waiting':
      return `WAITING: step ${outcome.waiting!.step} waits for its timelock until ${formatReadyAt(outcome.waiting!.readyAt)}; run the same command again then (incident ${outcome.incident})\n`
    case 'upgraded':
      return `upgraded: the proxy runs ${outcome.plan.title.split(' to ').at(-1)} at ${outcome.implementation}, verified on chain (incident ${outcome.incident})\n`
  }
}
