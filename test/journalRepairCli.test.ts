import { mkdtempSync, readFileSync, rmSync, statSync, truncateSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { bytesToHex } from 'viem'
import { mnemonicToAccount } from 'viem/accounts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ANVIL_MNEMONIC } from '../src/chain/index.js'
import { useDrillProtocol } from './fixtures/localChain.js'
import { writeTestManifest } from './fixtures/manifest.js'
import { runCli } from './fixtures/runCli.js'

const drill = useDrillProtocol({ snapshotEachTest: false })
const guardianKey = bytesToHex(mnemonicToAccount(ANVIL_MNEMONIC, { addressIndex: 1 }).getHdKey().privateKey!)

let dir: string
let manifest: string
const incident = () => join(dir, 'incidents', 'torn')
const journalFile = () => join(incident(), 'journal.jsonl')

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'firebreak-journal-repair-'))
  manifest = writeTestManifest(dir, {
    rpcUrl: drill.anvil.rpcUrl,
    contracts: [drill.protocol.vault],
    authorities: [{ name: 'guardian', type: 'eoa', address: drill.actors.guardian.address, keyEnv: 'GUARDIAN_KEY' }],
  })
})

afterAll(() => {
  rmSync(dir, { recursive: true, force: true })
})

function contain(...args: string[]) {
  return runCli(['contain', 'pause-all', '--manifest', manifest, '--incidents', join(dir, 'incidents'), '--incident', 'torn', ...args], { GUARDIAN_KEY: guardianKey })
}

function journalTypes(): string[] {
  return readFileSync(journalFile(), 'utf8').trim().split('\n').map((line) => (JSON.parse(line) as { type: string }).type)
}

describe('a journal whose last line was cut mid-way', () => {
  it('verifies as a torn last line (exit 6, not TAMPERED); the rerun repairs it, journals the repair, contains, and ends with the head', async () => {
    const dry = await contain('--dry-run')
    expect(dry.code, dry.stderr).toBe(0)
    const typesBefore = journalTypes()
    const lastLine = readFileSync(journalFile(), 'utf8').trimEnd().split('\n').at(-1) as string
    // A full disk or a power cut: the last write stops half-way and its newline never lands.
    truncateSync(journalFile(), statSync(journalFile()).size - Math.floor(lastLine.length / 2) - 1)

    const torn = await runCli(['journal', 'verify', incident()])
    expect(torn.code).toBe(6)
    expect(torn.stdout).toContain('journal interrupted, not tampered')
    expect(torn.stdout).toContain(`line ${typesBefore.length} (seq ${typesBefore.length - 1}): torn last line`)
    expect(torn.stdout).not.toContain('TAMPERED')

    const rerun = await contain()
    expect(rerun.code, rerun.stderr).toBe(0)
    expect(await drill.chain.public.readContract({ address: drill.protocol.vault.address, abi: drill.protocol.vault.abi, functionName: 'paused' })).toBe(true)
    const types = journalTypes()
    expect(types.slice(0, typesBefore.length)).toEqual([...typesBefore.slice(0, -1), 'journal.repaired'])
    expect(types.slice(typesBefore.length)).toContain('contain.finished')
    const repaired = JSON.parse(readFileSync(journalFile(), 'utf8').split('\n')[typesBefore.length - 1] as string) as { data: Record<string, unknown> }
    expect(repaired.data).toMatchObject({ problem: 'torn-last-line', seq: typesBefore.length - 1, text: lastLine.slice(0, lastLine.length - Math.floor(lastLine.length / 2)), confirmedByHead: true })

    const headLine = rerun.stderr.trimEnd().split('\n').at(-1) as string
    expect(headLine).toMatch(/^journal head 0x[0-9a-f]{64} \(incident torn\)$/)
    const anchor = headLine.split(' ')[2] as string
    const verified = await runCli(['journal', 'verify', incident(), '--anchor', anchor])
    expect(verified.code, verified.stdout).toBe(0)
    expect(verified.stdout).toMatch(new RegExp(`^journal intact: ${types.length} entries, hash chain and head verified; it extends anchor ${anchor} \\(seq ${types.length - 1}\\) by 0 entries`))
  })

  it('an anchor the journal no longer holds fails verify with exit 1', async () => {
    const result = await runCli(['journal', 'verify', incident(), '--anchor', `0x${'ab'.repeat(32)}`])
    expect(result.code).toBe(1)
    expect(result.stdout).toContain(`anchor 0x${'ab'.repeat(32)} is not in the journal`)
  })

  it('a malformed --anchor is a usage error on one line', async () => {
    const result = await runCli(['journal', 'verify', incident(), '--anchor', '0x12'])
    expect(result.code).toBe(2)
    expect(result.stderr).toBe('firebreak: --anchor: expected a journal head hash (0x and 64 hex digits), got "0x12"\n')
  })
})
