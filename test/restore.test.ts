import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { encodeFunctionData } from 'viem'
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { Attack } from '../src/drill/scenario.js'
import { type Incident, openIncident } from '../src/journal/index.js'
import { loadManifest } from '../src/manifest/index.js'
import { approveRestore } from '../src/recover/restore/approveRestore.js'
import { RestoreError, RestoreRefusedError } from '../src/recover/restore/errors.js'
import { runRestore } from '../src/recover/restore/runRestore.js'
import { useDrillProtocol } from './fixtures/localChain.js'
import { attackAndPause, closeDeposits, deployFix, depositsStage, recordFixGates, withdrawalsStage, writeRestoreManifest } from './fixtures/restore.js'

const drill = useDrillProtocol()
const { actors } = drill
let attack: Attack
let dir: string
let incident: Incident

beforeAll(async () => {
  attack = await attackAndPause(drill)
  await closeDeposits(drill)
})

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'firebreak-restore-'))
  incident = openIncident({ root: join(dir, 'incidents'), id: 'vault-drain' })
})

afterEach(() => {
  rmSync(dir, { recursive: true, force: true })
})

const vaultRead = (functionName: 'paused' | 'depositCap') => drill.chain.public.readContract({ ...drill.protocol.vault, functionName }) as Promise<unknown>
const journalTypes = () => incident.journal.entries().map((entry) => entry.type)
const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('the restore was not refused')
    },
    (error: unknown) => {
      expect(error).toBeInstanceOf(RestoreRefusedError)
      return error as RestoreRefusedError
    },
  )

describe('firebreak restore on the drained drill vault', () => {
  it('refuses to unpause while the exploit still works on a fork, and leaves the vault paused', async () => {
    const manifest = loadManifest(writeRestoreManifest(dir, drill, { stages: [withdrawalsStage(drill, attack)] }))
    // The fix was verified and governance approved, but nobody deployed the upgrade: the vault still runs V1.
    await recordFixGates(incident.journal, drill, attack)
    await approveRestore({ manifest, incident, stage: 'withdrawals', as: 'governance', accounts: [actors.admin] })
    const nonceBefore = await drill.chain.public.getTransactionCount({ address: actors.admin.address })

    const error = await refusal(runRestore({ manifest, incident, stage: 'withdrawals', accounts: [actors.admin] }))

    expect(error.shortMessage).toBe(
      'restore stage "withdrawals" refused, nothing was sent: invariants gate: step "unpause vault as governance" runs on a fork but its check fails: the exploit aimed at dave fails on the reopened vault (expected revert with ERC20InsufficientAllowance, got success)',
    )
    expect(error.gates.map((gate) => [gate.gate, gate.passed])).toEqual([['order', true], ['fix', true], ['approvals', true], ['invariants', false]])
    expect(await vaultRead('paused')).toBe(true)
    expect(await drill.chain.public.getTransactionCount({ address: actors.admin.address })).toBe(nonceBefore)
    expect(journalTypes()).not.toContain('step.sent')
    expect(incident.journal.last('restore.gates')?.data).toMatchObject({ stage: 'withdrawals', passed: false })
    expect(incident.journal.last('restore.failed')?.data).toEqual({ stage: 'withdrawals', reason: error.shortMessage, refusedBy: ['invariants'] })
  })

  it('reopens withdrawals first and deposits later, each stage refused until its gates pass', async () => {
    await deployFix(drill)
    const manifest = loadManifest(writeRestoreManifest(dir, drill, { stages: [withdrawalsStage(drill, attack), depositsStage(drill)] }))
    await recordFixGates(incident.journal, drill, attack)
    const accounts = [actors.admin, actors.guardian]

    const early = await refusal(runRestore({ manifest, incident, stage: 'deposits', accounts }))
    expect(early.shortMessage).toContain('order gate: earlier stage not restored yet: withdrawals (run firebreak restore run withdrawals first)')
    expect(early.gates.find((gate) => gate.gate === 'approvals')).toMatchObject({ passed: false, detail: expect.stringContaining('0 of 2 approvals') })
    expect(await vaultRead('depositCap')).toBe(0n)

    await approveRestore({ manifest, incident, stage: 'withdrawals', as: 'governance', accounts })
    const dryRun = await runRestore({ manifest, incident, stage: 'withdrawals', accounts, dryRun: true })
    expect(dryRun.status).toBe('dry-run')
    expect(await vaultRead('paused')).toBe(true)

    const withdrawals = await runRestore({ manifest, incident, stage: 'withdrawals', accounts })
    expect(withdrawals.status).toBe('restored')
    expect(withdrawals.steps.map((step) => step.checks.map((check) => [check.description, check.passed]))).toEqual([
      [
        ['vault.paused() is false', true],
        ['dave can withdraw 1 dUSD', true],
        ['the exploit aimed at dave fails on the reopened vault', true],
        ['deposits stay closed', true],
      ],
    ])
    expect(await vaultRead('paused')).toBe(false)
    expect(await vaultRead('depositCap')).toBe(0n)

    await approveRestore({ manifest, incident, stage: 'deposits', as: 'governance', accounts })
    const oneApproval = await refusal(runRestore({ manifest, incident, stage: 'deposits', accounts }))
    expect(oneApproval.shortMessage).toContain('approvals gate: 1 of 2 approvals (governance): 1 more needed from guardian')
    expect(await vaultRead('depositCap')).toBe(0n)

    await approveRestore({ manifest, incident, stage: 'deposits', as: 'guardian', accounts })
    const deposits = await runRestore({ manifest, incident, stage: 'deposits', accounts })
    expect(deposits.status).toBe('restored')
    expect(deposits.plan?.steps.map((step) => step.title)).toEqual(['vault.setDepositCap(10000000000000000000000000) as governance'])
    expect(await vaultRead('depositCap')).toBe(10_000_000n * 10n ** 18n)
    expect(incident.journal.filter('restore.finished').map((entry) => entry.data)).toMatchObject([
      { stage: 'withdrawals', status: 'dry-run' },
      { stage: 'withdrawals', status: 'restored', planId: 'restore-withdrawals' },
      { stage: 'deposits', status: 'restored', planId: 'restore-deposits' },
    ])
    expect((await runRestore({ manifest, incident, stage: 'deposits', accounts })).status).toBe('already-restored')
  })

  it('says the stage is open but broken when an invariant that held on the fork fails on chain', async () => {
    await deployFix(drill)
    const stage = { ...withdrawalsStage(drill, attack, { required: 1 }), invariants: [{ description: 'deposits stay closed', contract: 'vault', function: 'depositCap', equals: 0 }] }
    const manifest = loadManifest(writeRestoreManifest(dir, drill, { stages: [stage] }))
    await recordFixGates(incident.journal, drill, attack)
    await approveRestore({ manifest, incident, stage: 'withdrawals', as: 'guardian', accounts: [actors.guardian] })
    // Between the fork and the block, governance raises the cap: the chain is not the fork any more.
    const raiseCap = async () => {
      const hash = await drill.chain.wallet(actors.admin).sendTransaction({ to: drill.protocol.vault.address, data: encodeFunctionData({ abi: drill.protocol.vault.abi, functionName: 'setDepositCap', args: [1n] }) })
      await drill.chain.public.waitForTransactionReceipt({ hash })
    }

    const error = await runRestore({ manifest, incident, stage: 'withdrawals', accounts: [actors.admin], onProgress: (event) => (event.stage === 'prepared' ? raiseCap() : undefined) }).catch((caught: unknown) => caught)

    expect(error).toBeInstanceOf(RestoreError)
    expect((error as RestoreError).shortMessage).toBe(
      'restore stage "withdrawals" was sent but does not hold on chain: step "unpause vault as governance" ran but its check failed: deposits stay closed (expected 0, got 1); pause it again (firebreak contain) and find out what changed',
    )
    expect(await vaultRead('paused')).toBe(false)
    expect(incident.journal.last('restore.failed')?.data).toEqual({ stage: 'withdrawals', reason: (error as RestoreError).shortMessage })
  })

  it('names the stage call whose function the vault does not have, at its place in the manifest', async () => {
    const stage = { name: 'deposits', calls: [{ contract: 'vault', function: 'setDepositCapp', args: ['1'] }], fix: 'not-needed' }
    const manifest = loadManifest(writeRestoreManifest(dir, drill, { stages: [stage] }))

    const error = await runRestore({ manifest, incident, stage: 'deposits', accounts: [actors.admin] }).catch((caught: unknown) => caught)

    expect((error as Error).message).toBe(`${manifest.file}: restore.stages[0].calls[0].function: expected a function of vault, got "setDepositCapp" (did you mean "setDepositCap"?)`)
    expect(incident.journal.last('restore.failed')?.data).toMatchObject({ stage: 'deposits' })
  })
})
