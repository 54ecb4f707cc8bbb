import type { Command } from 'commander'
import { EXIT, toJson } from '../output.js'
import { chainOption, dryRunOption, incidentOption, incidentsOption, databaseUrlOption, jsonOption, manifestOption, rpcUrlOption, signatureOption } from '../sharedOptions.js'

type CommonOptions = { manifest: string; chain?: string; incident?: string; incidents: string; databaseUrl?: string; json?: boolean }
type RunOptions = CommonOptions & { rpcUrl?: string; dryRun?: boolean; signature?: string[] }

export function registerRestore(program: Command) {
  const restore = program
    .command('restore')
    .description("reopen the protocol in the manifest's restore stages, each gated: earlier stages restored, fix verified, approvals signed, invariants holding on a fork")
  restore
    .command('run')
    .description('check every gate of a stage, then unpause it through whoever holds the lever: simulated first, verified after, journaled')
    .argument('<stage>', 'the name of a stage under restore.stages in the manifest')
    .addOption(manifestOption())
    .addOption(chainOption())
    .addOption(rpcUrlOption())
    .addOption(dryRunOption('check the gates and simulate on a fork; send nothing'))
    .addOption(signatureOption())
    .addOption(incidentOption('latest'))
    .addOption(incidentsOption())
    .addOption(databaseUrlOption())
    .addOption(jsonOption())
    .action(async (stage: string, options: RunOptions) => {
      const [{ loadManifest, chainView }, { runRestore }, { formatGates, formatRestoreOutcome }, format, { openCurrentIncident, incidentForView }] = await Promise.all([
        import('../../manifest/index.js'),
        import('../../recover/restore/runRestore.js'),
        import('../../recover/restore/formatRestore.js'),
        import('../../contain/formatContainment.js'),
        import('../../journal/index.js'),
      ])
      const manifest = chainView(loadManifest(options.manifest), options.chain)
      const incident = incidentForView(openCurrentIncident({ root: options.incidents, id: options.incident, databaseUrl: options.databaseUrl, title: `restore ${stage}` }), manifest)
      const print = (text: string) => void (options.json ? process.stderr : process.stdout).write(text)
      print(`incident ${incident.id} (${incident.dir})\n`)
      const outcome = await runRestore({
        manifest,
        incident,
        stage,
        chain: options.chain,
        rpcUrl: options.rpcUrl || undefined,
        dryRun: options.dryRun,
        signatureFiles: options.signature,
        onProgress: (event) => {
          if (event.stage === 'planned') print(format.formatPlan({ ...event, skipped: [], exposed: [] }))
          if (event.stage === 'gates') print(formatGates(stage, event.gates))
          if (event.stage === 'prepared') print(format.formatPrepared(event.awaitingSignatures))
          if (event.stage === 'step') print(format.formatStepOutcome(event.step, event.outcome))
        },
      })
      if (options.json) process.stdout.write(`${toJson(outcome)}\n`)
      else print(formatRestoreOutcome(outcome))
      process.exitCode = outcome.status === 'waiting' ? EXIT.waiting : EXIT.ok
    })
  restore
    .command('approve')
    .description("sign a stage's approval with an authority's key (EIP-191) and record it in the incident journal")
    .argument('<stage>', 'the name of a stage under restore.stages in the manifest')
    .requiredOption('--as <authority>', 'the eoa authority approving (its key comes from its keyEnv or keystore in the manifest)')
    .addOption(manifestOption())
    .addOption(chainOption())
    .addOption(incidentOption('latest'))
    .addOption(incidentsOption())
    .addOption(databaseUrlOption())
    .addOption(jsonOption('print the approval as JSON'))
    .action(async (stage: string, options: CommonOptions & { as: string }) => {
      const [{ loadManifest, chainView }, { approveRestore }, { openCurrentIncident, incidentForView }] = await Promise.all([
        import('../../manifest/index.js'),
        import('../../recover/restore/approveRestore.js'),
        import('../../journal/index.js'),
      ])
      const manifest = chainView(loadManifest(options.manifest), options.chain)
      const incident = incidentForView(openCurrentIncident({ root: options.incidents, id: options.incident, databaseUrl: options.databaseUrl, title: `restore ${stage}` }), manifest)
      const approval = await approveRestore({ manifest, incident, stage, as: options.as, chain: options.chain })
      if (options.json) {
        process.stdout.write(`${toJson({ incident: incident.id, ...approval })}\n`)
        return
      }
      process.stdout.write(`${approval.message}\n\nsigned by ${approval.authority} ${approval.address} (EIP-191)\nrecorded in incident ${incident.id} as restore.approved\n`)
    })
}
