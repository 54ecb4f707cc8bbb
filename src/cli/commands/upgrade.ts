import { type Command, Option } from 'commander'
import { type ParameterFlags, withFlags } from '../flags.js'
import { EXIT, toJson } from '../output.js'
import { parseBlock } from '../parse.js'
import { cacheOption, chainOption, hashesOption, dryRunOption, incidentOption, incidentsOption, databaseUrlOption, jsonOption, manifestOption, rpcUrlOption, signatureOption } from '../sharedOptions.js'

type UpgradeOptions = {
  from: string
  to: string
  sources: string
  cache: string
  kind?: 'uups' | 'transparent' | 'beacon'
  init?: string
  initArg?: string[]
  attack?: string[]
  attackCall?: string[]
  attackBlock?: bigint
  asset: string
  victim?: string[]
  manifest: string
  chain?: string
  rpcUrl?: string
  dryRun?: boolean
  signature?: string[]
  incident?: string
  incidents: string
  databaseUrl?: string
  json?: boolean
}

export function registerUpgrade(program: Command) {
  program
    .command('upgrade')
    .description('ship a fix: a proxy upgrade proposed only after the storage gate and the attack replay gate pass; simulated, verified, journaled')
    .argument('<contract>', 'the proxy, by its name in the manifest')
    .requiredOption('--from <contract>', 'the implementation the proxy runs now: a contract in --sources, or an artifact file (.json, with its storageLayout)')
    .requiredOption('--to <contract>', 'the patched implementation: a contract in --sources, or an artifact file (.json)')
    .option('--sources <dir>', "folder of the protocol's Solidity sources", 'contracts')
    .addOption(cacheOption())
    .addOption(new Option('--kind <kind>', 'the kind of proxy expected; another kind is refused').choices(['uups', 'transparent', 'beacon']))
    .option('--init <function>', 'a function of the patched contract run during the upgrade (e.g. initializeV2), or raw calldata')
    .option('--init-arg <value...>', "the --init function's arguments")
    .addOption(hashesOption('--attack <hash...>', 'the attack transaction hash(es)'))
    .option('--attack-call <from,to,data[,value]...>', 'the attack as calls, when no hash is at hand (with --attack-block)')
    .option('--attack-block <number>', 'the block the attack calls were mined in', parseBlock)
    .requiredOption('--asset <address|contract>', 'the asset the attack drained')
    .option('--victim <address...>', "whose holdings the attack drained (default: the proxy's own)")
    .addOption(manifestOption())
    .addOption(chainOption())
    .addOption(rpcUrlOption())
    .addOption(dryRunOption('run both gates and simulate the upgrade on a fork; send nothing'))
    .addOption(signatureOption())
    .addOption(incidentOption())
    .addOption(incidentsOption())
    .addOption(databaseUrlOption())
    .addOption(jsonOption())
    .action(
      withFlags(FLAGS, async (contract: string, options: UpgradeOptions) => {
        const [{ loadManifest, chainView }, { runUpgrade }, { loadImplementations }, inputs, format, { formatPlan, formatPrepared, formatSimulation, formatStepOutcome }, { openCurrentIncident, incidentForView }] = await Promise.all([
          import('../../manifest/index.js'),
          import('../../eradicate/runUpgrade.js'),
          import('../../eradicate/loadImplementations.js'),
          import('../../eradicate/upgradeInputs.js'),
          import('../../eradicate/formatUpgrade.js'),
          import('../../engine/formatPlan.js'),
          import('../../journal/index.js'),
        ])
        const attack = inputs.attackInput({ hashes: options.attack, calls: options.attackCall, block: options.attackBlock })
        const manifest = chainView(loadManifest(options.manifest), options.chain)
        const asset = inputs.addressOrContract(manifest, 'asset', options.asset)
        const victims = options.victim?.map((victim) => inputs.addressOrContract(manifest, 'victims', victim))
        const print = (text: string) => void (options.json ? process.stderr : process.stdout).write(text)
        const { current, patched, warnings } = await loadImplementations({ sourcesDir: options.sources, current: options.from, patched: options.to, cacheDir: options.cache })
        for (const warning of warnings) process.stderr.write(`warning: ${warning}\n`)
        const initData = inputs.initCalldata(patched, options.init, options.initArg)
        const incident = incidentForView(openCurrentIncident({ root: options.incidents, id: options.incident, databaseUrl: options.databaseUrl, title: `upgrade ${contract}` }), manifest)
        print(`incident ${incident.id} (${incident.dir})\n`)
        const outcome = await runUpgrade({
          manifest,
          contract,
          current,
          patched,
          kind: options.kind,
          initData,
          attack,
          asset,
          victims,
          chain: options.chain,
          rpcUrl: options.rpcUrl || undefined,
          incident,
          dryRun: options.dryRun,
          signatureFiles: options.signature,
          onProgress: (event) => {
            if (event.stage === 'storage-gate') print(format.formatStorageGate(event.result))
            if (event.stage === 'replay-gate') print(format.formatReplayGate(event.result))
            if (event.stage === 'planned') print(formatPlan(event.plan, [`the upgrade is held by ${event.holder.holder}: ${event.holder.route.time.description}`]))
            if (event.stage === 'simulated') print(formatSimulation(event.simulation))
            if (event.stage === 'prepared') print(formatPrepared(event.awaitingSignatures))
            if (event.stage === 'step') print(formatStepOutcome(event.step, event.outcome))
          },
        })
        if (options.json) process.stdout.write(`${toJson({ ...outcome, plan: { id: outcome.plan.id, title: outcome.plan.title } })}\n`)
        else print(format.formatUpgradeOutcome(outcome))
        process.exitCode = outcome.status === 'waiting' ? EXIT.waiting : EXIT.ok
      }),
    )
}

/** The library's parameters as this command's flags, for errors about a value. */
const FLAGS: ParameterFlags = { hashes: '--attack', calls: '--attack-call', block: '--attack-block', init: '--init', initArgs: '--init-arg', asset: '--asset', victims: '--victim', kind: '--kind', signatureFiles: '--signature' }
