import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { anvilsOnPort } from './fixtures/processes.js'
import { runCli } from './fixtures/runCli.js'

// The CLI runs from dist/: `npm test` builds first.
describe('firebreak drill --chains 2', () => {
  const dir = mkdtempSync(join(tmpdir(), 'firebreak-drill-chains-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('attacks, contains with one command, fixes, reimburses and restores both chains in one incident, and stops both anvils', async () => {
    const run = await runCli(['drill', '--chains', '2', '--json', '--incidents', join(dir, 'incidents')])
    expect(run.code, run.stderr).toBe(0)
    const summary = JSON.parse(run.stdout) as { ok: boolean; incident: { id: string; dir: string }; chains: Record<string, any>[] }
    expect(summary.ok).toBe(true)
    expect(summary.chains.map((chain) => [chain.name, chain.chain.chainId])).toEqual([
      ['chain-1', 31337],
      ['chain-2', 31338],
    ])
    for (const chain of summary.chains) {
      expect(chain.attack.stolen).toBe((95_000n * 10n ** 18n).toString())
      expect(BigInt(chain.containment.pauseBlock)).toBeGreaterThan(BigInt(chain.attack.blockNumber))
      expect(chain.containment.secondAttemptReverted).toBe(true)
      expect(chain.eradication.storageCompatible).toBe(true)
      expect(BigInt(chain.eradication.upgradeBlock)).toBeGreaterThan(BigInt(chain.containment.pauseBlock))
      expect(chain.recovery.reimbursed).toBe(chain.recovery.totalLoss)
      expect(chain.recovery.users.every((user: { whole: boolean }) => user.whole)).toBe(true)
      expect(BigInt(chain.recovery.restoreBlock)).toBeGreaterThan(BigInt(chain.eradication.upgradeBlock))
      expect(anvilsOnPort(Number(new URL(chain.chain.rpcUrl).port))).toEqual([])
    }
    // Both chains' claim contracts and distributions are their own, in the chain's folder of the one incident.
    expect(summary.chains[0]!.recovery.claimContract).not.toBe(summary.chains[1]!.recovery.claimContract)
    const verify = await runCli(['journal', 'verify', summary.incident.dir])
    expect(verify.code, verify.stdout + verify.stderr).toBe(0)
  })
})
