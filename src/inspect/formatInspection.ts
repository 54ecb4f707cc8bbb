import type { DeploymentDrift } from './deploymentDrift.js'
import type { InspectAcrossChainsReturnType } from './inspectAcrossChains.js'
import type { ContractInspection, Inspection, LeverAccess, LeverEffect, PauseEvidence } from './types.js'

/** The readiness report as a table a war room reads top to bottom: per contract, then findings. */
export function formatInspection(inspection: Inspection): string {
  const lines: string[] = []
  const contain = inspection.timeToContain
  lines.push(`Readiness of ${inspection.contracts.length} contract${inspection.contracts.length === 1 ? '' : 's'} on chain ${inspection.chainId} at block ${inspection.blockNumber}`)
  lines.push(contain ? `Time to contain everything: ${contain.description}` : 'Time to contain everything: unknown (no contract can be paused)')
  for (const contract of inspection.contracts) lines.push('', ...contractSection(contract))
  lines.push('', `Findings (${inspection.findings.length})`)
  if (inspection.findings.length === 0) lines.push('  none')
  for (const finding of inspection.findings) lines.push(`  ${finding.severity.toUpperCase().padEnd(8)} ${finding.contract.padEnd(14)} ${finding.message}`)
  return `${lines.join('\n')}\n`
}

/**
 * Every chain's readiness report under its chain's name (a chain that could not be inspected says
 * why), then how the deployments of each contract differ between chains, then which chains failed.
 */
export function formatInspectionsAcrossChains(across: InspectAcrossChainsReturnType): string {
  const sections = across.chains.map((result) => `=== ${result.chain} ===\n${result.inspection ? formatInspection(result.inspection) : `FAILED: ${result.reason}\n`}`)
  const inspected = across.chains.filter((result) => result.inspection).map((result) => result.chain)
  const lines = [formatDrift(across.drift, inspected).trimEnd()]
  if (across.failed.length > 0) {
    const reasons = across.chains.flatMap((result) => (result.inspection ? [] : [`${result.chain} (${result.reason})`]))
    lines.push('', `FAILED on ${reasons.join('; ')}${inspected.length > 0 ? `; inspected ${inspected.join(', ')}` : ''}`)
  }
  return `${sections.join('\n')}\n${lines.join('\n')}\n`
}

/** Drift between the deployments of the same contracts, worst first: `compared` are the chains inspected. */
export function formatDrift(drift: readonly DeploymentDrift[], compared: readonly string[]): string {
  if (compared.length < 2) return `Drift between deployments\n  not compared: ${compared.length === 0 ? 'no chain' : `only ${compared[0]}`} could be inspected\n`
  const lines = [`Drift between deployments (${drift.length}), compared on ${compared.join(', ')}`]
  if (drift.length === 0) lines.push('  none')
  for (const item of drift) lines.push(`  ${item.severity.toUpperCase().padEnd(8)} ${item.message}`)
  return `${lines.join('\n')}\n`
}

function contractSection(contract: ContractInspection): string[] {
  const proxy = contract.proxy.kind === 'none' ? '' : `  ${contract.proxy.kind} proxy → ${contract.proxy.implementation}`
  const header = `${contract.name}  ${contract.address}${proxy}`
  if (contract.error) return [header, `  cannot inspect: ${contract.error}`]
  if (contract.levers.length === 0) return [header, '  no emergency lever found']
  const rows = contract.levers.map((access) => [access.lever.signature, access.lever.kind, holdersText(access)])
  const widths = [0, 1].map((column) => Math.max(...rows.map((row) => (row[column] ?? '').length)))
  return [
    header,
    ...contract.levers.flatMap((access, index) => {
      const [signature = '', kind = '', holders = ''] = rows[index]!
      const effect = access.effect ? [`  ${''.padEnd(widths[0] ?? 0)}  ${''.padEnd(widths[1] ?? 0)}  ↳ ${effectText(access.effect)}`] : []
      return [`  ${signature.padEnd(widths[0] ?? 0)}  ${kind.padEnd(widths[1] ?? 0)}  ${holders}`, ...effect]
    }),
  ]
}

/** What pulling a pause lever did in the simulation: the fact a contain run will check on chain. */
function effectText(effect: LeverEffect): string {
  const shown = (args: readonly unknown[]) => (args.length > 0 ? ` (pulled with ${args.map((arg) => (typeof arg === 'string' ? JSON.stringify(arg) : String(arg))).join(', ')})` : '')
  const evidence = (items: readonly PauseEvidence[]) => items.map((item) => (item.kind === 'getter' ? `${item.getter.contract}.${item.getter.signature} turns true` : `${item.operation.description} reverts`)).join('; ')
  switch (effect.status) {
    case 'pauses':
      return `pauses: ${evidence(effect.evidence)}${shown(effect.args)}`
    case 'already-paused':
      return `already paused: ${effect.evidence.map((item) => (item.kind === 'getter' ? `${item.getter.contract}.${item.getter.signature} reads true` : item.operation.description)).join('; ')}`
    case 'no-effect':
      return `DOES NOT PAUSE: ${effect.detail}${shown(effect.args)}`
    case 'reverted':
      return `CANNOT BE PULLED: ${effect.detail}${shown(effect.args)}`
    case 'untested':
      return `not pulled: ${effect.detail}`
  }
}

function holdersText(access: LeverAccess): string {
  const { confirmation } = access.lever
  if (confirmation.status === 'unguarded') return 'ANYONE (unguarded)'
  if (confirmation.status === 'unconfirmed') return `unconfirmed: ${confirmation.detail}`
  if (confirmation.status === 'self-service') return 'each holder, for its own role'
  const fastest = [...access.paths].sort((a, b) => a.timeToExecute.seconds - b.timeToExecute.seconds)[0]
  if (!fastest) return 'held, but no authority path found'
  const others = access.paths.length > 1 ? ` (+${access.paths.length - 1} more path${access.paths.length > 2 ? 's' : ''})` : ''
  // The description names every authority on the path, from first signer to holder.
  return `${fastest.timeToExecute.description}${others}`
}
