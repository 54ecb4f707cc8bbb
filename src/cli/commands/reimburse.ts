import { join } from 'node:path'
import { type Command, Option } from 'commander'
import { UsageError } from '../../errors.js'
import { packageRoot } from '../../packageRoot.js'
import { EXIT, toJson } from '../output.js'
import { chainOption, incidentsOption, manifestOption, rpcUrlOption, signatureOption } from '../sharedOptions.js'

type ReimburseOptions = {
  mode: 'merkle' | 'transfers' | 'tokens'
  treasury: string
  token?: string
  proRata?: string
  minimum?: string
  cap?: string
  budget?: string
  claimWindow: string
  batchSize?: string
  tokenName?: string
  tokenSymbol?: string
  transferable?: boolean
  dryRun?: boolean
  signature?: string[]
  manifest: string
  chain?: string
  rpcUrl?: string
  incident?: string
  incidents: string
  json?: boolean
}

export function registerReimburse(program: Command) {
  program
    .command('reimburse')
    .description('apply a reimbursement policy to a losses file, publish the distribution (OpenZeppelin StandardMerkleTree format) and pay it: a funded claim contract, direct transfers, or a recovery token')
    .argument('<losses-file>', 'the CSV or JSON written by firebreak losses (account,loss rows; amounts in base units)')
    .addOption(new Option('--mode <mode>', 'merkle: deploy and fund a claim contract; transfers: pay each account (short lists); tokens: issue a recovery token').choices(['merkle', 'transfers', 'tokens']).default('merkle'))
    .requiredOption('--treasury <authority>', 'the manifest authority that pays (or issues the recovery token) and receives what nobody claims')
    .option('--token <name|address>', "the token paid, or mirrored by the recovery token (default: the losses file's asset)")
    .option('--pro-rata <amount>', 'share this recovered amount in proportion to the losses (base units); rounding dust stays with the treasury')
    .option('--minimum <amount>', 'pay nothing to accounts that lost less than this (base units)')
    .option('--cap <amount>', 'pay no account more than this (base units); applied before --pro-rata')
    .option('--budget <amount>', "refuse a policy that pays more than this (base units), even when the treasury holds more")
    .option('--claim-window <days>', 'merkle: how long claims stay open before the remainder can be swept back', '30')
    .option('--batch-size <n>', 'transfers per Safe transaction, or accounts per mint')
    .option('--token-name <name>', 'tokens: the recovery token\'s name')
    .option('--token-symbol <symbol>', 'tokens: its symbol (default: r + the asset\'s symbol)')
    .option('--transferable', 'tokens: holders may transfer the recovery token (default: not transferable)')
    .option('--dry-run', 'publish the distribution and simulate the plan on a fork; send nothing')
    .addOption(signatureOption())
    .addOption(manifestOption())
    .addOption(chainOption())
    .addOption(rpcUrlOption())
    .option('--incident <id>', 'the incident to record in (default: the latest one under --incidents, or a new one)')
    .addOption(incidentsOption())
    .option('--json', 'print the outcome as one JSON object')
    .action(async (lossesFile: string, options: ReimburseOptions) => {
      const [{ loadManifest }, { openCurrentIncident }, { connectManifestChain, resolveContract }, { resolveFunder }, { reimbursementPolicy }, { runReimbursement }, { compileContracts }, { formatProgress, formatOutcome }] = await Promise.all([
        import('../../manifest/index.js'),
        import('../../journal/index.js'),
        import('../../manifest/connectManifestChain.js'),
        import('../../recover/resolveFunder.js'),
        import('../../recover/policy.js'),
        import('../../recover/runReimbursement.js'),
        import('../../solidity/compile.js'),
        import('../../recover/formatReimbursement.js'),
      ])
      const policy = reimbursementPolicy({ minimum: amountOption('--minimum', options.minimum), cap: amountOption('--cap', options.cap), proRata: amountOption('--pro-rata', options.proRata) })
      const claimWindowDays = amountOption('--claim-window', options.claimWindow)!
      const batchSize = options.batchSize === undefined ? undefined : Number(amountOption('--batch-size', options.batchSize))
      const manifest = loadManifest(options.manifest)
      const { chain, contracts } = await connectManifestChain({ manifest, chain: options.chain, rpcUrl: options.rpcUrl || undefined })
      const token = options.token === undefined ? undefined : resolveContract(contracts, options.token, '--token').address
      const funder = await resolveFunder(chain, manifest, options.treasury)
      // Only firebreak's reimbursement contracts: a teammate's unfinished contract elsewhere must not block a payout.
      const { artifacts } = await compileContracts({ sourcesDir: join(packageRoot, 'contracts', 'recover') })
      const incident = openCurrentIncident({ root: options.incidents, id: options.incident, title: 'reimburse' })
      const print = (text: string) => void (options.json ? process.stderr : process.stdout).write(text)
      print(`incident ${incident.id} (${incident.dir})\n`)
      const outcome = await runReimbursement({
        chain,
        incident,
        lossesFile,
        policy,
        mode: options.mode,
        token,
        funder,
        artifacts,
        claimWindowSeconds: claimWindowDays * 86_400n,
        batchSize,
        recoveryToken: { name: options.tokenName, symbol: options.tokenSymbol, transferable: options.transferable ?? false },
        budget: amountOption('--budget', options.budget),
        dryRun: options.dryRun,
        signatureFiles: options.signature,
        onProgress: (event) => print(formatProgress(event)),
      })
      if (options.json) process.stdout.write(`${toJson(outcome)}\n`)
      else print(formatOutcome(outcome))
      process.exitCode = outcome.status === 'waiting' ? EXIT.waiting : EXIT.ok
    })
}



function amountOption(flag: string, value: string | undefined): bigint | undefined {
  if (value === undefined) return undefined
  if (!/^\d+$/.test(value)) throw new UsageError(`${flag} expects a whole number${flag === '--claim-window' || flag === '--batch-size' ? '' : " in the token's base units (wei)"}, got "${value}"`)
  return BigInt(value)
}
