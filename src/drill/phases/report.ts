import { basename, dirname } from 'node:path'
import type { ListrTask } from 'listr2'
import { recordAssetSeries } from '../../report/recordAssetSeries.js'
import { writeReportFiles } from '../../report/writeReport.js'
import { type PartialDrillState, need } from '../state.js'

/** Observe the protocol's dUSD across the incident for the report's chart, then write the post-mortem from the journal. */
export function reportTasks(state: PartialDrillState): ListrTask[] {
  return [
    {
      title: 'read the dUSD held by the vault and the claim contract across the incident',
      task: async (_, task) => {
        const { token, vault } = need(state, 'protocol')
        const series = await recordAssetSeries(need(state, 'chain'), {
          journal: need(state, 'incident').journal,
          asset: token.address,
          symbol: 'dUSD',
          decimals: 18,
          holders: [
            { name: vault.name, address: vault.address },
            { name: 'claim', address: need(state, 'recovery').claimAddress },
          ],
        })
        task.title = `dUSD held by ${series.holders.map((holder) => holder.name).join(' and ')} read at ${series.points.length} blocks, ${series.fromBlock} to ${series.toBlock}, for the report's chart`
      },
    },
    {
      title: 'write the post-mortem from the journal',
      task: (_, task) => {
        const files = writeReportFiles(need(state, 'incident'))
        state.reportFile = files.markdown
        task.title = `post-mortem written to ${basename(files.markdown)} and ${basename(files.html)} in ${dirname(files.markdown)}`
      },
    },
  ]
}
