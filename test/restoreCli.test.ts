import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { bytesToHex } from 'viem'
import { mnemonicToAccount } from 'viem/accounts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ANVIL_MNEMONIC } from '../src/chain/index.js'
import { useDrillProtocol } from './fixtures/localChain.js'
import { attackAndPause, closeDeposits, withdrawalsStage, writeRestoreManifest } from './fixtures/restore.js'
import { type CliRun, runCli } from './fixtures/runCli.js'

const drill = useDrillProtocol({ snapshotEachTest: false })
/** anvil's development key of the drill's governance: public, and handed over only through the environment. */
const governanceKey = bytesToHex(mnemonicToAccount(ANVIL_MNEMONIC, { addressIndex: 0 }).getHdKey().privateKey!)

let dir: string
let manifest: string

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'firebreak-restore-cli-'))
  const attack = await attackAndPause(drill)
  await closeDeposits(drill)
  manifest = writeRestoreManifest(dir, drill, { stages: [withdrawalsStage(drill, attack)] })
})

afterAll(() => {
  rmSync(dir, { recursive: true, force: true })
})

function firebreak(...args: string[]): Promise<CliRun> {
  return runCli([...args, '--manifest', manifest, '--incidents', join(dir, 'incidents'), '--incident', 'vault-drain'], { FIREBREAK_TEST_GOVERNANCE_KEY: governanceKey })
}

const journal = () => readFileSync(join(dir, 'incidents', 'vault-drain', 'journal.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { type: string; data: Record<string, unknown> })

describe('firebreak restore', () => {
  it('approve signs the stage with the key from the authority\'s variable and journals it', async () => {
    const result = await firebreak('restore', 'approve', 'withdrawals', '--as', 'governance')

    expect(result.code).toBe(0)
    expect(result.stdout).toContain('stage: withdrawals\nturns back on:\n- unpause vault')
    expect(result.stdout).toContain(`signed by governance ${drill.actors.admin.address} (EIP-191)`)
    expect(journal().filter((entry) => entry.type === 'restore.approved').map((entry) => entry.data.authority)).toEqual(['governance'])
    expect(readFileSync(join(dir, 'incidents', 'vault-drain', 'journal.jsonl'), 'utf8')).not.toContain(governanceKey.slice(2))
  })

  it('approve refuses an authority the stage does not list, in one line', async () => {
    const result = await firebreak('restore', 'approve', 'withdrawals', '--as', 'guardian')

    expect(result.code).toBe(1)
    expect(result.stderr.trim()).toBe('firebreak: guardian cannot approve restore stage "withdrawals": expected one of governance')
  })

  it('run stops at the fix gate with its reason, lists every gate, and leaves the vault paused', async () => {
    const result = await firebreak('restore', 'run', 'withdrawals')

    expect(result.code).toBe(1)
    const [first, ...rest] = result.stderr.trim().split('\n')
    expect(first).toBe('firebreak: restore stage "withdrawals" refused, nothing was sent: fix gate: the journal has no storage-layout or attack-replay gate result: verify the fix first (storage layout, attack replay on a fork), or mark the stage fix: not-needed')
    expect(rest).toEqual(['  (run with --verbose for details)'])
    expect(result.stdout).toContain('gates of stage withdrawals: REFUSED\n  ✔ order: first stage\n  ✘ fix: ')
    expect(result.stdout).toContain('  ✔ approvals: 1 of 1 approval (governance)')
    // V1 still runs: the exploit works again once unpaused, and the fork says so.
    expect(result.stdout).toMatch(/ {2}✘ invariants: step "unpause vault as governance" runs on a fork but its check fails: the exploit aimed at dave fails/)
    expect(await drill.chain.public.readContract({ ...drill.protocol.vault, functionName: 'paused' })).toBe(true)
    expect(journal().map((entry) => entry.type)).not.toContain('step.sent')
    expect(journal().at(-1)).toMatchObject({ type: 'restore.failed', data: { stage: 'withdrawals', refusedBy: ['fix', 'invariants'] } })
  })
})
