import { type Command, Option } from 'commander'
import { EXIT, toJson } from '../output.js'
import { UsageError } from '../../errors.js'
import { dryRunOption, incidentOption, incidentsOption, databaseUrlOption, jsonOption, manifestOption, rpcUrlOption, signatureOption } from '../sharedOptions.js'

type ContainOptions = {
  manifest: string
  chain?: string[]
  rpcUrl?: string
  dryRun?: boolean
  json?: boolean
  incident?: string
  incidents: string
  databaseUrl?: string
  signature?: string[]
}

/** Success only for a containment the chain confirms; a dry run fails too when its plan would leave a target exposed. */
function containExitCode(outcome: { status: string; exposed: readonly unknown[] }): number {
  if (outcome.status === 'exposed' || outcome.exposed.length > 0) return EXIT.failed
  if (outcome.status === 'signatures') return EXIT.signatures
  if (outcome.status === 'waiting') return EXIT.waiting
  return EXIT.ok
}

/** Success only when every chain is contained; a chain that failed or stays exposed fails the run, whatever the others did. */
function acrossChainsExitCode(across: { exposed: string[]; failed: string[]; signatures: string[]; waiting: string[] }): number {
  if (across.failed.length > 0 || across.exposed.length > 0) return EXIT.failed
  if (across.signatures.length > 0) return EXIT.signatures
  if (across.waiting.length > 0) return EXIT.waiting
  return EXIT.ok
}

/** `--rpc-url` stands in for one chain's node: with several chains, name the one it is for with --chain. */
function rpcUrlFor(chains: string[] | undefined, rpcUrl: string): Record<string, string> {
  if (chains?.length !== 1) throw new UsageError('--rpc-url stands in for one chain\'s node: with a manifest of several chains, name that chain with --chain')
  return { [chains[0]!]: rpcUrl }
}

export function registerContain(program: Command) {
  program
    .command('contain')
    .description('pull the emergency levers of a playbook (pause-all, or one from the manifest) through whoever holds them: simulated first, verified after, journaled')
    .argument('<playbook>', 'pause-all, or the name of a playbook in the manifest')
    .addOption(manifestOption())
    .addOption(new Option('--chain <name...>', "only these of the manifest's chains (default: every chain, at once)"))
    .addOption(rpcUrlOption())
    .addOption(dryRunOption('build, show and simulate the plan on a fork; send nothing'))
    .addOption(signatureOption())
    .addOption(incidentOption())
    .addOption(incidentsOption())
    .addOption(databaseUrlOption())
    .addOption(jsonOption())
    .action(async (playbook: string, options: ContainOptions) => {
      const [{ loadManifest }, { runContainment }, format, { openCurrentIncident }] = await Promise.all([
        import('../../manifest/index.js'),
        import('../../contain/runContainment.js'),
        import('../../contain/formatContainment.js'),
        import('../../journal/index.js'),
      ])
      const manifest = loadManifest(options.manifest)
      const incident = openCurrentIncident({ root: options.incidents, id: options.incident, databaseUrl: options.databaseUrl, title: `contain ${playbook}` })
      const print = (text: string) => void (options.json ? process.stderr : process.stdout).write(text)
      print(`incident ${incident.id} (${incident.dir})\n`)
      const onProgress = (prefix: string) => (event: Parameters<NonNullable<Parameters<typeof runContainment>[0]['onProgress']>>[0]) => {
        const say = (text: string) => print(prefix ? text.replace(/^(?=.)/gm, prefix) : text)
        if (event.stage === 'planned') say(format.formatPlan(event))
        if (event.stage === 'simulated') say(format.formatSimulation(event.simulation))
        if (event.stage === 'prepared') say(format.formatPrepared(event.awaitingSignatures))
        if (event.stage === 'step') say(format.formatStepOutcome(event.step, event.outcome))
      }
      const common = { manifest, playbook, incident, dryRun: options.dryRun, signatureFiles: options.signature }
      if (manifest.chains.length > 1) {
        const { containAcrossChains } = await import('../../contain/containAcrossChains.js')
        const across = await containAcrossChains({ ...common, ...(options.chain ? { chains: options.chain } : {}), ...(options.rpcUrl ? { rpcUrls: rpcUrlFor(options.chain, options.rpcUrl) } : {}), onProgress: (chain, event) => onProgress(`[${chain}] `)(event) })
        // A failed chain is its reason only: the error's fields may carry its node's URL, and with it an API key.
        if (options.json) process.stdout.write(`${toJson({ ...across, chains: across.chains.map((result) => (result.outcome ? result : { chain: result.chain, failed: true, reason: result.reason })) })}\n`)
        else print(format.formatAcrossChains(across))
        process.exitCode = acrossChainsExitCode(across)
        return
      }
      const outcome = await runContainment({ ...common, chain: options.chain?.[0], rpcUrl: options.rpcUrl || undefined, onProgress: onProgress('') })
      if (options.json) process.stdout.write(`${toJson(outcome)}\n`)
      else print(format.formatOutcome(outcome))
      process.exitCode = containExitCode(outcome)
    })
}
