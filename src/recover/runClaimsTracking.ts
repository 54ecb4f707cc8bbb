import { chainOfPlanId } from '../manifest/manifestOnChain.js'
import { relative } from 'node:path'
import { type Address, type Hex, getAddress, parseAbi } from 'viem'
import type { ChainClients } from '../chain/clients.js'
import { errorMessage, FirebreakError, InvalidInputError } from '../errors.js'
import type { Incident } from '../journal/incident.js'
import { readDistributionFile } from '../distribution/distributionFile.js'
import { type ClaimsStatus, trackClaims } from './trackClaims.js'

const claimViews = parseAbi(['function merkleRoot() view returns (bytes32)', 'function claimDeadline() view returns (uint64)'])

export class ClaimContractMismatchError extends FirebreakError {
  override name = 'ClaimContractMismatchError'
}

export type RunClaimsTrackingParameters = {
  chain: ChainClients
  incident: Incident
  /** Default: the claim contract of the incident's latest Merkle reimbursement, from the journal. */
  claimAddress?: Address
  /** Default: the distribution published for that reimbursement. */
  distributionFile?: string
  /** The chain's name when the incident spans several: its latest reimbursement, not another chain's. */
  scope?: { chain: string }
}

export type ClaimsOutcome = ClaimsStatus & {
  incident: string
  claimAddress: Address
  root: Hex
  file: string
  /** The last second claims are accepted, and whether that is still ahead at the block read. */
  claimDeadline: bigint
  windowOpen: boolean
}

/**
 * `firebreak claims`: who has claimed from the incident's claim contract and who has not, read from
 * its events and set against the published distribution (which must be the one whose root the
 * contract holds); journaled as `claims.tracked`.
 */
export async function runClaimsTracking(parameters: RunClaimsTrackingParameters): Promise<ClaimsOutcome> {
  const { chain, incident } = parameters
  try {
    const reimbursement = latestMerkleReimbursement(incident, parameters.scope?.chain)
    const claimAddress = parameters.claimAddress ? getAddress(parameters.claimAddress) : reimbursement?.claimAddress
    if (!claimAddress) throw new InvalidInputError({ parameter: 'claim', problem: `incident ${incident.id} has no Merkle reimbursement in its journal: give the claim contract and its distribution file`, related: ['distribution'] })
    const file = parameters.distributionFile ?? reimbursement?.file
    if (!file) throw new InvalidInputError({ parameter: 'distribution', problem: `no distribution file is journaled for claim contract ${claimAddress}: give the one it was funded from` })
    const { distribution } = readDistributionFile(file)

    const [root, claimDeadline] = await Promise.all([
      chain.public.readContract({ address: claimAddress, abi: claimViews, functionName: 'merkleRoot' }),
      chain.public.readContract({ address: claimAddress, abi: claimViews, functionName: 'claimDeadline' }),
    ]).catch((error: unknown) => {
      throw new ClaimContractMismatchError(`${claimAddress} does not answer merkleRoot() and claimDeadline() on chain ${chain.chain.id}: it is not a ReimbursementClaim (${errorMessage(error).split('\n')[0]})`)
    })
    if (root.toLowerCase() !== distribution.root.toLowerCase()) {
      throw new ClaimContractMismatchError(`claim contract ${claimAddress} holds root ${root}, but ${file} rebuilds to ${distribution.root}: pass the distribution that contract was deployed for`)
    }
    const status = await trackClaims(chain, claimAddress, distribution, { fromBlock: reimbursement?.deployedAt })
    const block = await chain.public.getBlock({ blockNumber: status.toBlock })
    const outcome: ClaimsOutcome = {
      ...status,
      incident: incident.id,
      claimAddress,
      root: distribution.root,
      file,
      claimDeadline: BigInt(claimDeadline),
      windowOpen: block.timestamp <= BigInt(claimDeadline),
    }
    incident.journal.append('claims.tracked', {
      claimAddress,
      root: outcome.root,
      file: relative(incident.dir, file),
      claimed: outcome.claimed,
      unclaimed: outcome.unclaimed,
      claimedAmount: outcome.claimedAmount,
      unclaimedAmount: outcome.unclaimedAmount,
      sweptAmount: outcome.sweptAmount,
      blockNumber: outcome.toBlock,
      claimDeadline: outcome.claimDeadline,
      windowOpen: outcome.windowOpen,
    })
    return outcome
  } catch (error) {
    incident.journal.append('claims.failed', { reason: errorMessage(error).split('\n')[0] })
    throw error
  }
}

type Entry = { type: string; data: unknown }

/** The claim contract, its distribution file and its deployment block, as the journal recorded them. */
function latestMerkleReimbursement(incident: Incident, chain: string | undefined): { claimAddress: Address; file?: string; deployedAt?: bigint } | undefined {
  const entries = incident.journal.entries() as readonly Entry[]
  const ofChain = (data: { planId?: string }) => chainOfPlanId(data.planId ?? '') === chain
  const planned = entries.findLast((entry) => entry.type === 'reimburse.planned' && (entry.data as { mode?: string }).mode === 'merkle' && ofChain(entry.data as { planId?: string }))?.data as
    | { planId: string; root: string; claimAddress: Address }
    | undefined
  if (!planned) return undefined
  const built = entries.findLast((entry) => entry.type === 'distribution.built' && (entry.data as { root?: string }).root?.toLowerCase() === planned.root.toLowerCase())?.data as { file?: string } | undefined
  const deployed = entries.findLast((entry) => entry.type === 'step.done' && (entry.data as { planId?: string; stepId?: string }).planId === planned.planId && (entry.data as { stepId?: string }).stepId === 'deploy-claim')?.data as
    | { blockNumber?: string | number }
    | undefined
  return {
    claimAddress: getAddress(planned.claimAddress),
    ...(built?.file ? { file: incident.path(built.file) } : {}),
    ...(deployed?.blockNumber !== undefined ? { deployedAt: BigInt(deployed.blockNumber) } : {}),
  }
}
