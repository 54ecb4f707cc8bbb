import { type Command, Option } from 'commander'
import { type ParameterFlags, withFlags } from '../flags.js'
import { toJson } from '../output.js'
import { addressesOption, blockOption, chainOption, fromBlockOption, hashesOption, incidentOption, incidentsOption, databaseUrlOption, jsonOption, manifestOption, rpcUrlOption } from '../sharedOptions.js'

type LossesOptions = {
  before?: string[]
  after?: string[]
  contract?: string
  beforeBlock?: bigint
  afterBlock?: bigint
  fromBlock?: bigint
  valuation: 'auto' | 'balance' | 'erc4626'
  afterRate: 'pre-attack' | 'after'
  attacker?: `0x${string}`[]
  attackTx?: `0x${string}`[]
  protocol?: string[] | false
  manifest: string
  chain?: string
  rpcUrl?: string
  incident?: string
  incidents: string
  databaseUrl?: string
  json?: boolean
}

export function registerLosses(program: Command) {
  program
    .command('losses')
    .description("each account's loss per asset between a snapshot before the attack and one after containment, without the attacker's addresses; writes CSV and JSON into the incident folder")
    .option('--before <files...>', 'snapshot files at the block before the attack (firebreak snapshot <contract> --block <n>), one per contract')
    .option('--after <files...>', 'snapshot files of the same contracts after containment')
    .option('--contract <name>', 'take both snapshots of this manifest contract now, instead of passing files')
    .addOption(blockOption('with --contract: the block before the attack', '--before-block'))
    .addOption(blockOption('with --contract: a block after containment (default: the latest)', '--after-block'))
    .addOption(fromBlockOption("with --contract: where the contract's history starts (its deployment block; default 0)"))
    .addOption(new Option('--valuation <how>', 'balance: the snapshot is the asset itself; erc4626: vault shares valued with convertToAssets; auto: erc4626 when the contract is a vault').choices(['auto', 'balance', 'erc4626']).default('auto'))
    .addOption(new Option('--after-rate <block>', 'erc4626: value the after-position at the pre-attack rate, or at the after block\'s rate (counts a fall of the share price)').choices(['pre-attack', 'after']).default('pre-attack'))
    .addOption(addressesOption('--attacker <addresses...>', 'addresses the team attributes to the attacker (excluded)'))
    .addOption(hashesOption('--attack-tx <hashes...>', "the attack's transactions: their senders and the contracts they created are excluded"))
    .option('--protocol <names...>', "the protocol's own contracts, reported apart from users (default: every contract in the manifest)")
    .option('--no-protocol', 'report no protocol contracts apart')
    .addOption(manifestOption())
    .addOption(chainOption())
    .addOption(rpcUrlOption())
    .addOption(incidentOption())
    .addOption(incidentsOption())
    .addOption(databaseUrlOption())
    .addOption(jsonOption('print the loss tables as one JSON object'))
    .action(
      withFlags(FLAGS, async (options: LossesOptions) => {
        const [{ loadManifest, chainView }, { openCurrentIncident, incidentForView }, { lossesSource, runManifestLosses }, { formatLosses }] = await Promise.all([
          import('../../manifest/index.js'),
          import('../../journal/index.js'),
          import('../../recover/runManifestLosses.js'),
          import('../../recover/formatLosses.js'),
        ])
        const source = lossesSource(options)
        const manifest = chainView(loadManifest(options.manifest), options.chain)
        const incident = incidentForView(openCurrentIncident({ root: options.incidents, id: options.incident, databaseUrl: options.databaseUrl, title: 'losses' }), manifest)
        const print = (text: string) => void (options.json ? process.stderr : process.stdout).write(text)
        print(`incident ${incident.id} (${incident.dir})\n`)
        const outcome = await runManifestLosses({
          manifest,
          chain: options.chain,
          rpcUrl: options.rpcUrl || undefined,
          incident,
          source,
          valuation: options.valuation,
          afterRate: options.afterRate,
          attackers: options.attacker,
          attackTransactions: options.attackTx,
          protocol: options.protocol,
        })
        if (options.json) process.stdout.write(`${toJson(outcome)}\n`)
        else print(formatLosses(outcome))
      }),
    )
}

/** The library's parameters as this command's flags, for errors about a value. */
const FLAGS: ParameterFlags = { before: '--before', after: '--after', contract: '--contract', beforeBlock: '--before-block', afterBlock: '--after-block', fromBlock: '--from-block', protocol: '--protocol', attackers: '--attacker', attackTransactions: '--attack-tx' }
