import type { Command } from 'commander'
import { formatTokenAmount } from '../../format.js'
import type { ClaimsOutcome } from '../../recover/runClaimsTracking.js'
import { toJson } from '../output.js'
import { addressOption } from './losses.js'
import { chainOption, incidentsOption, manifestOption, rpcUrlOption } from '../sharedOptions.js'

type ClaimsOptions = { claim?: string; distribution?: string; manifest: string; chain?: string; rpcUrl?: string; incident?: string; incidents: string; json?: boolean }

export function registerClaims(program: Command) {
  program
    .command('claims')
    .description("who has claimed their reimbursement and who has not, from the claim contract's events against the published distribution; journaled")
    .option('--claim <address>', "the claim contract (default: the incident's latest Merkle reimbursement)")
    .option('--distribution <file>', 'the published distribution (default: the one journaled with that claim contract)')
    .addOption(manifestOption())
    .addOption(chainOption())
    .addOption(rpcUrlOption())
    .option('--incident <id>', 'the incident to record in (default: the latest one under --incidents)')
    .addOption(incidentsOption())
    .option('--json', 'print the claims as one JSON object')
    .action(async (options: ClaimsOptions) => {
      const claimAddress = options.claim === undefined ? undefined : addressOption('--claim', options.claim)
      const [{ loadManifest }, { openCurrentIncident }, { connectManifestChain }, { runClaimsTracking }, { readAssetInfo }] = await Promise.all([
        import('../../manifest/index.js'),
        import('../../journal/index.js'),
        import('../../recover/connectManifestChain.js'),
        import('../../recover/runClaimsTracking.js'),
        import('../../recover/readAssetInfo.js'),
      ])
      const manifest = loadManifest(options.manifest)
      const { chain } = await connectManifestChain({ manifest, chain: options.chain, rpcUrl: options.rpcUrl || undefined })
      const incident = openCurrentIncident({ root: options.incidents, id: options.incident, title: 'claims' })
      const outcome = await runClaimsTracking({ chain, incident, claimAddress, distributionFile: options.distribution })
      if (options.json) {
        process.stdout.write(`${toJson(outcome)}\n`)
        return
      }
      const token = await chain.public
        .readContract({ address: outcome.claimAddress, abi: [{ type: 'function', name: 'token', stateMutability: 'view', inputs: [], outputs: [{ type: 'address' }] }], functionName: 'token' })
        .then((address) => readAssetInfo(chain, address))
      process.stdout.write(formatClaims(outcome, token))
    })
}

function formatClaims(outcome: ClaimsOutcome, asset: { symbol?: string; decimals?: number }): string {
  const amount = (value: bigint) => `${formatTokenAmount(value, asset)} (${value})`
  const total = outcome.claimed.length + outcome.unclaimed.length
  const window = outcome.windowOpen ? `open until ${new Date(Number(outcome.claimDeadline) * 1000).toISOString()}` : 'closed'
  return [
    `claim contract ${outcome.claimAddress} (root ${outcome.root}), at block ${outcome.toBlock}, window ${window}`,
    `  claimed:   ${outcome.claimed.length} of ${total} accounts, ${amount(outcome.claimedAmount)}`,
    `  unclaimed: ${outcome.unclaimed.length} accounts, ${amount(outcome.unclaimedAmount)}`,
    ...(outcome.sweptAmount > 0n ? [`  swept back to the treasury: ${amount(outcome.sweptAmount)}`] : []),
    ...outcome.unclaimed.slice(0, 20).map((entry) => `    #${entry.index} ${entry.account} ${amount(entry.amount)}`),
    ...(outcome.unclaimed.length > 20 ? [`    … and ${outcome.unclaimed.length - 20} more (--json lists them all)`] : []),
    '',
  ].join('\n')
}
