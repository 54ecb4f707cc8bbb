import { existsSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { runCli } from './fixtures/runCli.js'

const dist = resolve(import.meta.dirname, '..', 'dist', 'cli', 'main.js')

/**
 * A bad value is refused while the command line is read, the same way in every command: exit 2, one
 * line naming the flag, before a manifest is read, a chain touched or an incident folder opened.
 */
describe('a bad value on the command line', () => {
  let cwd: string
  beforeAll(() => {
    if (!existsSync(dist)) throw new Error('dist/ is missing: run `npm run build` (npm test does it first)')
    cwd = mkdtempSync(join(tmpdir(), 'firebreak-values-'))
  })

  const hash = `0x${'ab'.repeat(32)}`
  const cases: [string, string[], string][] = [
    ['migrate --batch-size abc', ['migrate', 'vault', '--authority', 'ops', '--batch-size', 'abc'], '--batch-size: expected a whole number of at least 1, got "abc"'],
    ['migrate --batch-size 0', ['migrate', 'vault', '--authority', 'ops', '--batch-size', '0'], '--batch-size: expected a whole number of at least 1, got "0"'],
    ['migrate --claim-days 1.5', ['migrate', 'vault', '--authority', 'ops', '--claim-days', '1.5'], '--claim-days: expected a whole number of at least 1, got "1.5"'],
    ['migrate --asset-to', ['migrate', 'vault', '--authority', 'ops', '--asset-to', 'treasury'], '--asset-to: expected an address (0x and 40 hex digits), got "treasury"'],
    ['reimburse --batch-size abc', ['reimburse', 'losses.csv', '--treasury', 'ops', '--batch-size', 'abc'], '--batch-size: expected a whole number of at least 1, got "abc"'],
    ['reimburse --pro-rata', ['reimburse', 'losses.csv', '--treasury', 'ops', '--pro-rata', '60000.5'], `--pro-rata: expected a whole number in the token's base units (wei), got "60000.5"`],
    ['reimburse --claim-window', ['reimburse', 'losses.csv', '--treasury', 'ops', '--claim-window', 'month'], '--claim-window: expected a whole number of days, got "month"'],
    ['snapshot --block', ['snapshot', 'vault', '--block', 'latest'], '--block: expected a block number (digits), got "latest"'],
    ['snapshot --from-block', ['snapshot', 'vault', '--from-block', '-1'], '--from-block: expected a block number (digits), got "-1"'],
    ['losses --before-block', ['losses', '--contract', 'vault', '--before-block', '12a'], '--before-block: expected a block number (digits), got "12a"'],
    ['losses --attacker', ['losses', '--contract', 'vault', '--before-block', '1', '--attacker', '0x1234'], '--attacker: expected an address (0x and 40 hex digits), got "0x1234"'],
    ['losses --attack-tx', ['losses', '--contract', 'vault', '--before-block', '1', '--attack-tx', hash, '0x12'], '--attack-tx: expected a transaction hash (0x and 64 hex digits), got "0x12"'],
    ['upgrade --attack-block', ['upgrade', 'vault', '--from', 'V1', '--to', 'V2', '--asset', 'token', '--attack-block', 'soon'], '--attack-block: expected a block number (digits), got "soon"'],
    ['upgrade --attack', ['upgrade', 'vault', '--from', 'V1', '--to', 'V2', '--asset', 'token', '--attack', '0xdead'], '--attack: expected a transaction hash (0x and 64 hex digits), got "0xdead"'],
    ['claims --claim', ['claims', '--claim', 'treasury'], '--claim: expected an address (0x and 40 hex digits), got "treasury"'],
    ['safe sign --multi-send', ['safe', 'sign', 'tx.json', '--out', 'sig.json', '--multi-send', '0x12'], '--multi-send: expected an address (0x and 40 hex digits), got "0x12"'],
    ['drill --port', ['drill', '--port', '70000'], '--port: expected a port (1-65535), got "70000"'],
  ]

  it("prints every command's help, defaults included", async () => {
    for (const command of ['migrate', 'reimburse', 'losses', 'snapshot', 'upgrade', 'claims', 'contain', 'drill']) {
      const run = await runCli([command, '--help'])
      expect(run.code, `${command}: ${run.stderr}`).toBe(0)
      expect(run.stdout).toContain(`Usage: firebreak ${command}`)
    }
    expect((await runCli(['reimburse', '--help'])).stdout).toMatch(/--claim-window <days> .*\(default: 30\)/s)
  })

  for (const [name, args, message] of cases) {
    it(`${name} exits 2 with one line naming the flag`, async () => {
      const run = await runCli(args[0] === 'safe' ? args : [...args, '--incidents', join(cwd, 'incidents')])
      expect(run.code).toBe(2)
      expect(run.stderr).toBe(`firebreak: ${message}\n`)
      expect(existsSync(join(cwd, 'incidents'))).toBe(false)
    })
  }
})
