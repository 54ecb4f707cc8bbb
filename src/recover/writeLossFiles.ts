import { mkdirSync, renameSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { toJsonValue } from '../journal/hashChain.js'
import { slugify } from '../journal/incident.js'
import type { AssetLosses } from './measureLosses.js'

export const lossesFormat = 'firebreak-losses/1'

/**
 * The users' loss table as CSV, for a spreadsheet: `account,before,after,loss`, one row per
 * account, then a `total` row whose figures are the columns' sums. `firebreak reimburse` reads it
 * back and refuses it if a row was changed without the total.
 */
export function formatLossesCsv(losses: Pick<AssetLosses, 'losses'>): string {
  const lines = ['account,before,after,loss']
  let before = 0n
  let after = 0n
  let loss = 0n
  for (const row of losses.losses) {
    lines.push(`${row.account},${row.before},${row.after},${row.loss}`)
    before += row.before
    after += row.after
    loss += row.loss
  }
  lines.push(`total,${before},${after},${loss}`)
  return `${lines.join('\n')}\n`
}

/** Everything about one asset's losses, amounts as decimal strings: users, the protocol's own, who was excluded and why, the method. */
export function formatLossesJson(losses: AssetLosses): string {
  const document = {
    format: lossesFormat,
    chainId: losses.chainId,
    asset: losses.asset,
    source: losses.source,
    method: losses.method,
    beforeBlock: losses.beforeBlock,
    afterBlock: losses.afterBlock,
    losses: losses.losses,
    total: losses.total,
    excluded: losses.attackers,
    protocol: losses.protocol,
    snapshots: losses.snapshots,
  }
  return `${JSON.stringify(toJsonValue(document), null, 2)}\n`
}

/** `losses-vault`: what the files of one asset's losses are called in the incident folder. */
export function lossFileStem(losses: Pick<AssetLosses, 'source' | 'asset'>): string {
  return `losses-${slugify(losses.source.name ?? losses.asset.symbol ?? losses.source.contract)}`
}

/**
 * Writes `<stem>.csv` and `<stem>.json` through a temporary name each, so that a reader never
 * finds half a file. `path` maps a file name to its place in the incident folder.
 */
export function writeLossFiles(losses: AssetLosses, path: (name: string) => string): { csv: string; json: string } {
  const stem = lossFileStem(losses)
  const csv = path(`${stem}.csv`)
  const json = path(`${stem}.json`)
  writeAtomically(csv, formatLossesCsv(losses))
  writeAtomically(json, formatLossesJson(losses))
  return { csv, json }
}

function writeAtomically(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true })
  const temporary = `${file}.partial-${process.pid}`
  writeFileSync(temporary, text)
  renameSync(temporary, file)
}
