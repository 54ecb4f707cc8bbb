import { join } from 'node:path'
import { connectManifestChain, resolveContract } from '../manifest/connectManifestChain.js'
import type { Manifest } from '../manifest/types.js'
import { packageRoot } from '../packageRoot.js'
import { compileContracts } from '../solidity/compile.js'
import { resolveFunder } from './resolveFunder.js'
import { type ReimbursementOutcome, type RunReimbursementParameters, runReimbursement } from './runReimbursement.js'

export type RunManifestReimbursementParameters = Omit<RunReimbursementParameters, 'chain' | 'token' | 'funder' | 'artifacts'> & {
  manifest: Manifest
  chain?: string
  rpcUrl?: string
  /** The manifest authority that pays (or issues the recovery token) and receives what nobody claims. */
  treasury: string
  /** The token paid, by the manifest's name for it or its address. Default: the losses file's asset. */
  token?: string
}

/**
 * `firebreak reimburse` over a manifest: connects to its chain, resolves the token and the treasury
 * authority, compiles firebreak's reimbursement contracts, then runs the reimbursement.
 */
export async function runManifestReimbursement(parameters: RunManifestReimbursementParameters): Promise<ReimbursementOutcome> {
  const { manifest, chain: chainName, rpcUrl, treasury, token: tokenName, ...rest } = parameters
  const { chain, contracts } = await connectManifestChain({ manifest, chain: chainName, rpcUrl })
  const token = tokenName === undefined ? undefined : resolveContract(contracts, tokenName, 'token').address
  const funder = await resolveFunder(chain, manifest, treasury)
  // Only firebreak's reimbursement contracts: a teammate's unfinished contract elsewhere must not block a payout.
  const { artifacts } = await compileContracts({ sourcesDir: join(packageRoot, 'contracts', 'recover') })
  return runReimbursement({ ...rest, chain, token, funder, artifacts, ...(manifest.scope ? { scope: manifest.scope } : {}) })
}
