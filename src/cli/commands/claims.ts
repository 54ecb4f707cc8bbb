import type { Command } from 'commander'
import { toJson } from '../output.js'
import { addressOption, chainOption, incidentOption, incidentsOption, databaseUrlOption, jsonOption, manifestOption, rpcUrlOption } from '../sharedOptions.js'

type ClaimsOptions = { claim?: `0x${string}`; distribution?: string; manifest: string; chain?: string; rpcUrl?: string; incident?: string; incidents: string; databaseUrl?: string; json?: boolean }

export function registerClaims(program: Command) {
  program
    .command('claims')
    .description("who has claimed their reimbursement and who has not, from the claim contract's events against the published distribution; journaled")
    .addOption(addressOption('--claim <address>', "the claim contract (default: the incident's latest Merkle reimbursement)"))
    .option('--distribution <file>', 'the published distribution (default: the one journaled with that claim contract)')
    .addOption(manifestOption())
    .addOption(chainOption())
    .addOption(rpcUrlOption())
    .addOption(incidentOption('latest'))
    .addOption(incidentsOption())
    .addOption(databaseUrlOption())
    .addOption(jsonOption('print the claims as one JSON object'))
    .action(async (options: ClaimsOptions) => {
      const [{ loadManifest, chainView }, { openCurrentIncident, incidentForView }, { connectManifestChain }, { runClaimsTracking }, { readAssetInfo }, { formatClaims }] = await Promise.all([
        import('../../manifest/index.js'),
        import('../../journal/index.js'),
        import('../../manifest/connectManifestChain.js'),
        import('../../recover/runClaimsTracking.js'),
        import('../../recover/readAssetInfo.js'),
        import('../../recover/formatClaims.js'),
      ])
      const manifest = chainView(loadManifest(options.manifest), options.chain)
      const { chain } = await connectManifestChain({ manifest, chain: options.chain, rpcUrl: options.rpcUrl || undefined })
      const incident = incidentForView(openCurrentIncident({ root: options.incidents, id: options.incident, databaseUrl: options.databaseUrl, title: 'claims' }), manifest)
      const outcome = await runClaimsTracking({ ...(manifest.scope ? { scope: manifest.scope } : {}), chain, incident, claimAddress: options.claim, distributionFile: options.distribution })
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

