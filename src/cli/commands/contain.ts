import type { Command } from 'commander'
import { EXIT, toJson } from '../output.js'
import { chainOption, dryRunOption, incidentOption, incidentsOption, jsonOption, manifestOption, rpcUrlOption, signatureOption } from '../sharedOptions.js'

type ContainOptions = {
  manifest: string
  chain?: string
  rpcUrl?: string
  dryRun?: boolean
  json?: boolean
  incident?: string
  incidents: string
  signature?: string[]
}

/** Success only for a containment the chain confirms; a dry run fails too when its plan would leave a target exposed. */
function containExitCode(outcome: { status: string; exposed: readonly unknown[] }): number {
  if (outcome.status === 'exposed' || outcome.exposed.length > 0) return EXIT.failed
  if (outcome.status === 'signatures') return EXIT.signatures
  if (outcome.status === 'waiting') return EXIT.waiting
  return EXIT.ok
}

export function registerContain(program: Command) {
  program
    .command('contain')
    .description('pull the emergency levers of a playbook (pause-all, or one from the manifest) through whoever holds them: simulated first, verified after, journaled')
    .argument('<playbook>', 'pause-all, or the name of a playbook in the manifest')
    .addOption(manifestOption())
    .addOption(chainOption())
    .addOption(rpcUrlOption())
    .addOption(dryRunOption('build, show and simulate the plan on a fork; send nothing'))
    .addOption(signatureOption())
    .addOption(incidentOption())
    .addOption(incidentsOption())
    .addOption(jsonOption())
    .action(async (playbook: string, options: ContainOptions) => {
      const [{ loadManifest }, { runContainment }, format, { openCurrentIncident }] = await Promise.all([
        import('../../manifest/index.js'),
        import('../../contain/runContainment.js'),
        import('../../contain/formatContainment.js'),
        import('../../journal/index.js'),
      ])
      const manifest = loadManifest(options.manifest)
      const incident = openCurrentIncident({ root: options.incidents, id: options.incident, title: `contain ${playbook}` })
      const print = (text: string) => void (options.json ? process.stderr : process.stdout).write(text)
      print(`incident ${incident.id} (${incident.dir})\n`)
      const outcome = await runContainment({
        manifest,
        playbook,
        chain: options.chain,
        rpcUrl: options.rpcUrl || undefined,
        incident,
        dryRun: options.dryRun,
        signatureFiles: options.signature,
        onProgress: (event) => {
          if (event.stage === 'planned') print(format.formatPlan(event))
          if (event.stage === 'simulated') print(format.formatSimulation(event.simulation))
          if (event.stage === 'prepared') print(format.formatPrepared(event.awaitingSignatures))
          if (event.stage === 'step') print(format.formatStepOutcome(event.step, event.outcome))
        },
      })
      if (options.json) process.stdout.write(`${toJson(outcome)}\n`)
      else print(format.formatOutcome(outcome))
      process.exitCode = containExitCode(outcome)
    })
}
