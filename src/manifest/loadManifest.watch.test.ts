import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { EXAMPLE_RPC_URL_ENV, exampleManifest } from './exampleManifest.js'
import { loadManifest } from './loadManifest.js'
import { ManifestError } from './ManifestError.js'

const VAULT = '0x5FbDB2315678afecb367f032d93F642f64180aa3'
const TOKEN = '0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512'
const GUARDIAN = '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266'
const COUNCIL = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8'
const TIMELOCK = '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC'
const OPS = '0x90F79bf6EB2c4f870365E785982E1f101E93b906'
const vaultAbi = [
  { type: 'function', name: 'totalAssets', stateMutability: 'view', inputs: [], outputs: [{ name: '', type: 'uint256' }] },
  { type: 'function', name: 'balanceOf', stateMutability: 'view', inputs: [{ name: 'owner', type: 'address' }], outputs: [{ name: '', type: 'uint256' }] },
  { type: 'function', name: 'paused', stateMutability: 'view', inputs: [], outputs: [{ name: '', type: 'bool' }] },
  {
    type: 'event',
    name: 'Withdraw',
    anonymous: false,
    inputs: [
      { name: 'sender', type: 'address', indexed: true },
      { name: 'receiver', type: 'address', indexed: true },
      { name: 'owner', type: 'address', indexed: true },
      { name: 'assets', type: 'uint256', indexed: false },
      { name: 'shares', type: 'uint256', indexed: false },
    ],
  },
]
/** A Slack incoming webhook's secret: whoever holds it posts to the team's channel. */
const SLACK_SECRET = 'XyZ4bC9dEfGhIjKlMnOpQrSt'
const env = { SLACK_WEBHOOK_URL: `https://hooks.slack.com/services/T0123ABCD/B0456EFGH/${SLACK_SECRET}`, FLASHBOTS_RPC: 'https://rpc.flashbots.net/fast' }

let dir: string
let file: string

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'firebreak-manifest-watch-'))
  file = join(dir, 'firebreak.yaml')
  writeFileSync(join(dir, 'vault.json'), JSON.stringify(vaultAbi))
})

afterEach(() => {
  rmSync(dir, { recursive: true, force: true })
})

/** A valid manifest with the given `watch:` section (YAML, indented as under `watch:`), or none. */
function withWatch(watch: string | undefined): string {
  return `chains:
  local:
    rpcUrl: http://127.0.0.1:8545
    chainId: 31337
contracts:
  - name: vault
    address: "${VAULT}"
    abi: ./vault.json
  - name: token
    address: "${TOKEN}"
authorities:
  - name: guardian
    type: eoa
    address: "${GUARDIAN}"
  - name: ops
    type: eoa
    address: "${OPS}"
  - name: council
    type: safe
    address: "${COUNCIL}"
    submitter: ops
  - name: governance
    type: timelock
    address: "${TIMELOCK}"
playbooks:
  freeze-vault:
    steps:
      - pause: vault
${watch === undefined ? '' : `watch:\n${watch}`}`
}

function load(watch: string | undefined, options: { env?: Record<string, string> } = {}) {
  writeFileSync(file, withWatch(watch))
  return loadManifest(file, { env: options.env ?? env })
}

function loadError(watch: string, options: { env?: Record<string, string> } = {}): ManifestError {
  try {
    load(watch, options)
  } catch (error) {
    expect(error).toBeInstanceOf(ManifestError)
    return error as ManifestError
  }
  throw new Error('loadManifest accepted the manifest')
}

const shortMessage = (watch: string, options: { env?: Record<string, string> } = {}) => loadError(watch, options).shortMessage

const full = `  playbook: freeze-vault
  automatic: [guardian, council, ops]
  webhooks:
    - urlEnv: SLACK_WEBHOOK_URL
    - url: http://127.0.0.1:9000/hook
  pauseWindowWarningSeconds: 86400
  pending: false
  privateSubmission:
    local: { rpcUrlEnv: FLASHBOTS_RPC }
  privateFallbackMs: 0
  triggers:
    - name: assets-drop
      invariant: { contract: vault, function: totalAssets, maxDropPercent: 12.5, atLeast: "1000000000000000000000000", atMost: "5000000000000000000000000" }
    - name: dave-balance
      invariant: { contract: vault, function: balanceOf, args: ["${OPS}"], atLeast: 1 }
    - name: withdrawals
      event: { contract: vault, event: Withdraw }
    - name: token-transfers
      event: { contract: token, event: "Transfer(address,address,uint256)" }
    - name: outflow
      outflow: { token: token, from: vault, max: "1000000000000000000000", windowBlocks: 10 }
`

describe('watch in the manifest', () => {
  it('resolves a full section with URLs from the environment, bigint thresholds and every value as written', () => {
    const manifest = load(full)

    expect(manifest.watch).toEqual({
      playbook: 'freeze-vault',
      automatic: ['guardian', 'council', 'ops'],
      webhooks: [{ url: env.SLACK_WEBHOOK_URL, urlEnv: 'SLACK_WEBHOOK_URL' }, { url: 'http://127.0.0.1:9000/hook' }],
      triggers: [
        {
          kind: 'invariant',
          name: 'assets-drop',
          view: { contract: 'vault', function: 'totalAssets', args: [] },
          maxDropPercent: 12.5,
          atLeast: 1_000_000_000_000_000_000_000_000n,
          atMost: 5_000_000_000_000_000_000_000_000n,
        },
        { kind: 'invariant', name: 'dave-balance', view: { contract: 'vault', function: 'balanceOf', args: [OPS] }, atLeast: 1n },
        { kind: 'event', name: 'withdrawals', contract: 'vault', event: 'Withdraw' },
        { kind: 'event', name: 'token-transfers', contract: 'token', event: 'Transfer(address,address,uint256)' },
        { kind: 'outflow', name: 'outflow', token: 'token', from: 'vault', max: 1_000_000_000_000_000_000_000n, windowBlocks: 10 },
      ],
      pauseWindowWarningSeconds: 86400,
      pending: false,
      privateRpcUrls: { local: 'https://rpc.flashbots.net/fast' },
      privateFallbackMs: 0,
    })
  })

  it('fills the defaults: pause-all, a week of warning, pending transactions simulated, a 3 s private fallback', () => {
    expect(load('  automatic: [guardian]\n').watch).toEqual({
      playbook: 'pause-all',
      automatic: ['guardian'],
      webhooks: [],
      triggers: [],
      pauseWindowWarningSeconds: 604800,
      pending: true,
      privateRpcUrls: {},
      privateFallbackMs: 3000,
    })
  })

  it('leaves watch undefined when the manifest has no watch section', () => {
    expect(load(undefined).watch).toBeUndefined()
  })

  it('loads the example that firebreak init writes once its watch block is uncommented', () => {
    const uncommented = exampleManifest.replace(/^# (watch:|  .*)$/gm, '$1')
    writeFileSync(file, uncommented)

    const manifest = loadManifest(file, { env: { [EXAMPLE_RPC_URL_ENV]: 'http://127.0.0.1:8545', SLACK_WEBHOOK_URL: env.SLACK_WEBHOOK_URL, PRIVATE_RPC_URL: 'https://rpc.flashbots.net' } })

    expect(uncommented).not.toBe(exampleManifest)
    expect(manifest.watch?.automatic).toEqual(['guardian', 'security-council'])
    expect(manifest.watch?.triggers.map((trigger) => `${trigger.kind}:${trigger.name}`)).toEqual(['invariant:assets-drop', 'event:withdrawals', 'outflow:token-outflow'])
  })
})

describe('watch errors name the path and what was expected', () => {
  it('rejects a misspelt key and suggests the right one, in the section and in a trigger', () => {
    expect(shortMessage('  automatic: [guardian]\n  trigers: []\n')).toBe(
      `${file}: watch.trigers: unknown key; expected one of playbook, automatic, webhooks, pauseWindowWarningSeconds, pending, privateSubmission, privateFallbackMs, triggers (did you mean "triggers"?)`,
    )
    expect(shortMessage(full.replace('maxDropPercent: 12.5', 'maxDropPercnt: 12.5'))).toBe(
      `${file}: watch.triggers[0].invariant.maxDropPercnt: unknown key; expected one of contract, function, args, maxDropPercent, atLeast, atMost (did you mean "maxDropPercent"?)`,
    )
  })

  it('requires the authorities the watcher may act through', () => {
    expect(shortMessage('  playbook: pause-all\n')).toBe(`${file}: watch.automatic: expected a list of authority names, got nothing`)
    expect(shortMessage('  automatic: []\n')).toBe(`${file}: watch.automatic: expected at least one authority, got an empty list`)
  })

  it('names a trigger contract the manifest does not list, with the closest name', () => {
    expect(shortMessage(full.replace('event: { contract: vault, event: Withdraw }', 'event: { contract: vaultt, event: Withdraw }'))).toBe(
      `${file}: watch.triggers[2].event.contract: expected one of vault, token, got "vaultt" (did you mean "vault"?)`,
    )
    expect(shortMessage(full.replace('outflow: { token: token,', 'outflow: { token: tokn,'))).toBe(
      `${file}: watch.triggers[4].outflow.token: expected one of vault, token, got "tokn" (did you mean "token"?)`,
    )
  })

  it('names a playbook and an authority the manifest does not list', () => {
    expect(shortMessage('  playbook: freeze-vaut\n  automatic: [guardian]\n')).toBe(`${file}: watch.playbook: expected one of pause-all, freeze-vault, got "freeze-vaut" (did you mean "freeze-vault"?)`)
    expect(shortMessage('  automatic: [guardien]\n')).toBe(`${file}: watch.automatic[0]: expected an eoa or safe authority (guardian, ops, council), got "guardien" (did you mean "guardian"?)`)
  })

  it('refuses a timelock among the automatic authorities: it cannot act at once', () => {
    expect(shortMessage('  automatic: [guardian, governance]\n')).toBe(
      `${file}: watch.automatic[1]: expected an eoa or a safe, got "governance", a timelock: a timelock delays every call, so it cannot act the moment a trigger fires`,
    )
  })

  it('refuses a safe whose submitter the watcher may not use, or that has none', () => {
    expect(shortMessage('  automatic: [guardian, council]\n')).toBe(
      `${file}: watch.automatic[1]: expected the submitter of "council", "ops", in watch.automatic too: the watcher sends the Safe's signed transaction from it`,
    )
    writeFileSync(file, withWatch('  automatic: [council]\n').replace('    submitter: ops\n', ''))
    expect(() => loadManifest(file, { env })).toThrow(
      `${file}: watch.automatic[0]: expected a safe with a submitter (the eoa that sends its signed transaction), got "council", which has none: name one in authorities[2].submitter and list it in watch.automatic too`,
    )
  })

  it('names an unset webhook variable without printing any value of the environment', () => {
    const error = loadError(full, { env: { FLASHBOTS_RPC: env.FLASHBOTS_RPC, OTHER: SLACK_SECRET } })

    expect(error.shortMessage).toBe(`${file}: watch.webhooks[0].urlEnv: expected environment variable SLACK_WEBHOOK_URL to hold a webhook URL, but it is not set`)
    expect(error.message).not.toContain(SLACK_SECRET)
    expect(error.message).not.toContain('flashbots')
  })

  it('rejects a webhook variable that holds no http URL, without printing its value', () => {
    const error = loadError(full, { env: { ...env, SLACK_WEBHOOK_URL: `hooks.slack.com/services/${SLACK_SECRET}` } })

    expect(error.shortMessage).toBe(`${file}: watch.webhooks[0].urlEnv: expected environment variable SLACK_WEBHOOK_URL to hold a webhook URL (http or https), but its value is not a URL`)
    expect(error.message).not.toContain(SLACK_SECRET)
  })

  it("refuses a literal Slack or Discord webhook URL, whose path is the token, without printing it", () => {
    const slack = loadError(`  automatic: [guardian]\n  webhooks:\n    - url: ${env.SLACK_WEBHOOK_URL}\n`)
    const discord = loadError(`  automatic: [guardian]\n  webhooks:\n    - url: https://discord.com/api/webhooks/123456789/${SLACK_SECRET}\n`)

    const refusal = 'expected a webhook URL without credentials, got one that looks like it carries a token: set it in an environment variable and name that variable in urlEnv'
    expect(slack.shortMessage).toBe(`${file}: watch.webhooks[0].url: ${refusal}`)
    expect(discord.shortMessage).toBe(`${file}: watch.webhooks[0].url: ${refusal}`)
    expect(`${slack.message}${discord.message}`).not.toContain(SLACK_SECRET)
  })

  it('refuses a webhook URL written where its variable belongs, without printing it', () => {
    const error = loadError(`  automatic: [guardian]\n  webhooks:\n    - urlEnv: ${env.SLACK_WEBHOOK_URL}\n`)

    expect(error.shortMessage).toBe(
      `${file}: watch.webhooks[0].urlEnv: expected the name of an environment variable holding the webhook URL, got a URL: set the URL in the environment (or use url for a local receiver)`,
    )
    expect(error.message).not.toContain(SLACK_SECRET)
  })

  it('refuses a maxDropPercent that is not above 0 and at most 100', () => {
    const at = `${file}: watch.triggers[0].invariant.maxDropPercent`
    expect(shortMessage(full.replace('maxDropPercent: 12.5', 'maxDropPercent: 0'))).toBe(`${at}: expected a percentage above 0 and at most 100, got 0`)
    expect(shortMessage(full.replace('maxDropPercent: 12.5', 'maxDropPercent: 150'))).toBe(`${at}: expected a percentage above 0 and at most 100, got 150`)
    expect(shortMessage(full.replace('maxDropPercent: 12.5', 'maxDropPercent: "10%"'))).toBe(`${at}: expected a percentage above 0 and at most 100, got "10%"`)
  })

  it('refuses an invariant trigger with no threshold, and a bound YAML has already rounded', () => {
    expect(shortMessage(full.replace('args: ["' + OPS + '"], atLeast: 1 }', `args: ["${OPS}"] }`))).toBe(
      `${file}: watch.triggers[1].invariant: expected at least one of maxDropPercent (a fall from one block to the next), atLeast, atMost (bounds the value must stay within), got none`,
    )
    expect(shortMessage(full.replace('atMost: "5000000000000000000000000"', 'atMost: 5000000000000000000000001'))).toBe(
      `${file}: watch.triggers[0].invariant.atMost: expected an amount of wei (digits), got 5e+24: YAML numbers past 2^53 lose their last digits, so write it in quotes, as a string`,
    )
  })

  it('refuses a trigger that is two kinds at once, or none', () => {
    expect(shortMessage(full.replace('      event: { contract: vault, event: Withdraw }\n', '      event: { contract: vault, event: Withdraw }\n      outflow: { token: token, from: vault, max: 1, windowBlocks: 1 }\n'))).toBe(
      `${file}: watch.triggers[2]: expected exactly one of invariant, event, outflow, got event and outflow`,
    )
    expect(shortMessage('  automatic: [guardian]\n  triggers:\n    - name: nothing\n')).toBe(`${file}: watch.triggers[0]: expected exactly one of invariant, event, outflow, got none`)
  })

  it('refuses two triggers of one name, pointing at both', () => {
    expect(shortMessage(full.replace('- name: withdrawals', '- name: assets-drop'))).toBe(
      `${file}: watch.triggers[2].name: expected a unique trigger name, got "assets-drop" again (also watch.triggers[0].name)`,
    )
  })

  it("names an event the contract's ABI does not have, with the closest name", () => {
    expect(shortMessage(full.replace('event: Withdraw }', 'event: Withdrawn }'))).toBe(`${file}: watch.triggers[2].event.event: expected an event of vault, got "Withdrawn" (did you mean "Withdraw"?)`)
  })

  it('asks for the full signature of an event on a contract without an ABI', () => {
    expect(shortMessage(full.replace('event: "Transfer(address,address,uint256)"', 'event: Transfer'))).toBe(
      `${file}: watch.triggers[3].event.event: expected an event of token, got "Transfer": without an ABI in the manifest, give its full signature, e.g. Transfer(address,uint256)`,
    )
  })

  it("names a view the contract's ABI does not have, an argument that does not fit it, and one that returns no integer", () => {
    expect(shortMessage(full.replace('function: totalAssets,', 'function: totalAsset,'))).toBe(
      `${file}: watch.triggers[0].invariant.function: expected a function of vault, got "totalAsset" (did you mean "totalAssets"?)`,
    )
    expect(shortMessage(full.replace(`args: ["${OPS}"]`, 'args: ["ops"]'))).toBe(`${file}: watch.triggers[1].invariant.args[0]: expected an address (0x and 40 hex digits), got "ops"`)
    expect(shortMessage(full.replace('function: totalAssets,', 'function: paused,'))).toBe(`${file}: watch.triggers[0].invariant.function: expected a view returning one integer, got paused, which returns (bool)`)
  })

  it('names a private submission chain the manifest does not list, and its unset variable', () => {
    expect(shortMessage(full.replace('    local: { rpcUrlEnv: FLASHBOTS_RPC }', '    locl: { rpcUrlEnv: FLASHBOTS_RPC }'))).toBe(
      `${file}: watch.privateSubmission.locl: expected one of local, got "locl" (did you mean "local"?)`,
    )
    expect(shortMessage(full, { env: { SLACK_WEBHOOK_URL: env.SLACK_WEBHOOK_URL } })).toBe(
      `${file}: watch.privateSubmission.local.rpcUrlEnv: expected environment variable FLASHBOTS_RPC to hold the private submission URL of chain local, but it is not set`,
    )
  })
})
