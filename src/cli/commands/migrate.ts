import { type Command, Option } from 'commander'
import type { Address } from 'viem'
import { toJson } from '../output.js'
import { type ParameterFlags, withFlags } from '../flags.js'
import { parseCount } from '../parse.js'
import { addressOption, addressesOption, batchSizeOption, chainOption, dryRunOption, incidentOption, incidentsOption, databaseUrlOption, jsonOption, manifestOption, rpcUrlOption } from '../sharedOptions.js'

type MigrateOptions = {
  snapshot?: string
  authority: string
  assetAuthority?: string
  asset?: Address[]
  assetTo?: Address
  rescue?: string
  upgradeTo?: Address
  batchSize: number
  mode: 'mint' | 'claim'
  name?: string
  symbol?: string
  claimDays?: number
  manifest: string
  chain?: string
  rpcUrl?: string
  dryRun?: boolean
  json?: boolean
  incident?: string
  incidents: string
  databaseUrl?: string
}

export function registerMigrate(program: Command) {
  program
    .command('migrate')
    .description("carry a contract that cannot be fixed over to a new one: snapshot, deploy, mint in resumable batches, move its assets out, prove nothing was created or lost")
    .argument('<contract>', 'the old contract, by its name in the manifest')
    .requiredOption('--authority <name>', "the manifest's eoa authority that deploys the new contract and mints (its key from the environment or its keystore)")
    .option('--snapshot <file>', 'a snapshot of the old contract (firebreak snapshot); default: the one this incident is migrating already, or one taken now')
    .addOption(addressesOption('--asset <address>', 'an ERC-20 the old contract holds: all of it moves out (repeat the flag for several)'))
    .addOption(addressOption('--asset-to <address>', 'where the assets go: the new vault, a treasury Safe'))
    .option('--rescue <signature>', 'the old contract\'s lever that lets assets out, e.g. "rescue(address token, address to, uint256 amount)"')
    .addOption(addressOption('--upgrade-to <address>', 'upgrade the old contract (a proxy) to this deployed migration implementation first; --rescue names its lever'))
    .option('--asset-authority <name>', "the manifest's eoa authority holding the lever or upgrade right (default: --authority)")
    .addOption(batchSizeOption('accounts per mint transaction', 'accounts').default(200))
    .addOption(new Option('--mode <mode>', 'mint every balance, or mint the total to a Merkle claim contract (for very large state)').choices(['mint', 'claim']).default('mint'))
    .option('--name <name>', "the new token's name (default: the old one's)")
    .option('--symbol <symbol>', "the new token's symbol (default: the old one's)")
    .option('--claim-days <days>', 'claim mode: days from the snapshot block during which holders can claim', parseCount)
    .addOption(manifestOption())
    .addOption(chainOption())
    .addOption(rpcUrlOption())
    .addOption(dryRunOption('build, show and simulate the migration on a fork; send nothing'))
    .addOption(incidentOption())
    .addOption(incidentsOption())
    .addOption(databaseUrlOption())
    .addOption(jsonOption())
    .action(
      withFlags(FLAGS, async (contract: string, options: MigrateOptions) => {
        const [{ loadManifest, chainView }, migrate, { openCurrentIncident, incidentForView }] = await Promise.all([
          import('../../manifest/index.js'),
          import('../../eradicate/migrate/index.js'),
          import('../../journal/index.js'),
        ])
        const manifest = chainView(loadManifest(options.manifest), options.chain)
        const incident = incidentForView(openCurrentIncident({ root: options.incidents, id: options.incident, databaseUrl: options.databaseUrl, title: `migrate ${contract}` }), manifest)
        const print = (text: string) => void (options.json ? process.stderr : process.stdout).write(text)
        print(`incident ${incident.id} (${incident.dir})\n`)
        const outcome = await migrate.migrateContract({
          manifest,
          contract,
          incident,
          authority: options.authority,
          assetAuthority: options.assetAuthority,
          snapshotFile: options.snapshot,
          assets: options.asset,
          assetTo: options.assetTo,
          rescue: options.rescue,
          upgradeTo: options.upgradeTo,
          batchSize: options.batchSize,
          mode: options.mode,
          token: { name: options.name, symbol: options.symbol },
          ...(options.claimDays === undefined ? {} : { claimWindowSeconds: BigInt(options.claimDays) * 86_400n }),
          chain: options.chain,
          rpcUrl: options.rpcUrl || undefined,
          dryRun: options.dryRun,
          onProgress: (event) => {
            if (event.stage === 'planned') print(migrate.formatMigrationPlan(event))
            if (event.stage === 'simulated') print(migrate.formatMigrationSimulation(event.simulation))
            if (event.stage === 'prepared') print('every key is ready; sending\n')
            if (event.stage === 'step') print(migrate.formatMigrationStep(event.step, event.outcome))
            if (event.stage === 'verified') print(migrate.formatConservation(event.proof))
          },
        })
        if (options.json) process.stdout.write(`${toJson(migrate.migrationSummary(outcome))}\n`)
        else print(migrate.formatMigrationOutcome(outcome))
      }),
    )
}

/** The library's parameters as this command's flags, for errors about a value. */
const FLAGS: ParameterFlags = {
  authority: '--authority',
  assetAuthority: '--asset-authority',
  snapshotFile: '--snapshot',
  assets: '--asset',
  assetTo: '--asset-to',
  rescue: '--rescue',
  upgradeTo: '--upgrade-to',
  batchSize: '--batch-size',
  mode: '--mode',
  token: '--name',
  tokenName: '--name',
  tokenSymbol: '--symbol',
}
