import { basename } from 'node:path'
import type { ListrTask } from 'listr2'
import { type Address, erc20Abi, isAddressEqual } from 'viem'
import type { Manifest } from '../../manifest/types.js'
import { reimbursementPolicy } from '../../recover/policy.js'
import { readVaultPositions } from '../../recover/readVaultPositions.js'
import { approveRestore } from '../../recover/restore/approveRestore.js'
import { type RestoreProgress, runRestore } from '../../recover/restore/runRestore.js'
import { runClaimsTracking } from '../../recover/runClaimsTracking.js'
import { runLosses } from '../../recover/runLosses.js'
import { type ReimbursementProgress, runReimbursement } from '../../recover/runReimbursement.js'
import { takeLossSnapshots } from '../../recover/takeLossSnapshots.js'
import { GOVERNANCE, WITHDRAWALS_STAGE } from '../drillManifest.js'
import { formatAmount } from '../format.js'
import { phaseTitle, plural } from '../phaseTitle.js'
import { type DrillState, type PartialDrillState, need } from '../state.js'

type Recovery = Partial<DrillState['recovery']>

/**
 * Recovery through the library a real incident uses: snapshots and `runLosses` for the loss
 * table, `runReimbursement` for the distribution and the funded claim, `runClaimsTracking` once
 * users have claimed, and a gated restore stage (`approveRestore`, `runRestore`) to reopen the vault.
 */
export function recoverTasks(state: PartialDrillState): ListrTask[] {
  const recovery: Recovery = {}
  return [
    {
      title: "snapshot the vault's shares before the attack and now",
      task: async (_, task) => {
        const attack = need(state, 'attack')
        recovery.snapshots = await takeLossSnapshots({ manifest: need(state, 'manifest'), contract: need(state, 'protocol').vault.name, beforeBlock: attack.blockNumber - 1n, incident: need(state, 'incident') })
        task.title = `vault shares snapshotted before the attack and now: ${basename(recovery.snapshots.before)}, ${basename(recovery.snapshots.after)}`
      },
    },
    {
      title: "compute each depositor's loss from the two snapshots",
      task: async (_, task) => {
        recovery.losses = await lossesFromSnapshots(state, required(recovery.snapshots))
        const { losses, total, attackers, files } = recovery.losses
        task.title = `${plural(losses.length, 'account')} lost ${formatAmount(total)} in all (${attackers.length} attacker ${attackers.length === 1 ? 'address' : 'addresses'} left out), written to ${basename(files.json)}`
      },
    },
    {
      title: 'reimburse every loss in full through a Merkle claim',
      task: async (_, task) => {
        await reimburse(state, recovery, (title) => (task.title = title))
        const distribution = required(recovery.distribution)
        task.title = `claim ${recovery.claimAddress} funded with ${formatAmount(distribution.total)} for ${distribution.entries.length} accounts (root ${short(distribution.root)}, ${basename(required(recovery.distributionFile))})`
      },
    },
    {
      title: 'affected users claim',
      task: async (_, task) => {
        await claimAll(state, recovery)
        recovery.claims = await runClaimsTracking({ chain: need(state, 'chain'), incident: need(state, 'incident'), ...(need(state, 'manifest').scope ? { scope: need(state, 'manifest').scope! } : {}) })
        task.title = `${recovery.claims.claimed.length} of ${required(recovery.distribution).entries.length} claimed, ${formatAmount(recovery.claims.claimedAmount)} paid`
      },
    },
    {
      title: `restore stage ${WITHDRAWALS_STAGE}: unpause the vault`,
      task: (_, task) =>
        task.newListr([
          {
            title: `${GOVERNANCE} signs its approval of the stage`,
            task: async (_, inner) => {
              const approval = await approveRestore({ manifest: need(state, 'manifest'), incident: need(state, 'incident'), stage: WITHDRAWALS_STAGE, as: GOVERNANCE, accounts: [need(state, 'actors').admin] })
              inner.title = `approved by ${approval.authority} ${approval.address} (EIP-191 signature ${short(approval.signature)})`
            },
          },
          {
            title: 'check the gates (order, fix, approvals, invariants on a fork), then unpause',
            task: async (_, inner) => {
              recovery.restoreBlock = await restore(state, need(state, 'manifest'), (title) => (inner.title = title))
              inner.title = `gates passed (order, fix, approvals, invariants on a fork); vault reopened in block ${recovery.restoreBlock}`
            },
          },
          {
            title: 'check every user is whole',
            task: async (_, inner) => {
              recovery.madeWhole = await checkMadeWhole(state)
              need(state, 'incident').journal.append('recovery.verified', { users: recovery.madeWhole })
              const whole = recovery.madeWhole.filter((user) => user.whole).length
              if (whole !== recovery.madeWhole.length) throw new Error(`${recovery.madeWhole.length - whole} users are not whole after recovery`)
              state.recovery = recovery as DrillState['recovery']
              inner.title = `all ${whole} users whole again`
            },
          },
        ]),
    },
  ]
}

function required<T>(value: T | undefined): T {
  if (value === undefined) throw new Error('drill phase order: a recovery step ran before the one it depends on')
  return value
}

/** `firebreak losses` on the two snapshots: the attacker's addresses found from the attack, the vault itself kept out of users' losses. */
async function lossesFromSnapshots(state: PartialDrillState, snapshots: { before: string; after: string }) {
  const vault = need(state, 'protocol').vault
  const contracts = [{ name: vault.name, address: vault.address }]
  const outcome = await runLosses({
    chain: need(state, 'chain'),
    incident: need(state, 'incident'),
    before: [snapshots.before],
    after: [snapshots.after],
    names: contracts,
    attackTransactions: [need(state, 'attack').txHash],
    protocol: contracts,
  })
  const [losses, ...others] = outcome.assets
  if (!losses || others.length > 0) throw new Error(`one pair of vault snapshots gave ${outcome.assets.length} loss tables: expected one, of dUSD`)
  return losses
}

/** `firebreak reimburse --mode merkle` from the losses file: the treasury deploys and funds the claim contract. */
async function reimburse(state: PartialDrillState, recovery: Recovery, show: (title: string) => void): Promise<void> {
  const { scope } = need(state, 'manifest')
  const outcome = await runReimbursement({
    chain: need(state, 'chain'),
    ...(scope ? { scope } : {}),
    incident: need(state, 'incident'),
    lossesFile: required(recovery.losses).files.json,
    policy: reimbursementPolicy(),
    mode: 'merkle',
    funder: { kind: 'key', address: need(state, 'actors').treasury.address, label: 'treasury' },
    artifacts: need(state, 'artifacts'),
    accounts: need(state, 'accounts'),
    onProgress: (event) => show(reimbursementTitle(event)),
  })
  if (outcome.status !== 'reimbursed' || !outcome.claimAddress) throw new Error(`reimbursement ended ${outcome.status} without a funded claim contract: the drill's treasury key should pay at once`)
  Object.assign(recovery, { distribution: outcome.distribution, distributionFile: outcome.file, claimAddress: outcome.claimAddress })
}

/** `firebreak restore run withdrawals`: every gate checked, the unpause simulated on a fork, then sent by governance. Returns its block. */
async function restore(state: PartialDrillState, manifest: Manifest, show: (title: string) => void): Promise<bigint> {
  const outcome = await runRestore({
    manifest,
    incident: need(state, 'incident'),
    stage: WITHDRAWALS_STAGE,
    accounts: [need(state, 'actors').admin],
    onProgress: (event) => show(restoreTitle(event)),
  })
  const restoreBlock = outcome.steps.at(-1)?.blockNumber
  if (outcome.status !== 'restored' || restoreBlock === undefined) throw new Error(`restore stage ${WITHDRAWALS_STAGE} ended ${outcome.status} without sending its unpause: the drill's fresh incident should reopen it at once`)
  return restoreBlock
}

/** The reimbursement's latest stage, in the live list while it runs. */
function reimbursementTitle(event: ReimbursementProgress): string {
  if (event.stage === 'distributed') return `policy ${event.policy.description}: root ${short(event.distribution.root)} for ${event.distribution.entries.length} accounts, published in ${basename(event.file)}`
  return phaseTitle(event, 'the treasury key is ready')
}

/** The restore's latest stage, in the live list while it runs. */
function restoreTitle(event: RestoreProgress): string {
  if (event.stage === 'planned') return `${event.plan.title}: checking the gates and simulating on a fork`
  if (event.stage === 'gates') return `gates: ${event.gates.map((gate) => `${gate.passed ? '✔' : '✘'} ${gate.gate}`).join(', ')}`
  return phaseTitle(event, `the ${GOVERNANCE} key is ready`)
}

function short(hex: string): string {
  return `${hex.slice(0, 10)}…${hex.slice(-4)}`
}

/** Each affected user submits their own claim with the proof from the published distribution. */
async function claimAll(state: PartialDrillState, recovery: Recovery) {
  const chain = need(state, 'chain')
  const claimAbi = need(state, 'artifacts').get('ReimbursementClaim').abi
  const users = need(state, 'actors').users
  await Promise.all(
    required(recovery.distribution).entries.map(async (entry) => {
      const user = users.find((candidate) => isAddressEqual(candidate.account.address, entry.account))
      if (!user) throw new Error(`no drill user holds ${entry.account}`)
      const hash = await chain.wallet(user.account).writeContract({
        address: required(recovery.claimAddress),
        abi: claimAbi,
        functionName: 'claim',
        args: [BigInt(entry.index), entry.account, entry.amount, entry.proof],
      })
      await chain.public.waitForTransactionReceipt({ hash })
    }),
  )
}

/** A user is whole when their tokens plus their vault position are worth at least what they deposited. */
async function checkMadeWhole(state: PartialDrillState) {
  const chain = need(state, 'chain')
  const { token, vault } = need(state, 'protocol')
  const users = need(state, 'actors').users
  const now = await chain.public.getBlockNumber()
  const positions = await readVaultPositions(chain, vault, users.map((user) => user.account.address), now)
  return Promise.all(
    users.map(async (user, index) => {
      const wallet = await chain.public.readContract({ address: token.address, abi: erc20Abi, functionName: 'balanceOf', args: [user.account.address as Address] })
      const holdings = wallet + (positions[index]?.assets ?? 0n)
      return { name: user.name, account: user.account.address, deposit: user.deposit, holdings, whole: holdings >= user.deposit }
    }),
  )
}
