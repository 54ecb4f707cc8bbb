import type { ContractInspection, Finding, LeverAccess, Severity } from './types.js'

export type PauseWindows = ReadonlyMap<string /* contract name */, { endsAt: bigint }>

const severityOrder: Record<Severity, number> = { critical: 0, high: 1, medium: 2, low: 3, info: 4 }

/**
 * The readiness findings, worst first. Each is a way real incidents went slower than they had to:
 * no pause at all, a pause behind a multi-day timelock, a pause right that had quietly expired,
 * one key that could both stop and rewrite a contract, a restart as easy as a stop.
 */
/** `now` is the chain's time (the latest block's timestamp): a fork or a test chain keeps its own clock. */
export function computeFindings(contracts: readonly ContractInspection[], pauseWindows: PauseWindows, now: bigint): Finding[] {
  const covered = pausedThroughOthers(contracts)
  const findings = contracts.flatMap((contract) => findingsFor(contract, pauseWindows.get(contract.name), now, covered.get(contract.name)))
  return findings.sort((a, b) => severityOrder[a.severity] - severityOrder[b.severity] || a.contract.localeCompare(b.contract))
}

/**
 * Contracts whose ordinary calls another contract's pause stops (Aave's Pool, paused through the
 * PoolConfigurator), with the lever that does it: having no pause of their own is not a gap.
 */
function pausedThroughOthers(contracts: readonly ContractInspection[]): Map<string, string> {
  const covered = new Map<string, string>()
  for (const contract of contracts) {
    for (const access of contract.levers) {
      if (access.effect?.status !== 'pauses' || access.fastest === undefined) continue
      for (const evidence of access.effect.evidence) {
        if (evidence.kind === 'operation' && evidence.operation.contract !== contract.name) covered.set(evidence.operation.contract, `${contract.name}.${access.lever.signature}`)
      }
    }
  }
  return covered
}

function findingsFor(contract: ContractInspection, pauseWindow: { endsAt: bigint } | undefined, now: bigint, pausedThrough: string | undefined): Finding[] {
  const finding = (severity: Severity, code: Finding['code'], message: string): Finding => ({ severity, code, contract: contract.name, message })
  if (contract.error) return [finding('high', 'contract-unreadable', `${contract.name} could not be inspected: ${contract.error}`)]

  const findings: Finding[] = []
  const pauses = usable(contract.levers, 'pause')
  const unpauses = usable(contract.levers, 'unpause')

  for (const access of contract.levers) {
    const { lever, effect } = access
    if (lever.confirmation.status === 'unguarded' && lever.kind === 'pause' && effect?.status !== 'pauses') {
      // A "pause" anyone may call that pauses nothing is no lever at all, and no danger either.
      findings.push(finding('medium', 'pause-lever-ineffective', `${lever.signature} on ${contract.name} succeeds for anyone but was not seen to pause anything${effect && 'detail' in effect ? `: ${effect.detail}` : ''}`))
    } else if (lever.confirmation.status === 'unguarded') {
      findings.push(finding('critical', 'lever-unguarded', `anyone can call ${lever.signature} on ${contract.name}${effect?.status === 'pauses' ? ' and pause it' : ''}`))
    } else if (lever.kind === 'pause' && (effect?.status === 'reverted' || effect?.status === 'no-effect')) {
      findings.push(finding('high', 'pause-lever-ineffective', `${lever.signature} on ${contract.name} does not pause it: ${effect.detail}`))
    } else if (lever.confirmation.status === 'unconfirmed') {
      findings.push(finding('medium', 'lever-simulation-failed', `${lever.signature} on ${contract.name} could not be confirmed by simulation: ${lever.confirmation.detail}`))
    }
  }

  if (pauses.length === 0 && !pausedThrough) {
    findings.push(finding('high', 'no-pause-lever', `${contract.name} has no pause lever that any known authority can pull`))
  } else {
    const fastest = fastestOf(pauses)
    if (fastest && fastest.paths.every((path) => path.nodes.some((node) => node.kind === 'timelock'))) {
      findings.push(finding('high', 'pause-behind-timelock', `pausing ${contract.name} takes at least ${fastest.fastest?.description}: every path goes through a timelock`))
    }
  }

  if (pauseWindow && pauseWindow.endsAt <= now) {
    findings.push(finding('critical', 'pause-window-expired', `${contract.name}'s pause window ended at ${new Date(Number(pauseWindow.endsAt) * 1000).toISOString()}: it can no longer be paused`))
  }

  for (const holder of singleKeyHolders(contract.levers)) {
    findings.push(finding('high', 'single-key-pause-and-upgrade', `one key, ${holder}, can both pause and upgrade ${contract.name}: if it leaks, the attacker can too`))
  }

  const fastestPause = fastestOf(pauses)?.fastest
  const fastestUnpause = fastestOf(unpauses)?.fastest
  if (fastestPause && fastestUnpause && fastestUnpause.seconds <= fastestPause.seconds) {
    findings.push(finding('medium', 'unpause-as-easy-as-pause', `unpausing ${contract.name} (${fastestUnpause.description}) is as fast as pausing it: a compromised guardian could restart it`))
  }
  return findings
}

/**
 * Levers of `kind` that some authority can pull (guarded or not); a pause only once pulling it was
 * seen to pause (or its contract is paused already): a name alone proves nothing.
 */
function usable(levers: readonly LeverAccess[], kind: 'pause' | 'unpause'): LeverAccess[] {
  return levers.filter(
    (access) =>
      access.lever.kind === kind &&
      (access.lever.confirmation.status === 'unguarded' || access.fastest !== undefined) &&
      (kind !== 'pause' || access.effect?.status === 'pauses' || access.effect?.status === 'already-paused'),
  )
}

export function fastestOf(levers: readonly LeverAccess[]): LeverAccess | undefined {
  return levers.filter((access) => access.fastest).sort((a, b) => (a.fastest?.seconds ?? 0) - (b.fastest?.seconds ?? 0))[0]
}

/** EOAs that directly hold both a pause lever and an upgrade lever. */
function singleKeyHolders(levers: readonly LeverAccess[]): string[] {
  const directEoas = (kind: 'pause' | 'upgrade') =>
    new Set(
      levers
        .filter((access) => access.lever.kind === kind)
        .flatMap((access) => access.paths)
        .filter((path) => path.nodes.length === 1 && path.nodes[0]?.kind === 'eoa')
        .map((path) => path.nodes[0]?.address as string),
    )
  const pausers = directEoas('pause')
  return [...directEoas('upgrade')].filter((address) => pausers.has(address))
}
