import { basename } from 'node:path'
import { formatTokenAmount } from '../format.js'
import type { LossesOutcome } from './runLosses.js'

/** The loss tables as the war room reads them: per asset, how it was measured, who was left out, where the files are. */
export function formatLosses(outcome: LossesOutcome): string {
  const lines: string[] = []
  for (const asset of outcome.assets) {
    const amount = (value: bigint) => `${formatTokenAmount(value, asset.asset)} (${value})`
    lines.push(`${asset.source.name ?? asset.source.contract}: ${asset.losses.length} accounts lost ${amount(asset.total)}`)
    lines.push(`  method: ${asset.method}`)
    for (const attacker of asset.attackers) lines.push(`  excluded ${attacker.address}: ${attacker.reason}`)
    for (const row of asset.protocol.losses) lines.push(`  protocol ${row.name} ${row.account} lost ${amount(row.loss)}`)
    lines.push(`  written: ${basename(asset.files.csv)}, ${basename(asset.files.json)}`)
  }
  for (const note of outcome.notes) lines.push(`note: ${note}`)
  return `${lines.join('\n')}\n`
}
