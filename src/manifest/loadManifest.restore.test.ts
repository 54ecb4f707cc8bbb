import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { invariantChecks } from '../recover/restore/invariantChecks.js'
import { loadManifest } from './loadManifest.js'
import { ManifestError } from './ManifestError.js'

const VAULT = '0x5FbDB2315678afecb367f032d93F642f64180aa3'
const DAVE = '0x14dC79964da2C08b23698B3D3cc7Ca32193d9955'
const EXPLOIT = '0x057ef64E23666F000b34aE31332854aCBd1c8544'
const GOVERNANCE = '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266'
const RISK = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8'
const COUNCIL = '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC'
const vaultAbi = [
  { type: 'function', name: 'withdraw', stateMutability: 'nonpayable', inputs: [{ name: 'assets', type: 'uint256' }, { name: 'receiver', type: 'address' }, { name: 'owner', type: 'address' }], outputs: [{ name: '', type: 'uint256' }] },
  { type: 'function', name: 'maxDeposit', stateMutability: 'view', inputs: [{ name: 'receiver', type: 'address' }], outputs: [{ name: '', type: 'uint256' }] },
  { type: 'function', name: 'paused', stateMutability: 'view', inputs: [], outputs: [{ name: '', type: 'bool' }] },
]

let dir: string
let file: string

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'firebreak-manifest-restore-'))
  file = join(dir, 'firebreak.yaml')
  writeFileSync(join(dir, 'vault.json'), JSON.stringify(vaultAbi))
})

afterEach(() => {
  rmSync(dir, { recursive: true, force: true })
})

/** A valid manifest with the given `restore:` section (YAML, indented as under `restore:`). */
function withRestore(restore: string): string {
  return `chains:
  local:
    rpcUrl: http://127.0.0.1:8545
    chainId: 31337
contracts:
  - name: vault
    address: "${VAULT}"
    abi: ./vault.json
authorities:
  - name: governance
    type: eoa
    address: "${GOVERNANCE}"
  - name: risk
    type: eoa
    address: "${RISK}"
  - name: council
    type: safe
    address: "${COUNCIL}"
restore:
${restore}`
}

function load(restore: string) {
  writeFileSync(file, withRestore(restore))
  return loadManifest(file, { env: {} })
}

function loadError(restore: string): string {
  try {
    load(restore)
  } catch (error) {
    expect(error).toBeInstanceOf(ManifestError)
    return (error as ManifestError).shortMessage
  }
  throw new Error('loadManifest accepted the manifest')
}

const stages = `  stages:
    - name: withdrawals
      unpause: [vault]
      invariants:
        - description: dave can withdraw 1 dUSD
          from: "${DAVE}"
          contract: vault
          function: withdraw
          args: ["1000000000000000000", "${DAVE}", "${DAVE}"]
          expect: success
        - description: the exploit fails
          from: "${DAVE}"
          to: "${EXPLOIT}"
          data: "0x12345678"
          expect: revert
          error: ERC20InsufficientAllowance
      approvals:
        from: [governance]
    - name: deposits
      description: new money comes in last
      calls:
        - contract: vault
          function: setDepositCap(uint256)
          args: ["10000000000000000000000000"]
      fix: not-needed
      invariants:
        - description: dave may deposit
          contract: vault
          function: maxDeposit
          args: ["${DAVE}"]
          atLeast: "1"
      approvals:
        required: 2
`

describe('restore stages in the manifest', () => {
  it('resolves each stage in order with its calls, invariants and approvals', () => {
    const manifest = load(stages)

    expect(manifest.restore).toEqual([
      {
        name: 'withdrawals',
        unpause: ['vault'],
        calls: [],
        fix: 'required',
        invariants: [
          { kind: 'call', description: 'dave can withdraw 1 dUSD', target: { contract: 'vault' }, function: 'withdraw', args: ['1000000000000000000', DAVE, DAVE], from: DAVE, value: 0n, expect: 'success' },
          { kind: 'call', description: 'the exploit fails', target: { address: EXPLOIT }, data: '0x12345678', args: [], from: DAVE, value: 0n, expect: 'revert', error: 'ERC20InsufficientAllowance' },
        ],
        approvals: { required: 1, from: ['governance'] },
      },
      {
        name: 'deposits',
        description: 'new money comes in last',
        unpause: [],
        calls: [{ contract: 'vault', function: 'setDepositCap(uint256)', args: ['10000000000000000000000000'] }],
        fix: 'not-needed',
        invariants: [{ kind: 'read', description: 'dave may deposit', target: { contract: 'vault' }, function: 'maxDeposit', args: [DAVE], op: 'gte', expect: '1' }],
        approvals: { required: 2, from: [] },
      },
    ])
  })

  it('turns invariants into engine checks typed by the ABI', () => {
    const manifest = load(stages)
    const [withdraw, exploit] = invariantChecks(manifest, manifest.restore[0]!)
    const [maxDeposit] = invariantChecks(manifest, manifest.restore[1]!)

    expect(withdraw).toMatchObject({ kind: 'call', from: DAVE, to: VAULT, expect: 'success', data: expect.stringMatching(/^0xb460af94/) })
    expect(exploit).toMatchObject({ kind: 'call', to: EXPLOIT, data: '0x12345678', expect: 'revert', error: 'ERC20InsufficientAllowance' })
    expect(maxDeposit).toMatchObject({ kind: 'read', address: VAULT, args: [DAVE], expect: 1n, op: 'gte' })
  })

  it('names the invariant argument that does not fit its type, with the path', () => {
    const manifest = load(stages.replace('args: ["1000000000000000000", ', 'args: [1e24, '))

    expect(() => invariantChecks(manifest, manifest.restore[0]!)).toThrow(
      `${file}: restore.stages[0].invariants[0].args[0]: expected a uint256, got 1e+24: write large amounts as digits in quotes, e.g. "10000000000000000000000"`,
    )
  })

  it('refuses an approver that is a Safe: an approval is signed with a key', () => {
    expect(loadError(stages.replace('from: [governance]', 'from: [council]'))).toBe(
      `${file}: restore.stages[0].approvals.from[0]: expected an eoa authority (an approval is signed with a key), got "council", a safe: list the owners who approve instead`,
    )
  })

  it('refuses more required approvals than authorities can give', () => {
    expect(loadError(stages.replace('required: 2', 'required: 3'))).toBe(`${file}: restore.stages[1].approvals.required: expected at most 2 (the eoa authorities of the manifest), got 3`)
  })

  it('names a stage contract the manifest does not list', () => {
    expect(loadError(stages.replace('unpause: [vault]', 'unpause: [vaultt]'))).toBe(`${file}: restore.stages[0].unpause[0]: expected one of vault, got "vaultt" (did you mean "vault"?)`)
  })

  it('refuses a call invariant without the account it is made from', () => {
    expect(loadError(stages.replace(`          from: "${DAVE}"\n          contract: vault\n          function: withdraw`, '          contract: vault\n          function: withdraw'))).toBe(
      `${file}: restore.stages[0].invariants[0].from: expected the account the call is made from, got nothing: a withdrawal or an exploit only means something from a given account`,
    )
  })

  it('refuses an invariant that says neither what a call must do nor what a view must return', () => {
    expect(loadError(stages.replace('          atLeast: "1"\n', ''))).toBe(
      `${file}: restore.stages[1].invariants[0]: expected exactly one of expect (a call that must succeed or revert), equals, atLeast, atMost (a view's value), got none`,
    )
  })

  it('refuses a stage that turns nothing back on, and two stages of one name', () => {
    expect(loadError('  stages:\n    - name: withdrawals\n')).toBe(`${file}: restore.stages[0]: expected unpause or calls (what the stage turns back on), got neither`)
    expect(loadError(`${stages}    - name: withdrawals\n      unpause: [vault]\n`)).toBe(`${file}: restore.stages[2].name: expected a unique stage name, got "withdrawals" again (also restore.stages[0].name)`)
  })

  it('rejects a misspelt stage key and suggests the right one', () => {
    expect(loadError(stages.replace('      invariants:\n        - description: dave can', '      invariant:\n        - description: dave can'))).toBe(
      `${file}: restore.stages[0].invariant: unknown key; expected one of name, description, unpause, calls, fix, invariants, approvals (did you mean "invariants"?)`,
    )
  })
})
