import type { Address, Hex } from 'viem'
import { create2DeployStep } from '../engine/create2.js'
import { type Authority, type Check, type Plan, type Step, contractCall, viewFunction } from '../engine/plan.js'
import type { ContractArtifact } from '../solidity/artifacts.js'

export type RecoveryTokenTerms = {
  name: string
  symbol: string
  /** The lost asset's decimals, so that one token stands for one unit of it. */
  decimals: number
  /** Whether holders may trade their claim; fixed at deployment. */
  transferable: boolean
}

export type BuildRecoveryTokenPlanParameters = {
  id: string
  tokenArtifact: ContractArtifact
  terms: RecoveryTokenTerms
  /** Deploys the token, owns it, and mints. */
  issuer: Authority
  payouts: readonly { index: number; account: Address; amount: bigint }[]
  /** Ties the token's address to the distribution it issues (its root). */
  root: Hex
  /** Accounts per mintBatch call. Default 100, well under a block's gas. */
  batchSize?: number
}

/**
 * Deploys a RecoveryToken (transferable or not, as the terms say) and mints each affected account
 * its amount in batches: what a team issues while the funds are not yet recovered. Each batch is
 * verified by the balances it minted and the supply so far.
 */
export function buildRecoveryTokenPlan(parameters: BuildRecoveryTokenPlanParameters): Plan & { tokenAddress: Address } {
  const { id, tokenArtifact, terms, issuer, payouts, root } = parameters
  const batchSize = Math.max(1, parameters.batchSize ?? 100)
  const abi = tokenArtifact.abi
  const deployment = create2DeployStep({
    id: 'deploy-recovery-token',
    artifact: tokenArtifact,
    args: [terms.name, terms.symbol, terms.decimals, terms.transferable, issuer.address],
    saltText: `firebreak:${id}:${root}`,
    authority: issuer,
    checks: (address): Check[] => [
      { kind: 'read', description: `the token is ${terms.transferable ? 'transferable' : 'non-transferable'}`, address, abi: viewFunction(abi, 'transferable'), args: [], expect: terms.transferable },
      { kind: 'read', description: `${issuer.label} owns the token`, address, abi: viewFunction(abi, 'owner'), args: [], expect: issuer.address },
    ],
  })
  const token = { name: terms.symbol, address: deployment.address, abi }
  const steps: Step[] = [deployment.step]
  let minted = 0n
  for (let start = 0; start < payouts.length; start += batchSize) {
    const batch = payouts.slice(start, start + batchSize)
    minted += batch.reduce((sum, payout) => sum + payout.amount, 0n)
    const first = batch[0]!
    const last = batch.at(-1)!
    steps.push({
      id: `mint-${first.index}-${last.index}`,
      title: `issue ${terms.symbol} to ${batch.length} accounts (entries ${first.index}–${last.index})`,
      authority: issuer,
      actions: [contractCall(token, 'mintBatch', [batch.map((payout) => payout.account), batch.map((payout) => payout.amount)])],
      postconditions: [
        ...batch.map((payout): Check => ({ kind: 'read', description: `${payout.account} holds ${payout.amount} ${terms.symbol}`, address: deployment.address, abi: viewFunction(abi, 'balanceOf'), args: [payout.account], expect: payout.amount })),
        { kind: 'read', description: `${minted} ${terms.symbol} issued so far`, address: deployment.address, abi: viewFunction(abi, 'totalSupply'), args: [], expect: minted },
      ],
    })
  }
  return {
    id,
    phase: 'recover',
    title: `issue ${terms.transferable ? 'transferable' : 'non-transferable'} ${terms.symbol} to ${payouts.length} accounts`,
    tokenAddress: deployment.address,
    abis: [abi],
    steps,
  }
}
