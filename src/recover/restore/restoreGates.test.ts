import { privateKeyToAccount } from 'viem/accounts'
import { describe, expect, it } from 'vitest'
import type { Manifest, ManifestRestoreStage } from '../../manifest/types.js'
import { restoreApprovalMessage } from './approvalMessage.js'
import { approvalsGate, fixGate, orderGate } from './restoreGates.js'

// Throwaway keys: the gate is pure cryptography over journal entries, no chain involved.
const governance = privateKeyToAccount(`0x${'11'.repeat(32)}`)
const risk = privateKeyToAccount(`0x${'22'.repeat(32)}`)
const intruder = privateKeyToAccount(`0x${'33'.repeat(32)}`)
const VAULT = '0x5FbDB2315678afecb367f032d93F642f64180aa3'

function stage(overrides: Partial<ManifestRestoreStage> = {}): ManifestRestoreStage {
  return { name: 'withdrawals', unpause: ['vault'], calls: [], fix: 'required', invariants: [], approvals: { required: 2, from: ['governance', 'risk'] }, ...overrides }
}

function manifestWith(stages: ManifestRestoreStage[]): Manifest {
  return {
    file: 'firebreak.yaml',
    chains: [{ name: 'local', rpcUrl: 'http://127.0.0.1:8545', chainId: 31337 }],
    contracts: [{ name: 'vault', address: VAULT, chain: 'local' }],
    authorities: [
      { name: 'governance', type: 'eoa', address: governance.address },
      { name: 'risk', type: 'eoa', address: risk.address },
      { name: 'council', type: 'safe', address: intruder.address },
    ],
    playbooks: [],
    normalOperations: [],
    restore: stages,
  }
}

const entry = (type: string, data: unknown) => ({ type, data })

async function approval(manifest: Manifest, restoreStage: ManifestRestoreStage, authority: string, signer = authority === 'governance' ? governance : risk, incidentId = 'vault-drain') {
  const message = restoreApprovalMessage({ manifest, stage: restoreStage, incidentId, chainId: 31337 })
  return entry('restore.approved', { stage: restoreStage.name, authority, address: signer.address, message, signature: await signer.signMessage({ message }) })
}

describe('approvalsGate', () => {
  it('passes once two listed authorities signed this very stage, and names them', async () => {
    const withdrawals = stage()
    const manifest = manifestWith([withdrawals])
    const message = restoreApprovalMessage({ manifest, stage: withdrawals, incidentId: 'vault-drain', chainId: 31337 })
    const entries = [await approval(manifest, withdrawals, 'governance'), await approval(manifest, withdrawals, 'governance'), await approval(manifest, withdrawals, 'risk')]

    expect(await approvalsGate(entries, { manifest, stage: withdrawals, message })).toEqual({ gate: 'approvals', passed: true, detail: '2 of 2 approvals (governance, risk)' })
  })

  it('does not count an entry signed by another key than the authority\'s, however it is labelled', async () => {
    const withdrawals = stage()
    const manifest = manifestWith([withdrawals])
    const message = restoreApprovalMessage({ manifest, stage: withdrawals, incidentId: 'vault-drain', chainId: 31337 })
    const forged = await approval(manifest, withdrawals, 'risk', intruder)

    const gate = await approvalsGate([await approval(manifest, withdrawals, 'governance'), forged], { manifest, stage: withdrawals, message })

    expect(gate.passed).toBe(false)
    expect(gate.detail).toBe('1 of 2 approvals (governance); 1 approval whose signature does not match the authority ignored: 1 more needed from risk (firebreak restore approve withdrawals --as <authority>)')
  })

  it('ignores approvals of the stage before it was edited, or of another incident', async () => {
    const before = stage()
    const edited = stage({ invariants: [{ kind: 'read', description: 'still paused', target: { contract: 'vault' }, function: 'paused', args: [], op: 'eq', expect: true }] })
    const manifest = manifestWith([edited])
    const message = restoreApprovalMessage({ manifest, stage: edited, incidentId: 'vault-drain', chainId: 31337 })
    const entries = [await approval(manifestWith([before]), before, 'governance'), await approval(manifest, edited, 'risk', risk, 'another-incident')]

    const gate = await approvalsGate(entries, { manifest, stage: edited, message })

    expect(gate).toMatchObject({ passed: false, detail: expect.stringMatching(/^0 of 2 approvals; 2 approvals of an earlier version of the stage ignored/) })
  })

  it('passes without any entry when the stage requires no approval', async () => {
    const open = stage({ approvals: { required: 0, from: [] } })
    const manifest = manifestWith([open])
    expect(await approvalsGate([], { manifest, stage: open, message: '' })).toEqual({ gate: 'approvals', passed: true, detail: 'the stage requires no approval' })
  })
})

describe('fixGate', () => {
  const storage = (compatible: boolean) => entry('gate.storage', { from: 'VaultV1', to: 'VaultV2', compatible })
  const replay = (passed: boolean) => entry('gate.replay', { passed, verdict: passed ? 'the attack now reverts' : 'the attack still extracts 95000' })

  it('refuses without both gate results in the journal, and says how to go on', () => {
    expect(fixGate([storage(true)], stage())).toEqual({
      gate: 'fix',
      passed: false,
      detail: 'the journal has no attack-replay gate result: verify the fix first (storage layout, attack replay on a fork), or mark the stage fix: not-needed',
    })
  })

  it('judges by the latest result of each gate', () => {
    expect(fixGate([storage(true), replay(true), replay(false)], stage())).toMatchObject({ passed: false, detail: 'the latest attack replay FAILED: the attack still extracts 95000' })
    expect(fixGate([storage(true), replay(false), replay(true)], stage())).toMatchObject({ passed: true, detail: 'storage layout VaultV1 → VaultV2 compatible; attack replay passed: the attack now reverts' })
    expect(fixGate([storage(false), replay(true)], stage())).toMatchObject({ passed: false, detail: 'the latest storage-layout gate FAILED (VaultV1 → VaultV2)' })
  })

  it('passes a stage that says no fix was needed', () => {
    expect(fixGate([], stage({ fix: 'not-needed' }))).toMatchObject({ passed: true })
  })
})

describe('orderGate', () => {
  it('holds a stage back until every earlier one is restored', () => {
    const withdrawals = stage()
    const deposits = stage({ name: 'deposits' })
    const manifest = manifestWith([withdrawals, deposits])

    expect(orderGate([], manifest, deposits)).toMatchObject({ passed: false, detail: 'earlier stage not restored yet: withdrawals (run firebreak restore run withdrawals first)' })
    expect(orderGate([entry('restore.finished', { stage: 'withdrawals', status: 'dry-run' })], manifest, deposits).passed).toBe(false)
    expect(orderGate([entry('restore.finished', { stage: 'withdrawals', status: 'restored' })], manifest, deposits)).toMatchObject({ passed: true, detail: 'earlier stages restored: withdrawals' })
  })
})
