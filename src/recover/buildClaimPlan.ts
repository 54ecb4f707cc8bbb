import { type Address, type Hex, erc20Abi } from 'viem'
import { create2DeployStep } from '../engine/create2.js'
import { type Authority, type Plan, contractCall, viewFunction } from '../engine/plan.js'
import type { ContractArtifact } from '../solidity/artifacts.js'
import type { Distribution } from '../distribution/buildDistribution.js'

export type BuildClaimPlanParameters = {
  claimArtifact: ContractArtifact
  token: Address
  distribution: Distribution
  claimDeadline: bigint
  /** Funds the claim contract and receives the unclaimed remainder after the deadline. */
  treasury: Authority
  id?: string
}

/** Deploys ReimbursementClaim for the distribution's root, then funds it with the distribution's total. */
export function buildClaimPlan(parameters: BuildClaimPlanParameters): Plan & { claimAddress: Address } {
  const { claimArtifact, token, distribution, claimDeadline, treasury, id = 'recover-reimburse' } = parameters
  const deployment = create2DeployStep({
    id: 'deploy-claim',
    artifact: claimArtifact,
    args: [token, distribution.root, claimDeadline, treasury.address],
    saltText: `firebreak:${id}:${distribution.root}`,
    authority: treasury,
    checks: (address) => [
      { kind: 'read', description: 'the claim contract holds the published root', address, abi: viewFunction(claimArtifact.abi, 'merkleRoot'), args: [], expect: distribution.root as Hex },
    ],
  })
  const tokenRef = { name: 'token', address: token, abi: erc20Abi }
  return {
    id,
    phase: 'recover',
    title: `reimburse ${distribution.entries.length} accounts through a Merkle claim`,
    claimAddress: deployment.address,
    abis: [claimArtifact.abi, erc20Abi],
    steps: [
      deployment.step,
      {
        id: 'fund-claim',
        title: `fund the claim contract with ${distribution.total} from ${treasury.label}`,
        authority: treasury,
        actions: [contractCall(tokenRef, 'transfer', [deployment.address, distribution.total])],
        postconditions: [
          { kind: 'read', description: 'the claim contract holds the whole distribution', address: token, abi: viewFunction(erc20Abi, 'balanceOf'), args: [deployment.address], expect: distribution.total, op: 'gte' },
        ],
      },
    ],
  }
}
