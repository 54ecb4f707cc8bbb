import { type Command, Option } from 'commander'
import { type ParameterFlags, withFlags } from '../flags.js'
import { EXIT, toJson } from '../output.js'
import { errorMessage } from '../../errors.js'
import { parseAmount, parseDays } from '../parse.js'
import { batchSizeOption, chainOption, dryRunOption, incidentOption, incidentsOption, databaseUrlOption, jsonOption, manifestOption, rpcUrlOption, signatureOption } from '../sharedOptions.js'

type ReimburseOptions = {
  mode: 'merkle' | 'transfers' | 'tokens'
  treasury: string
  token?: string
  proRata?: bigint
  minimum?: bigint
  cap?: bigint
  budget?: bigint
  claimWindow: bigint
  batchSize?: number
  tokenName?: string
  tokenSymbol?: string
  transferable?: boolean
  payAgain?: boolean
  dryRun?: boolean
  signature?: string[]
  manifest: string
  chain?: string
  rpcUrl?: string
  incident?: string
  incidents: string
  databaseUrl?: string
  json?: boolean
}

export function registerReimburse(program: Command) {
  program
    .command('reimburse')
    .description('apply a reimbursement policy to a losses file, publish the distribution (OpenZeppelin StandardMerkleTree format) and pay it: a funded claim contract, direct transfers, or a recovery token')
    .argument('<losses-files...>', 'the CSV or JSON written by firebreak losses (account,loss rows; amounts in base units); one per chain for an incident over several chains, each paid on the chain it was computed on')
    .addOption(new Option('--mode <mode>', 'merkle: deploy and fund a claim contract; transfers: pay each account (short lists); tokens: issue a recovery token').choices(['merkle', 'transfers', 'tokens']).default('merkle'))
    .requiredOption('--treasury <authority>', 'the manifest authority that pays (or issues the recovery token) and receives what nobody claims')
    .option('--token <name|address>', "the token paid, or mirrored by the recovery token (default: the losses file's asset)")
    .option('--pro-rata <amount>', 'share this recovered amount in proportion to the losses (base units); rounding dust stays with the treasury', parseAmount)
    .option('--minimum <amount>', 'pay nothing to accounts that lost less than this (base units)', parseAmount)
    .option('--cap <amount>', 'pay no account more than this (base units); applied before --pro-rata', parseAmount)
    .option('--budget <amount>', "refuse a policy that pays more than this (base units), even when the treasury holds more", parseAmount)
    .addOption(new Option('--claim-window <days>', 'merkle: how long claims stay open before the remainder can be swept back').argParser(parseDays).default(30n, '30'))
    .addOption(batchSizeOption('transfers per Safe transaction, or accounts per mint'))
    .option('--token-name <name>', 'tokens: the recovery token\'s name')
    .option('--token-symbol <symbol>', 'tokens: its symbol (default: r + the asset\'s symbol)')
    .option('--transferable', 'tokens: holders may transfer the recovery token (default: not transferable)')
    .option('--pay-again', 'also pay accounts already paid for the same losses file (by any incident, or seen on chain); journaled as a deliberate second payment')
    .addOption(dryRunOption('publish the distribution and simulate the plan on a fork; send nothing'))
    .addOption(signatureOption())
    .addOption(manifestOption())
    .addOption(chainOption())
    .addOption(rpcUrlOption())
    .addOption(incidentOption())
    .addOption(incidentsOption())
    .addOption(databaseUrlOption())
    .addOption(jsonOption())
    .action(
      withFlags(FLAGS, async (lossesFiles: string[], options: ReimburseOptions) => {
        const [{ loadManifest, chainView }, { openCurrentIncident, incidentForView }, { reimbursementPolicy }, { runManifestReimbursement }, { formatProgress, formatOutcome }, { chainsOfLossesFiles }] = await Promise.all([
          import('../../manifest/index.js'),
          import('../../journal/index.js'),
          import('../../recover/policy.js'),
          import('../../recover/runManifestReimbursement.js'),
          import('../../recover/formatReimbursement.js'),
          import('../../recover/chainsOfLossesFiles.js'),
        ])
        const policy = reimbursementPolicy({ minimum: options.minimum, cap: options.cap, proRata: options.proRata })
        const full = loadManifest(options.manifest)
        // Each losses file says the chain it was computed on: each is paid there, by a plan of that chain.
        const runs = chainsOfLossesFiles(full, lossesFiles, options.chain)
        const shared = openCurrentIncident({ root: options.incidents, id: options.incident, databaseUrl: options.databaseUrl, title: 'reimburse' })
        const print = (text: string) => void (options.json ? process.stderr : process.stdout).write(text)
        print(`incident ${shared.id} (${shared.dir})\n`)
        const results = await Promise.all(
          runs.map(async ({ chain, lossesFile }) => {
            const manifest = chainView(full, chain)
            const say = (text: string) => print(runs.length > 1 ? text.replace(/^(?=.)/gm, `[${chain}] `) : text)
            try {
              const outcome = await runManifestReimbursement({
                manifest,
                chain,
                rpcUrl: options.rpcUrl || undefined,
                incident: incidentForView(shared, manifest),
                lossesFile,
                policy,
                mode: options.mode,
                token: options.token,
                treasury: options.treasury,
                claimWindowSeconds: options.claimWindow * 86_400n,
                batchSize: options.batchSize,
                recoveryToken: { name: options.tokenName, symbol: options.tokenSymbol, transferable: options.transferable ?? false },
                budget: options.budget,
                payAgain: options.payAgain ?? false,
                dryRun: options.dryRun,
                signatureFiles: options.signature,
                onProgress: (event) => say(formatProgress(event)),
              })
              if (!options.json) say(formatOutcome(outcome))
              return { chain, outcome }
            } catch (error) {
              // One chain's failure is said with its name; the other chains are paid regardless.
              if (runs.length === 1) throw error
              say(`FAILED: ${errorMessage(error).split('\n')[0]}\n`)
              return { chain, error: errorMessage(error).split('\n')[0] }
            }
          }),
        )
        if (options.json) process.stdout.write(`${toJson(runs.length === 1 ? results[0]!.outcome : { chains: results })}\n`)
        if (results.some((result) => 'error' in result)) process.exitCode = EXIT.failed
        else process.exitCode = results.some((result) => result.outcome?.status === 'waiting') ? EXIT.waiting : EXIT.ok
      }),
    )
}

/** The library's parameters as this command's flags, for errors about a value. */
const FLAGS: ParameterFlags = { token: '--token', treasury: '--treasury', mode: '--mode', batchSize: '--batch-size', budget: '--budget', claimWindowSeconds: '--claim-window', lossesFile: '<losses-files>', signatureFiles: '--signature', payAgain: '--pay-again' }
