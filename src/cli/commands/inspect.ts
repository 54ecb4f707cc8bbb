import { type Command, Option } from 'commander'
import { UsageError } from '../../errors.js'
import type { Manifest } from '../../manifest/types.js'
import { EXIT, toJson } from '../output.js'
import { jsonOption, manifestOption, rpcUrlOption } from '../sharedOptions.js'

type InspectOptions = { manifest: string; chain?: string[]; rpcUrl?: string; drill?: boolean; json?: boolean }

export function registerInspect(program: Command) {
  program
    .command('inspect')
    .description('list every emergency lever of the protocol, who can pull it, and how fast it can be contained; with several chains, how their deployments differ')
    .addOption(manifestOption())
    .addOption(new Option('--chain <name...>', "only these of the manifest's chains (default: every chain, at once)"))
    .addOption(rpcUrlOption())
    .option('--drill', 'inspect the drill\'s protocol on the embedded chain instead of a manifest')
    .addOption(jsonOption('print the inspection as one JSON object ({chains, drift} with several chains)'))
    .action(async (options: InspectOptions) => {
      const [{ inspectDrill }, { inspectManifest }, { loadManifest }, { chainsToActOn, manifestOnChain }, { formatInspection }] = await Promise.all([
        import('../../drill/inspectDrill.js'),
        import('../../inspect/inspectManifest.js'),
        import('../../manifest/index.js'),
        import('../../manifest/manifestOnChain.js'),
        import('../../inspect/formatInspection.js'),
      ])
      const manifest = options.drill ? undefined : loadManifest(options.manifest)
      const chains = manifest ? [...new Set(chainsToActOn(manifest, options.chain))] : []
      if (manifest && chains.length > 1) {
        if (options.rpcUrl) throw new UsageError("--rpc-url stands in for one chain's node: with a manifest of several chains, name that chain with --chain")
        await inspectEveryChain(manifest, chains, options.json === true)
        return
      }
      // One chain: the report as it has always been, so that scripts reading it keep working. Of a
      // manifest of several chains, that chain's view: another chain's Safe is no holder here.
      const onOneChain = manifest && manifest.chains.length > 1 ? manifestOnChain(manifest, chains[0]!) : manifest
      const inspection = onOneChain ? await inspectManifest({ manifest: onOneChain, chain: chains[0], rpcUrl: options.rpcUrl || undefined }) : await inspectDrill()
      process.stdout.write(options.json ? `${toJson(inspection)}\n` : formatInspection(inspection))
      // A report is produced even when some contract could not be read; scripts still learn it from the exit code.
      if (inspection.contracts.some((contract) => contract.error)) process.exitCode = EXIT.failed
    })
}

/** Every chain at once, then the drift between them; a chain that failed fails the run, named, once the others are reported. */
async function inspectEveryChain(manifest: Manifest, chains: string[], json: boolean) {
  const [{ inspectAcrossChains }, { formatInspectionsAcrossChains }] = await Promise.all([import('../../inspect/inspectAcrossChains.js'), import('../../inspect/formatInspection.js')])
  const across = await inspectAcrossChains({ manifest, chains })
  if (json) {
    // The error objects stay out: a reason is one line, and an error's fields may carry a node's URL.
    const chainsJson = across.chains.map((result) => (result.inspection ? { chain: result.chain, inspection: result.inspection, pauseWindows: result.pauseWindows } : { chain: result.chain, failed: true, reason: result.reason }))
    process.stdout.write(`${toJson({ chains: chainsJson, drift: across.drift })}\n`)
    for (const result of across.chains) if (!result.inspection) process.stderr.write(`firebreak: could not inspect ${result.chain}: ${result.reason}\n`)
  } else {
    process.stdout.write(formatInspectionsAcrossChains(across))
  }
  const unreadable = across.chains.some((result) => result.inspection?.contracts.some((contract) => contract.error))
  if (across.failed.length > 0 || unreadable) process.exitCode = EXIT.failed
}
