import type { Command } from 'commander'
import { EXIT, toJson } from '../output.js'
import { chainOption, jsonOption, manifestOption, rpcUrlOption } from '../sharedOptions.js'

type InspectOptions = { manifest: string; chain?: string; rpcUrl?: string; drill?: boolean; json?: boolean }

export function registerInspect(program: Command) {
  program
    .command('inspect')
    .description('list every emergency lever of the protocol, who can pull it, and how fast it can be contained')
    .addOption(manifestOption())
    .addOption(chainOption())
    .addOption(rpcUrlOption())
    .option('--drill', 'inspect the drill\'s protocol on the embedded chain instead of a manifest')
    .addOption(jsonOption('print the inspection as one JSON object'))
    .action(async (options: InspectOptions) => {
      const [{ inspectDrill }, { inspectManifest }, { loadManifest }, { formatInspection }] = await Promise.all([
        import('../../drill/inspectDrill.js'),
        import('../../inspect/inspectManifest.js'),
        import('../../manifest/index.js'),
        import('../../inspect/formatInspection.js'),
      ])
      const inspection = options.drill
        ? await inspectDrill()
        : await inspectManifest({ manifest: loadManifest(options.manifest), chain: options.chain, rpcUrl: options.rpcUrl || undefined })
      process.stdout.write(options.json ? `${toJson(inspection)}\n` : formatInspection(inspection))
      // A report is produced even when some contract could not be read; scripts still learn it from the exit code.
      if (inspection.contracts.some((contract) => contract.error)) process.exitCode = EXIT.failed
    })
}
