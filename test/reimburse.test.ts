import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { StandardMerkleTree } from '@openzeppelin/merkle-tree'
import { type Address, erc20Abi, getAddress } from 'viem'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { devAccount } from '../src/chain/devAccounts.js'
import { sendAll } from '../src/drill/deployProtocol.js'
import type { KeyAuthority, SafeAuthority } from '../src/engine/plan.js'
import { type DecodedRevert, decodeRevert } from '../src/chain/revert.js'
import { type Incident, openIncident } from '../src/journal/incident.js'
import { PolicyExceedsFundsError } from '../src/recover/checkFunds.js'
import { reimbursementPolicy } from '../src/recover/policy.js'
import { type RunReimbursementParameters, runReimbursement } from '../src/recover/runReimbursement.js'
import { formatLossesCsv } from '../src/recover/writeLossFiles.js'
import { submitClaim } from './fixtures/claim.js'
import { useDrillProtocol } from './fixtures/localChain.js'
import { deploySafe, installMultiSendCallOnly } from './fixtures/safe.js'

const unit = 10n ** 18n
// Each test starts from the deployed protocol: the treasury holds its 1,000,000 dUSD reserve.
const drill = useDrillProtocol()
const { actors } = drill
const [alice, bob, carol] = actors.users
let dir: string
let lossesFile: string
let tests = 0

const treasury: KeyAuthority = { kind: 'key', address: actors.treasury.address, label: 'treasury' }

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'firebreak-reimburse-'))
  lossesFile = writeLosses('drained.csv', [
    [alice!.account.address, 50_000n * unit],
    [bob!.account.address, 30_000n * unit],
    [carol!.account.address, 15_000n * unit],
  ])
})

afterAll(() => {
  rmSync(dir, { recursive: true, force: true })
})

function writeLosses(name: string, rows: [Address, bigint][]): string {
  const file = join(dir, name)
  writeFileSync(file, formatLossesCsv({ losses: rows.map(([account, loss]) => ({ account, before: loss, after: 0n, loss })) }))
  return file
}

function freshIncident(): Incident {
  return openIncident({ root: join(dir, 'incidents'), id: `case-${++tests}` })
}

function reimburse(incident: Incident, overrides: Partial<RunReimbursementParameters> = {}) {
  return runReimbursement({
    chain: drill.chain,
    incident,
    lossesFile,
    policy: reimbursementPolicy(),
    mode: 'merkle',
    token: drill.protocol.token.address,
    funder: treasury,
    artifacts: drill.artifacts,
    accounts: [actors.treasury],
    ...overrides,
  })
}

const balanceOf = (token: Address, account: Address) => drill.chain.public.readContract({ address: token, abi: erc20Abi, functionName: 'balanceOf', args: [account] })
const dUSD = (account: Address) => balanceOf(drill.protocol.token.address, account)
const treasuryNonce = () => drill.chain.public.getTransactionCount({ address: actors.treasury.address })

async function revertOf(attempt: Promise<unknown>, abi: RunReimbursementParameters['artifacts']): Promise<DecodedRevert> {
  try {
    await attempt
  } catch (error) {
    return decodeRevert(error, [abi.get('ReimbursementClaim').abi, abi.get('RecoveryToken').abi])
  }
  throw new Error('expected a revert')
}

describe('reimburse through a Merkle claim', () => {
  it('publishes a tree OpenZeppelin rebuilds to the deployed root, funds the claim with the total, and pays each claim once', async () => {
    const incident = freshIncident()
    const treasuryBefore = await dUSD(actors.treasury.address)

    const outcome = await reimburse(incident)

    expect(outcome.status).toBe('reimbursed')
    const claimAddress = outcome.claimAddress!
    expect(await dUSD(claimAddress)).toBe(95_000n * unit)
    expect(treasuryBefore - (await dUSD(actors.treasury.address))).toBe(95_000n * unit)

    const published = JSON.parse(readFileSync(outcome.file, 'utf8'))
    const rebuilt = StandardMerkleTree.load(published.tree)
    const onChain = await drill.chain.public.readContract({ address: claimAddress, abi: drill.artifacts.get('ReimbursementClaim').abi, functionName: 'merkleRoot' }) as `0x${string}`
    expect(rebuilt.root).toBe(onChain)
    expect(published.root).toBe(onChain)

    const claim = { address: claimAddress, abi: drill.artifacts.get('ReimbursementClaim').abi, token: drill.protocol.token.address, deadline: 0n }
    for (const entry of published.entries as { index: number; account: Address; amount: string; proof: `0x${string}`[] }[]) {
      const before = await dUSD(entry.account)
      await submitClaim(drill.chain, claim, { ...entry, amount: BigInt(entry.amount) }, actors.admin)
      expect((await dUSD(entry.account)) - before).toBe(BigInt(entry.amount))
    }
    expect(await dUSD(claimAddress)).toBe(0n)

    const first = published.entries[0]
    const again = await revertOf(submitClaim(drill.chain, claim, { ...first, amount: BigInt(first.amount) }, alice!.account), drill.artifacts)
    expect(again.text).toBe('AlreadyClaimed(0)')
    expect(await dUSD(alice!.account.address)).toBe(50_000n * unit)

    const types = incident.journal.entries().map((entry) => entry.type)
    expect(types.filter((type) => ['distribution.built', 'reimburse.planned', 'plan.built', 'plan.simulated', 'step.done', 'plan.done', 'reimburse.finished'].includes(type))).toEqual([
      'distribution.built',
      'reimburse.planned',
      'plan.built',
      'plan.simulated',
      'step.done',
      'step.done',
      'plan.done',
      'reimburse.finished',
    ])
    expect(incident.journal.last('distribution.built')!.data).toMatchObject({ policy: 'full', root: onChain, total: (95_000n * unit).toString(), accounts: 3, file: `distribution-${onChain.slice(2, 10)}.json` })
  })

  it('funds a pro-rata claim with its rounded-down total, never the recovered amount, and keeps the dust in the treasury', async () => {
    // 10,000 dUSD and one wei shared among 95,000 lost: every share has a remainder.
    const recovered = 10_000n * unit + 1n
    const treasuryBefore = await dUSD(actors.treasury.address)

    const outcome = await reimburse(freshIncident(), { policy: reimbursementPolicy({ proRata: recovered }) })

    const paid = outcome.distribution.total
    expect(paid).toBeLessThanOrEqual(recovered)
    expect(outcome.policy.dust).toBe(recovered - paid)
    expect(outcome.policy.dust).toBeGreaterThan(0n)
    expect(outcome.distribution.entries.map((entry) => entry.amount)).toEqual([50_000n, 30_000n, 15_000n].map((loss) => (loss * unit * recovered) / (95_000n * unit)))
    expect(await dUSD(outcome.claimAddress!)).toBe(paid)
    expect(treasuryBefore - (await dUSD(actors.treasury.address))).toBe(paid)
  })

  it('sends nothing the second time it runs: the journal shows the plan done', async () => {
    const incident = freshIncident()
    const first = await reimburse(incident)
    const nonce = await treasuryNonce()

    const second = await reimburse(incident)

    expect(second.claimAddress).toBe(first.claimAddress)
    expect(second.steps.map((step) => step.status)).toEqual(['skipped', 'skipped'])
    expect(await treasuryNonce()).toBe(nonce)
    expect(await dUSD(first.claimAddress!)).toBe(95_000n * unit)
  })

  it('refuses a policy that pays more than the treasury holds, before building any plan', async () => {
    const incident = freshIncident()
    const nonce = await treasuryNonce()
    const whales = writeLosses('whales.csv', [
      [alice!.account.address, 900_000n * unit],
      [bob!.account.address, 200_000n * unit],
    ])

    const refused = await reimburse(incident, { lossesFile: whales }).catch((error: unknown) => error)

    expect(refused).toBeInstanceOf(PolicyExceedsFundsError)
    expect((refused as PolicyExceedsFundsError).shortMessage).toBe(
      `policy "full" for ${whales} pays 1,100,000 dUSD (${1_100_000n * unit}) to 2 accounts, but treasury ${actors.treasury.address} has only 1,000,000 dUSD (${1_000_000n * unit}): fund it with 100,000 dUSD (${100_000n * unit}) more, or reimburse pro-rata to at most ${1_000_000n * unit}`,
    )
    expect(incident.journal.entries().map((entry) => entry.type)).toEqual(['incident.opened', 'reimburse.started', 'reimburse.failed'])
    expect(await treasuryNonce()).toBe(nonce)
  })
})

describe('reimburse by direct transfers', () => {
  it('pays each account its amount from the treasury, one verified transfer per step, and pays nobody twice when run again', async () => {
    const incident = freshIncident()
    const before = await Promise.all([alice, bob, carol].map((user) => dUSD(user!.account.address)))

    const outcome = await reimburse(incident, { mode: 'transfers', policy: reimbursementPolicy({ cap: 20_000n * unit }) })

    expect(outcome.plan.steps.map((step) => step.id)).toEqual(['transfer-0', 'transfer-1', 'transfer-2'])
    const after = await Promise.all([alice, bob, carol].map((user) => dUSD(user!.account.address)))
    expect(after.map((balance, index) => balance - before[index]!)).toEqual([20_000n * unit, 20_000n * unit, 15_000n * unit])

    const nonce = await treasuryNonce()
    const again = await reimburse(incident, { mode: 'transfers', policy: reimbursementPolicy({ cap: 20_000n * unit }) })
    expect(again.steps.map((step) => step.status)).toEqual(['skipped', 'skipped', 'skipped'])
    expect(await treasuryNonce()).toBe(nonce)
  })
})

describe('reimburse by direct transfers from a Safe', () => {
  it('batches the transfers into one MultiSend per step, signed by the Safe\'s owner and submitted by a relayer', async () => {
    const owner = devAccount(10)
    const safe = getAddress(await deploySafe(drill.chain, { deployer: actors.admin, owners: [owner.address], threshold: 1 }))
    await installMultiSendCallOnly(drill.chain)
    await sendAll(drill.chain, actors.treasury, [{ ...drill.protocol.token, functionName: 'transfer', args: [safe, 200_000n * unit] }])
    const council: SafeAuthority = { kind: 'safe', address: safe, label: 'council', owners: [owner.address], threshold: 1, submitter: { kind: 'key', address: actors.admin.address, label: 'relayer' } }
    const before = await Promise.all([alice, bob, carol].map((user) => dUSD(user!.account.address)))

    const outcome = await reimburse(freshIncident(), { mode: 'transfers', funder: council, batchSize: 2, accounts: [owner, actors.admin] })

    expect(outcome.plan.steps.map((step) => [step.id, step.actions.length])).toEqual([
      ['transfer-0-1', 2],
      ['transfer-2', 1],
    ])
    const after = await Promise.all([alice, bob, carol].map((user) => dUSD(user!.account.address)))
    expect(after.map((balance, index) => balance - before[index]!)).toEqual([50_000n * unit, 30_000n * unit, 15_000n * unit])
    expect(await dUSD(safe)).toBe(105_000n * unit)
  })
})

describe('reimburse as a dry run', () => {
  it('publishes and simulates the claim without sending anything or telling the report a distribution was made', async () => {
    const incident = freshIncident()
    const nonce = await treasuryNonce()

    const outcome = await reimburse(incident, { dryRun: true })

    expect(outcome.status).toBe('dry-run')
    expect(outcome.simulation!.ok).toBe(true)
    expect(await treasuryNonce()).toBe(nonce)
    expect(await drill.chain.public.getCode({ address: outcome.claimAddress! })).toBeUndefined()
    const types = incident.journal.entries().map((entry) => entry.type)
    expect(types).toContain('distribution.previewed')
    expect(types).not.toContain('distribution.built')
    expect(JSON.parse(readFileSync(outcome.file, 'utf8')).root).toBe(outcome.distribution.root)
  })
})

describe('reimburse with a recovery token', () => {
  it('issues a non-transferable rdUSD per affected account, which its holder cannot pass on', async () => {
    const outcome = await reimburse(freshIncident(), { mode: 'tokens' })

    const token = outcome.recoveryToken!
    const abi = drill.artifacts.get('RecoveryToken').abi
    expect(await drill.chain.public.readContract({ address: token, abi, functionName: 'symbol' })).toBe('rdUSD')
    expect(await drill.chain.public.readContract({ address: token, abi, functionName: 'owner' })).toBe(getAddress(actors.treasury.address))
    expect(await Promise.all([alice, bob, carol].map((user) => balanceOf(token, user!.account.address)))).toEqual([50_000n * unit, 30_000n * unit, 15_000n * unit])

    const transfer = drill.chain.wallet(alice!.account).writeContract({ address: token, abi, functionName: 'transfer', args: [bob!.account.address, 1n] })
    const revert = await revertOf(transfer, drill.artifacts)
    expect(revert.text).toBe(`TransfersDisabled(${alice!.account.address}, ${bob!.account.address})`)
  })

  it('issues a transferable one when asked, which its holder can sell', async () => {
    const outcome = await reimburse(freshIncident(), { mode: 'tokens', recoveryToken: { transferable: true, symbol: 'IOU' } })

    const token = outcome.recoveryToken!
    const abi = drill.artifacts.get('RecoveryToken').abi
    const hash = await drill.chain.wallet(alice!.account).writeContract({ address: token, abi, functionName: 'transfer', args: [bob!.account.address, 1_000n * unit] })
    await drill.chain.public.waitForTransactionReceipt({ hash })

    expect(await balanceOf(token, bob!.account.address)).toBe(31_000n * unit)
  })
})

describe('reimburse never pays an account twice for the same losses file, whatever the incident', () => {
  const transfers = { mode: 'transfers' as const }

  it('pays nothing under a new incident once another incident of the workspace paid everyone, names each payment, and exits as already paid', async () => {
    const first = freshIncident()
    await reimburse(first, transfers)
    const balances = await Promise.all([alice, bob, carol].map((user) => dUSD(user!.account.address)))
    const nonce = await treasuryNonce()

    const second = freshIncident()
    const outcome = await reimburse(second, transfers)

    expect(outcome.status).toBe('already-paid')
    expect(outcome.alreadyPaid.map((paid) => [paid.account, paid.amount, paid.how, paid.state, paid.incident])).toEqual([
      [alice!.account.address, 50_000n * unit, 'transfer', 'mined', first.id],
      [bob!.account.address, 30_000n * unit, 'transfer', 'mined', first.id],
      [carol!.account.address, 15_000n * unit, 'transfer', 'mined', first.id],
    ])
    expect(await treasuryNonce()).toBe(nonce)
    expect(await Promise.all([alice, bob, carol].map((user) => dUSD(user!.account.address)))).toEqual(balances)
    const types = second.journal.entries().map((entry) => entry.type)
    expect(types).not.toContain('plan.built')
    expect(types).not.toContain('distribution.built')
    expect(second.journal.last('reimburse.finished')!.data).toMatchObject({ status: 'reimbursed', mode: 'transfers' })
    expect((second.journal.last('reimburse.finished')!.data as { alreadyPaid?: unknown[] }).alreadyPaid).toHaveLength(3)
  })

  it('knows the losses file by its content: a renamed copy finds the payments of the original', async () => {
    await reimburse(freshIncident(), transfers)
    const copy = join(dir, 'drained-copy.csv')
    writeFileSync(copy, readFileSync(lossesFile))
    const nonce = await treasuryNonce()

    const outcome = await reimburse(freshIncident(), { ...transfers, lossesFile: copy })

    expect(outcome.status).toBe('already-paid')
    expect(await treasuryNonce()).toBe(nonce)
  })

  it('sees on chain a payment no journal here records (a workspace elsewhere) and pays only the others', async () => {
    // The treasury paid alice from another machine: only its Transfer log tells.
    const hash = await drill.chain.wallet(actors.treasury).writeContract({ ...drill.protocol.token, functionName: 'transfer', args: [alice!.account.address, 50_000n * unit] } as never)
    await drill.chain.public.waitForTransactionReceipt({ hash })
    const before = await Promise.all([alice, bob, carol].map((user) => dUSD(user!.account.address)))

    const outcome = await reimburse(freshIncident(), transfers)

    expect(outcome.status).toBe('reimbursed')
    expect(outcome.alreadyPaid.map((paid) => [paid.account, paid.amount, paid.txHash, paid.incident])).toEqual([[alice!.account.address, 50_000n * unit, hash, undefined]])
    expect(outcome.distribution.entries.map((entry) => entry.account)).toEqual([bob!.account.address, carol!.account.address])
    const after = await Promise.all([alice, bob, carol].map((user) => dUSD(user!.account.address)))
    expect(after.map((balance, index) => balance - before[index]!)).toEqual([0n, 30_000n * unit, 15_000n * unit])
  })

  it('resumes in the same incident with the same accounts left out, sending nothing twice', async () => {
    const hash = await drill.chain.wallet(actors.treasury).writeContract({ ...drill.protocol.token, functionName: 'transfer', args: [alice!.account.address, 50_000n * unit] } as never)
    await drill.chain.public.waitForTransactionReceipt({ hash })
    const incident = freshIncident()
    const first = await reimburse(incident, transfers)
    const nonce = await treasuryNonce()

    const again = await reimburse(incident, transfers)

    expect(again.plan.id).toBe(first.plan.id)
    expect(again.alreadyPaid.map((paid) => paid.account)).toEqual([alice!.account.address])
    expect(again.steps.map((step) => step.status)).toEqual(['skipped', 'skipped'])
    expect(await treasuryNonce()).toBe(nonce)
  })

  it('takes a journal whose payments the chain does not hold for what it is: evidence of nothing paid here', async () => {
    // Another test's incidents sit in the same folder, paid on a chain reverted since: the chain decides.
    const before = await Promise.all([alice, bob, carol].map((user) => dUSD(user!.account.address)))

    const outcome = await reimburse(freshIncident(), transfers)

    expect(outcome.status).toBe('reimbursed')
    expect(outcome.alreadyPaid).toEqual([])
    const after = await Promise.all([alice, bob, carol].map((user) => dUSD(user!.account.address)))
    expect(after.map((balance, index) => balance - before[index]!)).toEqual([50_000n * unit, 30_000n * unit, 15_000n * unit])
  })

  it('funds no second claim contract for a root already funded, even when no journal of this workspace knows it', async () => {
    const funded = await reimburse(freshIncident())
    const nonce = await treasuryNonce()

    const elsewhere = openIncident({ root: join(dir, 'elsewhere'), id: `case-${++tests}` })
    const outcome = await reimburse(elsewhere)

    expect(outcome.status).toBe('already-paid')
    expect(outcome.alreadyPaid.map((paid) => [paid.account, paid.how, paid.incident])).toEqual([alice, bob, carol].map((user) => [user!.account.address, 'claim', undefined]))
    expect(await treasuryNonce()).toBe(nonce)
    expect(await dUSD(funded.claimAddress!)).toBe(95_000n * unit)
  })

  it('leaves out of a Merkle claim the accounts another incident paid by transfer', async () => {
    const paidByTransfer = await reimburse(freshIncident(), { ...transfers, policy: reimbursementPolicy({ minimum: 20_000n * unit }) })

    const outcome = await reimburse(freshIncident())

    expect(paidByTransfer.distribution.entries.map((entry) => entry.account)).toEqual([alice!.account.address, bob!.account.address])
    expect(outcome.alreadyPaid.map((paid) => paid.account)).toEqual([alice!.account.address, bob!.account.address])
    expect(outcome.distribution.entries.map((entry) => [entry.account, entry.amount])).toEqual([[carol!.account.address, 15_000n * unit]])
    expect(await dUSD(outcome.claimAddress!)).toBe(15_000n * unit)
  })

  it('counts on chain only what the funder sent since the losses file\'s block: a payment for earlier losses is not one for these', async () => {
    const earlier = await drill.chain.wallet(actors.treasury).writeContract({ ...drill.protocol.token, functionName: 'transfer', args: [alice!.account.address, 50_000n * unit] } as never)
    await drill.chain.public.waitForTransactionReceipt({ hash: earlier })
    const afterBlock = await drill.chain.public.getBlockNumber({ cacheTime: 0 })
    const file = join(dir, 'measured.json')
    writeFileSync(file, JSON.stringify({ afterBlock: afterBlock.toString(), losses: [{ account: alice!.account.address, loss: (50_000n * unit).toString() }] }))
    const before = await dUSD(alice!.account.address)

    const outcome = await reimburse(freshIncident(), { ...transfers, lossesFile: file })

    expect(outcome.alreadyPaid).toEqual([])
    expect((await dUSD(alice!.account.address)) - before).toBe(50_000n * unit)
  })

  it('pays again only when asked to, and journals the second payment as deliberate', async () => {
    await reimburse(freshIncident(), transfers)
    const before = await Promise.all([alice, bob, carol].map((user) => dUSD(user!.account.address)))

    const incident = freshIncident()
    const outcome = await reimburse(incident, { ...transfers, payAgain: true })

    expect(outcome.status).toBe('reimbursed')
    expect(outcome.paidAgain.map((paid) => paid.account)).toEqual([alice, bob, carol].map((user) => user!.account.address))
    const after = await Promise.all([alice, bob, carol].map((user) => dUSD(user!.account.address)))
    expect(after.map((balance, index) => balance - before[index]!)).toEqual([50_000n * unit, 30_000n * unit, 15_000n * unit])
    expect(incident.journal.last('reimburse.started')!.data).toMatchObject({ payAgain: true })
    const planned = incident.journal.last('reimburse.planned')!.data as { planId: string; paidAgain?: { account: string }[] }
    expect(planned.planId).toMatch(/-again$/)
    expect(planned.paidAgain?.map((paid) => paid.account)).toEqual([alice, bob, carol].map((user) => user!.account.address))
  })

  it('issues no second recovery token for losses another incident issued one for', async () => {
    await reimburse(freshIncident(), { mode: 'tokens' })
    const nonce = await treasuryNonce()

    const outcome = await reimburse(freshIncident(), { mode: 'tokens' })

    expect(outcome.status).toBe('already-paid')
    expect(outcome.alreadyPaid.map((paid) => paid.how)).toEqual(['recovery-token', 'recovery-token', 'recovery-token'])
    expect(await treasuryNonce()).toBe(nonce)
  })
})
