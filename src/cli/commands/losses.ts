import { type Command, Option } from 'commander'
import { UsageError } from '../../errors.js'
import { toJson } from '../output.js'
import { blockOption } from '../parse.js'
import { chainOption, incidentsOption, manifestOption, rpcUrlOption } from '../sharedOptions.js'

type LossesOptions = {
  before?: string[]
  after?: string[]
  contract?: string
  beforeBlock?: string
  afterBlock?: string
  fromBlock?: string
  valuation: 'auto' | 'balance' | 'erc4626'
  afterRate: 'pre-attack' | 'after'
  attacker?: string[]
  attackTx?: string[]
  protocol?: string[] | false
  manifest: string
  chain?: string
  rpcUrl?: string
  incident?: string
  incidents: string
  json?: boolean
}

export function registerLosses(program: Command) {
  program
    .command('losses')
    .description("each account's loss per asset between a snapshot before the attack and one after containment, without the attacker's addresses; writes CSV and JSON into the incident folder")
    .option('--before <files...>', 'snapshot files at the block before the attack (firebreak snapshot <contract> --block <n>), one per contract')
    .option('--after <files...>', 'snapshot files of the same contracts after containment')
    .option('--contract <name>', 'take both snapshots of this manifest contract now, instead of passing files')
    .option('--before-block <number>', 'with --contract: the block before the attack')
    .option('--after-block <number>', 'with --contract: a block after containment (default: the latest)')
    .option('--from-block <number>', "with --contract: where the contract's history starts (its deployment block; default 0)")
    .addOption(new Option('--valuation <how>', 'balance: the snapshot is the asset itself; erc4626: vault shares valued with convertToAssets; auto: erc4626 when the contract is a vault').choices(['auto', 'balance', 'erc4626']).default('auto'))
    .addOption(new Option('--after-rate <block>', 'erc4626: value the after-position at the pre-attack rate, or at the after block\'s rate (counts a fall of the share price)').choices(['pre-attack', 'after']).default('pre-attack'))
    .option('--attacker <addresses...>', "addresses the team attributes to the attacker (excluded)")
    .option('--attack-tx <hashes...>', "the attack's transactions: their senders and the contracts they created are excluded")
    .option('--protocol <names...>', "the protocol's own contracts, reported apart from users (default: every contract in the manifest)")
    .option('--no-protocol', 'report no protocol contracts apart')
    .addOption(manifestOption())
    .addOption(chainOption())
    .addOption(rpcUrlOption())
    .option('--incident <id>', 'the incident to record in (default: the latest one under --incidents, or a new one)')
    .addOption(incidentsOption())
    .option('--json', 'print the loss tables as one JSON object')
    .action(async (options: LossesOptions) => {
      const fromFiles = options.before !== undefined || options.after !== undefined
      if (fromFiles === (options.contract !== undefined)) throw new UsageError('give either --before and --after snapshot files, or --contract with --before-block')
      if (fromFiles && (!options.before?.length || !options.after?.length)) throw new UsageError('--before and --after go together: pass the pre-attack and the post-containment snapshot of each contract')
      if (options.contract !== undefined && options.beforeBlock === undefined) throw new UsageError('--contract needs --before-block: the block before the attack')

      const [{ loadManifest }, { openCurrentIncident }, { connectManifestChain, resolveContract }, { runLosses }, { takeLossSnapshots }, { formatLosses }, { addressOption, hashOption }] = await Promise.all([
        import('../../manifest/index.js'),
        import('../../journal/index.js'),
        import('../../manifest/connectManifestChain.js'),
        import('../../recover/runLosses.js'),
        import('../../recover/takeLossSnapshots.js'),
        import('../../recover/formatLosses.js'),
        import('../chainValues.js'),
      ])
      const attackers = (options.attacker ?? []).map((value) => addressOption('--attacker', value))
      const attackTransactions = (options.attackTx ?? []).map((value) => hashOption('--attack-tx', value))
      const manifest = loadManifest(options.manifest)
      const rpcUrl = options.rpcUrl || undefined
      const { chain, contracts } = await connectManifestChain({ manifest, chain: options.chain, rpcUrl })
      const protocol = options.protocol === false ? [] : options.protocol ? options.protocol.map((name) => resolveContract(contracts, name, '--protocol')).map((contract) => ({ name: contract.name ?? contract.address, address: contract.address })) : contracts
      const incident = openCurrentIncident({ root: options.incidents, id: options.incident, title: 'losses' })
      const print = (text: string) => void (options.json ? process.stderr : process.stdout).write(text)
      print(`incident ${incident.id} (${incident.dir})\n`)

      const files = fromFiles
        ? { before: options.before!, after: options.after! }
        : await takeLossSnapshots({
            manifest,
            contract: options.contract!,
            beforeBlock: blockOption('--before-block', options.beforeBlock)!,
            afterBlock: blockOption('--after-block', options.afterBlock),
            fromBlock: blockOption('--from-block', options.fromBlock),
            chain: options.chain,
            rpcUrl,
            incident,
          }).then(({ before, after }) => ({ before: [before], after: [after] }))
      const outcome = await runLosses({
        chain,
        incident,
        before: files.before,
        after: files.after,
        names: contracts,
        valuation: options.valuation,
        afterRate: options.afterRate,
        attackers,
        attackTransactions,
        protocol,
      })
      if (options.json) process.stdout.write(`${toJson(outcome)}\n`)
      else print(formatLosses(outcome))
    })
}





