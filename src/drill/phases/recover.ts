import { writeFileSync } from 'node:fs'
import type { ListrTask } from 'listr2'
import { type Address, encodeFunctionData, erc20Abi, isAddressEqual } from 'viem'
import type { StepOutcome } from '../../engine/execute.js'
import type { Check } from '../../engine/plan.js'
import { toJsonValue } from '../../journal/hashChain.js'
import { planTasks } from '../../progress/planTasks.js'
import { buildClaimPlan } from '../../recover/buildClaimPlan.js'
import { buildDistribution } from '../../recover/buildDistribution.js'
import { buildRestorePlan } from '../../recover/buildRestorePlan.js'
import { computeLosses } from '../../recover/computeLosses.js'
import { findDepositors, readVaultPositions } from '../../recover/readVaultPositions.js'
import { trackClaims } from '../../recover/trackClaims.js'
import { governanceAuthority } from './eradicate.js'
import { formatAmount } from '../format.js'
import { drainCalldata } from '../scenario.js'
import { type DrillState, type PartialDrillState, need } from '../state.js'

const CLAIM_WINDOW_SECONDS = 30n * 24n * 60n * 60n

/** Losses from positions before and after, a Merkle distribution, a funded claim, claims, restore. */
export function recoverTasks(state: PartialDrillState): ListrTask[] {
  const recovery: Partial<DrillState['recovery']> = {}
  return [
    {
      title: 'compute each depositor\'s loss (vault positions before the attack vs now)',
      task: async (_, task) => {
        recovery.losses = await measureLosses(state)
        task.title = `${recovery.losses.losses.length} accounts lost ${formatAmount(recovery.losses.total)} in all`
      },
    },
    {
      title: 'build the Merkle distribution (full reimbursement)',
      task: (_, task) => {
        const incident = need(state, 'incident')
        const distribution = buildDistribution(required(recovery.losses).losses)
        const file = incident.path('distribution.json')
        writeFileSync(file, `${JSON.stringify(toJsonValue({ root: distribution.root, total: distribution.total, entries: distribution.entries, tree: distribution.dump }), null, 2)}\n`)
        incident.journal.append('distribution.built', { policy: 'full', root: distribution.root, total: distribution.total, accounts: distribution.entries.length, file: 'distribution.json' })
        Object.assign(recovery, { distribution, distributionFile: file })
        task.title = `distribution root ${distribution.root.slice(0, 18)}… for ${distribution.entries.length} accounts, published in distribution.json`
      },
    },
    {
      title: 'deploy and fund the claim contract',
      task: (_, task) => {
        const plan = claimPlan(state, recovery)
        recovery.claimAddress = plan.claimAddress
        return task.newListr(planTasks(need(state, 'chain'), plan, need(state, 'execution')))
      },
    },
    {
      title: 'affected users claim',
      task: async (_, task) => {
        await claimAll(state, recovery)
        recovery.claims = await trackClaims(need(state, 'chain'), required(recovery.claimAddress), required(recovery.distribution))
        need(state, 'incident').journal.append('claims.tracked', { claimAddress: recovery.claimAddress, ...recovery.claims })
        task.title = `${recovery.claims.claimed.length} of ${required(recovery.distribution).entries.length} claimed, ${formatAmount(recovery.claims.claimedAmount)} paid`
      },
    },
    {
      title: 'restore: unpause the vault',
      task: (_, task) => {
        const plan = restorePlan(state)
        const outcomes: StepOutcome[] = []
        return task.newListr([
          ...planTasks(need(state, 'chain'), plan, need(state, 'execution'), outcomes),
          {
            title: 'check every user is whole',
            task: async (_, inner) => {
              recovery.restoreBlock = outcomes.at(-1)?.blockNumber ?? 0n
              recovery.madeWhole = await checkMadeWhole(state)
              need(state, 'incident').journal.append('recovery.verified', { users: recovery.madeWhole })
              const whole = recovery.madeWhole.filter((user) => user.whole).length
              if (whole !== recovery.madeWhole.length) throw new Error(`${recovery.madeWhole.length - whole} users are not whole after recovery`)
              state.recovery = recovery as DrillState['recovery']
              inner.title = `all ${whole} users whole again`
            },
          },
        ])
      },
    },
  ]
}

function required<T>(value: T | undefined): T {
  if (value === undefined) throw new Error('drill phase order: a recovery step ran before the one it depends on')
  return value
}

async function measureLosses(state: PartialDrillState) {
  const chain = need(state, 'chain')
  const vault = need(state, 'protocol').vault
  const attack = need(state, 'attack')
  const preAttackBlock = attack.blockNumber - 1n
  const now = await chain.public.getBlockNumber()
  const depositors = await findDepositors(chain, vault.address, now)
  const before = await readVaultPositions(chain, vault, depositors, preAttackBlock)
  const after = await readVaultPositions(chain, vault, depositors, now)
  const losses = computeLosses({ before, after, exclude: [attack.from, attack.exploit] })
  need(state, 'incident').journal.append('losses.computed', {
    method: `vault shares valued with the vault's own convertToAssets at block ${preAttackBlock} (before the attack) and block ${now} (after containment); depositors found from Deposit events`,
    asset: need(state, 'protocol').token.address,
    beforeBlock: preAttackBlock,
    afterBlock: now,
    ...losses,
  })
  return losses
}

function claimPlan(state: PartialDrillState, recovery: Partial<DrillState['recovery']>) {
  const actors = need(state, 'actors')
  return buildClaimPlan({
    claimArtifact: need(state, 'artifacts').get('ReimbursementClaim'),
    token: need(state, 'protocol').token.address,
    distribution: required(recovery.distribution),
    claimDeadline: BigInt(Math.floor(Date.now() / 1000)) + CLAIM_WINDOW_SECONDS,
    treasury: { kind: 'key', address: actors.treasury.address, label: 'treasury' },
  })
}

/** Each affected user submits their own claim with the proof from the published distribution. */
async function claimAll(state: PartialDrillState, recovery: Partial<DrillState['recovery']>) {
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

/**
 * Unpause, gated on a fork by what must hold once users are back: the smallest depositor can
 * withdraw, and the exploit still fails against the fixed vault.
 */
function restorePlan(state: PartialDrillState) {
  const vault = need(state, 'protocol').vault
  const attack = need(state, 'attack')
  const dave = need(state, 'actors').users.at(-1)
  if (!dave) throw new Error('the drill has no users')
  const checks: Check[] = [
    {
      kind: 'call',
      description: `${dave.name} can withdraw 1 dUSD from the reopened vault`,
      from: dave.account.address,
      to: vault.address,
      data: encodeFunctionData({ abi: vault.abi, functionName: 'withdraw', args: [10n ** 18n, dave.account.address, dave.account.address] }),
      expect: 'success',
      abi: vault.abi,
    },
    {
      kind: 'call',
      description: `the exploit aimed at ${dave.name} fails on the reopened vault (allowance now checked)`,
      from: attack.from,
      to: attack.exploit,
      data: drainCalldata(need(state, 'artifacts'), need(state, 'protocol'), [dave.account.address]),
      expect: 'revert',
      error: 'ERC20InsufficientAllowance',
      abi: vault.abi,
    },
  ]
  return buildRestorePlan({ stages: [{ contract: vault, authority: governanceAuthority(need(state, 'actors')), checks }] })
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
