import { type Address, type Hash, isAddressEqual } from 'viem'
import type { DrillState } from './state.js'

export type DrillSummary = {
  ok: true
  incident: { id: string; dir: string; report: string; distribution: string }
  chain: { rpcUrl: string; chainId: number }
  attack: { txHash: Hash; blockNumber: bigint; stolen: bigint; victims: Address[] }
  containment: { pauseBlock: bigint; blocksFromAttack: bigint; secondAttemptReverted: boolean; secondAttemptReason: string }
  eradication: { implementation: Address; upgradeBlock: bigint; storageCompatible: boolean; replayVerdict: string }
  recovery: {
    totalLoss: bigint
    reimbursed: bigint
    merkleRoot: string
    claimContract: Address
    restoreBlock: bigint
    users: { name: string; account: Address; loss: bigint; reimbursed: bigint; whole: boolean }[]
  }
  compile: { fromCache: boolean }
  phases: { name: string; milliseconds: number }[]
  wallMilliseconds: number
}

export function summarize(state: DrillState, phases: DrillSummary['phases'], wallMilliseconds: number): DrillSummary {
  const { attack, containment, eradication, recovery, incident } = state
  const lossOf = (account: Address) => recovery.losses.losses.find((entry) => isAddressEqual(entry.account, account))?.loss ?? 0n
  const paidTo = (account: Address) => recovery.claims.claimed.find((entry) => isAddressEqual(entry.account, account))?.amount ?? 0n
  return {
    ok: true,
    incident: { id: incident.id, dir: incident.dir, report: state.reportFile, distribution: recovery.distributionFile },
    chain: { rpcUrl: state.anvil.rpcUrl, chainId: state.chain.chain.id },
    attack: { txHash: attack.txHash, blockNumber: attack.blockNumber, stolen: attack.stolen, victims: attack.victims },
    containment: {
      pauseBlock: containment.pauseBlock,
      blocksFromAttack: containment.pauseBlock - attack.blockNumber,
      secondAttemptReverted: containment.secondAttempt.reverted,
      secondAttemptReason: containment.secondAttempt.reason,
    },
    eradication: {
      implementation: eradication.implementation,
      upgradeBlock: eradication.upgradeBlock,
      storageCompatible: eradication.storage.compatible,
      replayVerdict: eradication.replay.verdict,
    },
    recovery: {
      totalLoss: recovery.losses.total,
      reimbursed: recovery.claims.claimedAmount,
      merkleRoot: recovery.distribution.root,
      claimContract: recovery.claimAddress,
      restoreBlock: recovery.restoreBlock,
      users: recovery.madeWhole.map((user) => ({ name: user.name, account: user.account, loss: lossOf(user.account), reimbursed: paidTo(user.account), whole: user.whole })),
    },
    compile: { fromCache: state.compile.fromCache },
    phases,
    wallMilliseconds,
  }
}
