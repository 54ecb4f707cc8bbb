import type { Command } from 'commander'
import { withFlags } from '../flags.js'
import { toJson } from '../output.js'
import { blockOption, chainOption, fromBlockOption, incidentOption, incidentsOption, databaseUrlOption, jsonOption, manifestOption, rpcUrlOption } from '../sharedOptions.js'

type SnapshotOptions = { manifest: string; chain?: string; rpcUrl?: string; block?: bigint; fromBlock?: bigint; event?: string; incident?: string; incidents: string; databaseUrl?: string; json?: boolean }

export function registerSnapshot(program: Command) {
  program
    .command('snapshot')
    .description("record every holder's balance of a contract at a block, from its event logs, into the incident folder (streamed, with a content hash)")
    .argument('<contract>', 'a contract named in the manifest (anything with balanceOf(address))')
    .addOption(blockOption())
    .addOption(fromBlockOption())
    .option('--event <signature>', 'the event whose address fields name holders (default: ERC-20 Transfer), e.g. "event Deposit(address indexed sender, address indexed owner, uint256 assets, uint256 shares)"')
    .addOption(manifestOption())
    .addOption(chainOption())
    .addOption(rpcUrlOption())
    .addOption(incidentOption())
    .addOption(incidentsOption())
    .addOption(databaseUrlOption())
    .addOption(jsonOption('print the result as one JSON object'))
    .action(withFlags({ blockNumber: '--block', fromBlock: '--from-block', event: '--event' }, async (contract: string, options: SnapshotOptions) => {
      const [{ loadManifest, chainView }, { snapshotContract }, { openCurrentIncident, incidentForView }] = await Promise.all([
        import('../../manifest/index.js'),
        import('../../snapshot/snapshotContract.js'),
        import('../../journal/index.js'),
      ])
      const manifest = chainView(loadManifest(options.manifest), options.chain)
      const incident = incidentForView(openCurrentIncident({ root: options.incidents, id: options.incident, databaseUrl: options.databaseUrl, title: `snapshot ${contract}` }), manifest)
      const result = await snapshotContract({ manifest, contract, blockNumber: options.block, fromBlock: options.fromBlock, event: options.event, chain: options.chain, rpcUrl: options.rpcUrl || undefined, incident })
      if (options.json) process.stdout.write(`${toJson({ incident: incident.id, file: result.file, header: result.header, footer: result.footer })}\n`)
      else process.stdout.write(`snapshot of ${contract} at block ${result.header.blockNumber}: ${result.footer.accounts} accounts, total ${result.footer.total}, sha256 ${result.footer.sha256}\n  ${result.file}\n`)
    }))
}
