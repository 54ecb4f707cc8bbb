import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { type Server, createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { bytesToHex } from 'viem'
import { mnemonicToAccount } from 'viem/accounts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ANVIL_MNEMONIC } from '../src/chain/index.js'
import { useDrillProtocol } from './fixtures/localChain.js'
import { writeTestManifest } from './fixtures/manifest.js'
import { type CliRun, runCli } from './fixtures/runCli.js'

/**
 * Bad input, as an attacker or a tired operator gives it: every case ends with exit 1 (it failed)
 * or 2 (the input was wrong), never 0 (as if done) nor 3 ("a bug in firebreak"), in one line that
 * starts `firebreak:`, with no stack trace and no secret printed back. Most cases are refused before
 * the node is asked; the rest share this file's one anvil (or a node that answers only 429).
 */
const drill = useDrillProtocol({ snapshotEachTest: false })
const treasuryKey = bytesToHex(mnemonicToAccount(ANVIL_MNEMONIC, { addressIndex: 2 }).getHdKey().privateKey!)
const curveOrder = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n
const apiKey = 'abcdef0123456789abcdef0123456789'
/** What no run may print: the keys and the API key in an RPC URL the environment holds. */
const secrets = [treasuryKey, treasuryKey.slice(2), apiKey, 'hunter2-keystore-password']
const env = { TREASURY_KEY: treasuryKey, KEYSTORE_PASSWORD: 'hunter2-keystore-password', MAINNET_RPC_URL: `https://eth.example/v3/${apiKey}` }
const noBalanceOf = '0x000000000000000000000000000000000000c0de'

/** Made while the file is collected: the case table names files in it. */
const dir = mkdtempSync(join(tmpdir(), 'firebreak-bad-inputs-'))
let manifest: string
let rateLimited: { server: Server; url: string }

/** A file in the test folder, written with `content`. */
const file = (name: string, content: string | Buffer = ''): string => {
  const path = join(dir, name)
  writeFileSync(path, content)
  return path
}
const at = (name: string) => join(dir, name)

type Case = {
  name: string
  args: () => string[]
  env?: Record<string, string>
  /** The one line must match this (the listed cases of issue 14 say what and where). */
  says?: RegExp
  /** Values that must not appear in the output, besides the shared secrets. */
  secret?: () => string[]
  /** The case gives its own --incidents (or the command has none). */
  ownIncidents?: boolean
  /** Refused while the command line is read. */
  usage?: boolean
}

const header = '{"format":"firebreak-snapshot/1","chainId":31337,"contract":"0x5FbDB2315678afecb367f032d93F642f64180aa3","blockNumber":"5","blockHash":"0x00","event":"Transfer(address,address,uint256)","accountFields":["from","to"],"fromBlock":"0"}'
const alice = '0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65'
const bob = '0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc'

beforeAll(async () => {
  await drill.chain.test.setCode({ address: noBalanceOf, bytecode: '0x00' })
  manifest = writeTestManifest(dir, {
    rpcUrl: drill.anvil.rpcUrl,
    contracts: [drill.protocol.token, drill.protocol.vault, { name: 'treasuryEoa', address: drill.actors.treasury.address }, { name: 'noBalanceOf', address: noBalanceOf }],
    authorities: [
      { name: 'treasury', type: 'eoa', address: drill.actors.treasury.address, keyEnv: 'TREASURY_KEY' },
      { name: 'guardian', type: 'eoa', address: drill.actors.guardian.address, keyEnv: 'GUARDIAN_KEY' },
    ],
  })
  file('afile', 'not a folder\n')
  mkdirSync(at('a-folder'))
  file('binary.dat', Buffer.from([0, 1, 2, 0xff, 0xfe, 0x89, 0x50, 0x4e, 0x47, 10, 0, 0]))
  file('truncated.ndjson', '{"format":"firebreak-snapshot/1","chainId":313')
  file('no-footer.ndjson', `${header}\n{"account":"${alice}","balance":"5"}\n`)
  file('cut-line.ndjson', `${header}\n{"account":"${alice}","bal`)
  file('bad-hash.ndjson', `${header}\n{"account":"${alice}","balance":"5"}\n{"footer":true,"accounts":1,"total":"5","sha256":"0x00"}\n`)
  file('bad-balance.ndjson', `${header}\n{"account":"${alice}","balance":"five"}\n{"footer":true,"accounts":1,"total":"5","sha256":"0x00"}\n`)
  file('array.ndjson', '[1,2,3]\n')
  file('empty', '')
  file('yaml-broken.yaml', 'chains: [\n  local: {\n')
  file('manifest-bad-address.yaml', `chains:\n  local:\n    rpcUrl: ${drill.anvil.rpcUrl}\n    chainId: 31337\ncontracts:\n  - name: vault\n    address: "0x1234"\n`)
  file('manifest-wrong-chain.yaml', `chains:\n  local:\n    rpcUrl: ${drill.anvil.rpcUrl}\n    chainId: 1\ncontracts:\n  - name: vault\n    address: "${drill.protocol.vault.address}"\n`)
  file('manifest-no-env.yaml', `chains:\n  local:\n    rpcUrlEnv: FIREBREAK_TEST_UNSET_URL\n    chainId: 31337\ncontracts:\n  - name: vault\n    address: "${drill.protocol.vault.address}"\n`)
  const csv = (name: string, ...rows: string[]) => file(name, `${['account,loss', ...rows].join('\n')}\n`)
  csv('zero-address.csv', '0x0000000000000000000000000000000000000000,5')
  csv('over-2-256.csv', `${alice},1`, `${bob},${2n ** 256n}`)
  csv('not-checksummed.csv', `${alice.toLowerCase().replace('0x15d3', '0x15D3')},5`)
  csv('negative.csv', `${alice},-5`)
  csv('decimal.csv', `${alice},1.5`)
  csv('exponent.csv', `${alice},1e18`)
  csv('twice.csv', `${alice},5`, `${alice},7`)
  csv('not-address.csv', 'alice,5')
  csv('no-rows.csv')
  csv('bad-total.csv', `${alice},5`, 'total,6')
  file('no-loss-column.csv', `account,amount\n${alice},5\n`)
  file('losses-broken.json', '{"losses": [')
  file('losses-shape.json', '{"losses": [{"who": "alice"}]}')
  file('losses-number.json', `{"losses": [{"account": "${alice}", "loss": 1e30}]}`)
  file('safe-tx-broken.json', '{"safe":')
  file('losses-binary.csv', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0]))
  rateLimited = await startRateLimitedNode()
})

afterAll(async () => {
  await new Promise((resolve) => rateLimited?.server.close(resolve))
  rmSync(dir, { recursive: true, force: true })
})

/** A node that answers every request with HTTP 429, as a provider over its quota does. */
async function startRateLimitedNode(): Promise<{ server: Server; url: string }> {
  const server = createServer((request, response) => {
    request.resume()
    request.on('end', () => response.writeHead(429, { 'content-type': 'application/json', 'retry-after': '0' }).end('{"error":"rate limited"}'))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v3/${apiKey}` }
}

const m = () => ['--manifest', manifest]
const hash = `0x${'ab'.repeat(32)}`

const cases: Case[] = [
  // The command line itself
  { name: 'an unknown command', args: () => ['frobnicate'], ownIncidents: true, usage: true },
  { name: 'an unknown option', args: () => ['inspect', '--frobnicate'], ownIncidents: true, usage: true },
  { name: 'contain without a playbook', args: () => ['contain'], usage: true },
  { name: 'snapshot without a contract', args: () => ['snapshot'], usage: true },
  { name: 'reimburse without a losses file', args: () => ['reimburse', '--treasury', 'treasury'], usage: true },
  { name: 'reimburse without --treasury', args: () => ['reimburse', at('twice.csv')], usage: true },
  { name: 'migrate without --authority', args: () => ['migrate', 'vault'], usage: true },
  { name: 'upgrade without --from', args: () => ['upgrade', 'vault', '--to', 'V2', '--asset', 'dUSD'], usage: true },
  { name: 'report without an incident', args: () => ['report'], usage: true },
  { name: 'safe sign without --out', args: () => ['safe', 'sign', at('safe-tx-broken.json'), '--key-env', 'TREASURY_KEY'], ownIncidents: true, usage: true },
  { name: 'report --format pdf', args: () => ['report', 'x', '--stdout', '--format', 'pdf'], usage: true },
  { name: 'upgrade --kind diamond', args: () => ['upgrade', 'vault', '--from', 'V1', '--to', 'V2', '--asset', 'dUSD', '--kind', 'diamond'], usage: true },
  ...(
    [
      ['snapshot --block latest', ['snapshot', 'dUSD', '--block', 'latest']],
      ['snapshot --block -1', ['snapshot', 'dUSD', '--block', '-1']],
      ['snapshot --block 1.5', ['snapshot', 'dUSD', '--block', '1.5']],
      ['snapshot --block 0x10', ['snapshot', 'dUSD', '--block', '0x10']],
      ['snapshot --from-block abc', ['snapshot', 'dUSD', '--from-block', 'abc']],
      ['migrate --batch-size 0', ['migrate', 'vault', '--authority', 'treasury', '--batch-size', '0']],
      ['migrate --batch-size -3', ['migrate', 'vault', '--authority', 'treasury', '--batch-size', '-3']],
      ['migrate --batch-size 1e3', ['migrate', 'vault', '--authority', 'treasury', '--batch-size', '1e3']],
      ['migrate --batch-size 2^60', ['migrate', 'vault', '--authority', 'treasury', '--batch-size', '1152921504606846976']],
      ['migrate --claim-days 0', ['migrate', 'vault', '--authority', 'treasury', '--claim-days', '0']],
      ['migrate --asset-to treasury', ['migrate', 'vault', '--authority', 'treasury', '--asset-to', 'treasury']],
      ['migrate --asset 0x12', ['migrate', 'vault', '--authority', 'treasury', '--asset', '0x12']],
      ['migrate --upgrade-to 41 digits', ['migrate', 'vault', '--authority', 'treasury', '--upgrade-to', `0x${'1'.repeat(41)}`]],
      ['reimburse --pro-rata 1.5', ['reimburse', at('twice.csv'), '--treasury', 'treasury', '--pro-rata', '1.5']],
      ['reimburse --minimum -1', ['reimburse', at('twice.csv'), '--treasury', 'treasury', '--minimum', '-1']],
      ['reimburse --cap abc', ['reimburse', at('twice.csv'), '--treasury', 'treasury', '--cap', 'abc']],
      ['reimburse --budget 1e18', ['reimburse', at('twice.csv'), '--treasury', 'treasury', '--budget', '1e18']],
      ['reimburse --claim-window month', ['reimburse', at('twice.csv'), '--treasury', 'treasury', '--claim-window', 'month']],
      ['reimburse --batch-size abc', ['reimburse', at('twice.csv'), '--treasury', 'treasury', '--batch-size', 'abc']],
      ['reimburse --mode airdrop', ['reimburse', at('twice.csv'), '--treasury', 'treasury', '--mode', 'airdrop']],
      ['losses --before-block 12a', ['losses', '--contract', 'vault', '--before-block', '12a']],
      ['losses --after-block x', ['losses', '--contract', 'vault', '--before-block', '1', '--after-block', 'x']],
      ['losses --attacker 0x1234', ['losses', '--contract', 'vault', '--before-block', '1', '--attacker', '0x1234']],
      ['losses --attack-tx 0x12', ['losses', '--contract', 'vault', '--before-block', '1', '--attack-tx', hash, '0x12']],
      ['losses --valuation guess', ['losses', '--contract', 'vault', '--before-block', '1', '--valuation', 'guess']],
      ['upgrade --attack-block soon', ['upgrade', 'vault', '--from', 'V1', '--to', 'V2', '--asset', 'dUSD', '--attack-block', 'soon']],
      ['upgrade --attack 0xdead', ['upgrade', 'vault', '--from', 'V1', '--to', 'V2', '--asset', 'dUSD', '--attack', '0xdead']],
      ['claims --claim treasury', ['claims', '--claim', 'treasury']],
      ['drill --port 70000', ['drill', '--port', '70000']],
      ['drill --port 0', ['drill', '--port', '0']],
      ['drill --port http', ['drill', '--port', 'http']],
    ] as const
  ).map(([name, args]): Case => ({ name, args: () => [...args], usage: true })),
  { name: 'safe sign --multi-send 0x12', args: () => ['safe', 'sign', at('safe-tx-broken.json'), '--out', at('sig.json'), '--multi-send', '0x12'], ownIncidents: true, usage: true },

  // --rpc-url that is no node's URL: said so, and the value (which may hold an API key) not shown
  ...['htp:/x', 'not a url', 'ftp://node.example', 'file:///etc/passwd', `htps://eth.example/v3/${apiKey}`].flatMap((url): Case[] =>
    ['inspect', 'snapshot dUSD', 'contain pause-all'].map((command) => ({
      name: `${command} --rpc-url ${url.replace(apiKey, '<key>')}`,
      args: () => [...command.split(' '), '--rpc-url', url],
      says: /^firebreak: --rpc-url: is not a URL/,
      ownIncidents: command === 'inspect',
      usage: true,
    })),
  ),
  { name: 'FIREBREAK_RPC_URL=htp:/x', args: () => ['snapshot', 'dUSD'], env: { FIREBREAK_RPC_URL: 'htp:/x' }, says: /^firebreak: --rpc-url \(from FIREBREAK_RPC_URL\): is not a URL/, usage: true },
  { name: 'losses --rpc-url htp:/x', args: () => ['losses', '--contract', 'vault', '--before-block', '1', '--rpc-url', 'htp:/x'], says: /not a URL/, usage: true },
  { name: 'claims --rpc-url htp:/x', args: () => ['claims', '--rpc-url', 'htp:/x'], says: /not a URL/, usage: true },
  { name: 'migrate --rpc-url htp:/x', args: () => ['migrate', 'vault', '--authority', 'treasury', '--rpc-url', 'htp:/x'], says: /not a URL/, usage: true },

  // Folders and files in the wrong place
  ...['snapshot dUSD', 'contain pause-all', 'migrate vault --authority treasury', 'losses --contract vault --before-block 1', `reimburse ${'<twice>'} --treasury treasury`, 'claims', 'report some-incident', 'restore run stage-1', 'drill'].map(
    (command): Case => ({
      name: `${command.split(' ')[0]} --incidents <a file>`,
      args: () => [...command.replace('<twice>', at('twice.csv')).split(' '), '--incidents', at('afile')],
      says: /^firebreak: --incidents: ".*afile" is a file: expected a folder/,
      ownIncidents: true,
      usage: true,
    }),
  ),
  { name: 'snapshot --incidents under a file', args: () => ['snapshot', 'dUSD', '--incidents', join(at('afile'), 'incidents')], says: /afile" is a file, not a folder/, ownIncidents: true, usage: true },
  { name: 'contain --incidents under a file', args: () => ['contain', 'pause-all', '--incidents', join(at('afile'), 'a', 'b')], says: /afile" is a file, not a folder/, ownIncidents: true, usage: true },
  { name: 'safe sign --out under a file', args: () => ['safe', 'sign', at('safe-tx-broken.json'), '--out', join(at('afile'), 'sig.json'), '--key-env', 'TREASURY_KEY'], says: /^firebreak: --out: ".*afile" is a file, not a folder/, ownIncidents: true, usage: true },
  { name: 'safe sign --out a folder', args: () => ['safe', 'sign', at('safe-tx-broken.json'), '--out', at('a-folder'), '--key-env', 'TREASURY_KEY'], says: /^firebreak: --out: ".*a-folder" is a folder/, ownIncidents: true, usage: true },
  { name: 'init --path under a file', args: () => ['init', '--path', join(at('afile'), 'firebreak.yaml')], says: /^firebreak: --path: ".*afile" is a file, not a folder/, ownIncidents: true, usage: true },
  { name: 'init --path a folder', args: () => ['init', '--path', at('a-folder')], says: /^firebreak: --path: ".*a-folder" is a folder/, ownIncidents: true, usage: true },
  { name: 'init --path an existing manifest', args: () => ['init', '--path', manifest], says: /refusing to overwrite/, ownIncidents: true },

  // The manifest
  { name: 'a manifest that does not exist', args: () => ['inspect', '--manifest', at('missing.yaml')], ownIncidents: true },
  { name: 'a manifest that is a folder', args: () => ['inspect', '--manifest', at('a-folder')], ownIncidents: true },
  { name: 'a manifest that is binary', args: () => ['inspect', '--manifest', at('binary.dat')], ownIncidents: true },
  { name: 'a manifest that is broken YAML', args: () => ['inspect', '--manifest', at('yaml-broken.yaml')], ownIncidents: true },
  { name: 'a manifest with a short address', args: () => ['inspect', '--manifest', at('manifest-bad-address.yaml')], ownIncidents: true },
  { name: 'a manifest for another chain', args: () => ['inspect', '--manifest', at('manifest-wrong-chain.yaml')], ownIncidents: true },
  { name: 'a manifest whose RPC URL variable is unset', args: () => ['inspect', '--manifest', at('manifest-no-env.yaml')], ownIncidents: true },
  { name: 'an empty manifest', args: () => ['inspect', '--manifest', at('empty')], ownIncidents: true },
  { name: 'snapshot of a contract the manifest does not name', args: () => ['snapshot', 'dUSDC', ...m()] },
  { name: 'contain of a playbook the manifest does not name', args: () => ['contain', 'pause-some', ...m()] },
  { name: 'inspect --chain that the manifest does not name', args: () => ['inspect', '--chain', 'mainnet', ...m()], ownIncidents: true },
  { name: 'reimburse --treasury that the manifest does not name', args: () => ['reimburse', at('twice.csv'), '--treasury', 'treasure', ...m()] },

  // snapshot
  { name: 'snapshot --event "not an event"', args: () => ['snapshot', 'dUSD', '--event', 'not an event', ...m()], says: /^firebreak: --event "not an event": is not an event signature/, usage: true },
  { name: 'snapshot --event of a function', args: () => ['snapshot', 'dUSD', '--event', 'function balanceOf(address) returns (uint256)', ...m()], says: /^firebreak: --event .*not an event/, usage: true },
  { name: 'snapshot --event with no address field', args: () => ['snapshot', 'dUSD', '--event', 'Transfer(uint256 value)', ...m()], says: /names no address field/, usage: true },
  { name: 'snapshot --event with unnamed fields', args: () => ['snapshot', 'dUSD', '--event', 'event Transfer(address indexed, address indexed, uint256)', ...m()], says: /names no address field/, usage: true },
  { name: 'snapshot --event ""', args: () => ['snapshot', 'dUSD', '--event', '', ...m()], usage: true },
  { name: 'snapshot --event "event ("', args: () => ['snapshot', 'dUSD', '--event', 'event (', ...m()], usage: true },
  { name: 'snapshot --block 5 --from-block 20', args: () => ['snapshot', 'dUSD', '--block', '5', '--from-block', '20', ...m()], says: /^firebreak: --from-block 20: is after the snapshot block 5: .*\(--block\)$/, usage: true },
  { name: 'snapshot of an address with no code', args: () => ['snapshot', 'treasuryEoa', ...m()], says: /^firebreak: 0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC has no code at block \d+/ },
  { name: 'snapshot of a contract with no balanceOf', args: () => ['snapshot', 'noBalanceOf', ...m()], says: /^firebreak: 0x0{36}c0DE has no balanceOf\(address\) at block \d+/ },
  { name: 'snapshot of a block in the future', args: () => ['snapshot', 'dUSD', '--block', '99999999', ...m()], says: /is in the future/ },

  // migrate --snapshot and losses --before/--after: files that are not snapshots
  ...(
    [
      ['missing', 'missing.ndjson', /missing\.ndjson does not exist/],
      ['truncated', 'truncated.ndjson', /truncated\.ndjson:1: not valid JSON/],
      ['binary', 'binary.dat', /binary\.dat:1: not valid JSON/],
      ['empty', 'empty', /empty is empty/],
      ['a folder', 'a-folder', /a-folder is not a file/],
      ['without its footer', 'no-footer.ndjson', /no-footer\.ndjson is incomplete/],
      ['cut mid-line', 'cut-line.ndjson', /cut-line\.ndjson:2: not valid JSON: the file is cut off/],
      ['edited', 'bad-hash.ndjson', /bad-hash\.ndjson was modified/],
      ['with a balance in words', 'bad-balance.ndjson', /bad-balance\.ndjson:2: expected/],
      ['a JSON array', 'array.ndjson', /array\.ndjson:1: expected a JSON object/],
    ] as const
  ).flatMap(([what, name, says]): Case[] => [
    { name: `migrate --snapshot ${what}`, args: () => ['migrate', 'dUSD', '--authority', 'treasury', '--snapshot', at(name), '--dry-run', ...m()], says },
    { name: `losses --before ${what}`, args: () => ['losses', '--before', at(name), '--after', at(name), ...m()], says },
  ]),

  // reimburse: losses files that must not pay anyone
  { name: 'reimburse a losses file paying the zero address', args: () => ['reimburse', at('zero-address.csv'), '--treasury', 'treasury', '--token', 'dUSD', '--mode', 'transfers', ...m()], says: /zero-address\.csv:2: the account is the zero address/ },
  { name: 'reimburse a loss over 2^256', args: () => ['reimburse', at('over-2-256.csv'), '--treasury', 'treasury', '--token', 'dUSD', '--mode', 'transfers', ...m()], says: /over-2-256\.csv:3: loss \d+ is more than 2\^256 − 1/ },
  ...['not-checksummed.csv', 'negative.csv', 'decimal.csv', 'exponent.csv', 'twice.csv', 'not-address.csv', 'no-rows.csv', 'bad-total.csv', 'no-loss-column.csv', 'losses-broken.json', 'losses-shape.json', 'losses-number.json', 'losses-binary.csv', 'empty', 'missing.csv', 'a-folder'].map(
    (name): Case => ({ name: `reimburse ${name}`, args: () => ['reimburse', at(name), '--treasury', 'treasury', '--token', 'dUSD', '--mode', 'transfers', ...m()], says: new RegExp(name.replace('.', '\\.')) }),
  ),

  // Keys: refused by name, never printed back
  ...(
    [
      ['zero', `0x${'0'.repeat(64)}`, /TREASURY_KEY does not hold a usable private key: it is zero/],
      ['the curve order', `0x${curveOrder.toString(16)}`, /not below the secp256k1 curve order/],
      ['all ones', `0x${'f'.repeat(64)}`, /not below the secp256k1 curve order/],
      ['too short', `0x${'ab'.repeat(31)}`, /TREASURY_KEY does not hold a private key/],
      ['not hex', `0x${'zz'.repeat(32)}`, /TREASURY_KEY does not hold a private key/],
      ['a mnemonic', 'test test test test test test test test test test test junk', /TREASURY_KEY does not hold a private key/],
    ] as const
  ).map(([what, key, says]): Case => ({
    name: `safe sign with a key of ${what}`,
    args: () => ['safe', 'sign', at('safe-tx-broken.json'), '--out', at('sig.json'), '--key-env', 'TREASURY_KEY'],
    env: { TREASURY_KEY: key },
    says,
    secret: () => [key, key.slice(2), BigInt(/^0x[0-9a-f]+$/i.test(key) ? key : 0).toString()].filter((value) => value.length > 8),
    ownIncidents: true,
  })),
  // The same keys where a plan's key executor reads them: contain pauses through the guardian's key.
  ...(
    [
      ['zero', `0x${'0'.repeat(64)}`, /GUARDIAN_KEY does not hold a usable private key: it is zero/],
      ['the curve order', `0x${curveOrder.toString(16)}`, /GUARDIAN_KEY does not hold a usable private key: it is not below the secp256k1 curve order/],
    ] as const
  ).map(([what, key, says]): Case => ({
    name: `contain with the guardian's key of ${what}`,
    args: () => ['contain', 'pause-all', ...m()],
    env: { GUARDIAN_KEY: key },
    says,
    secret: () => [key, key.slice(2), BigInt(key).toString()].filter((value) => value.length > 8),
  })),
  { name: 'safe sign with an unset key variable', args: () => ['safe', 'sign', at('safe-tx-broken.json'), '--out', at('sig.json'), '--key-env', 'NOBODY_KEY'], ownIncidents: true, usage: true },
  { name: 'safe sign with a keystore and no password variable', args: () => ['safe', 'sign', at('safe-tx-broken.json'), '--out', at('sig.json'), '--keystore', at('binary.dat')], ownIncidents: true, usage: true },
  { name: 'safe sign with a keystore that is binary', args: () => ['safe', 'sign', at('safe-tx-broken.json'), '--out', at('sig.json'), '--keystore', at('binary.dat'), '--password-env', 'KEYSTORE_PASSWORD'], ownIncidents: true },
  { name: 'safe sign a transaction file that is not JSON', args: () => ['safe', 'sign', at('safe-tx-broken.json'), '--out', at('sig.json'), '--key-env', 'TREASURY_KEY'], ownIncidents: true },
  { name: 'safe sign a transaction file that does not exist', args: () => ['safe', 'sign', at('missing.json'), '--out', at('sig.json'), '--key-env', 'TREASURY_KEY'], ownIncidents: true },
  { name: 'safe hashes of a binary file', args: () => ['safe', 'hashes', at('binary.dat')], ownIncidents: true },
  { name: 'safe hashes of a folder', args: () => ['safe', 'hashes', at('a-folder')], ownIncidents: true },

  // Other commands
  { name: 'report of an incident that does not exist', args: () => ['report', 'no-such-incident'] },
  { name: 'claims with no reimbursement in the incident', args: () => ['claims', ...m()] },
  { name: 'restore run of a stage the manifest does not name', args: () => ['restore', 'run', 'stage-9', ...m()] },
  { name: 'compile --contracts that does not exist', args: () => ['compile', '--contracts', at('no-such-folder'), '--cache', at('cache')], ownIncidents: true },
  { name: 'upgrade --from an artifact that does not exist', args: () => ['upgrade', 'vault', '--from', at('missing.json'), '--to', at('missing.json'), '--asset', 'dUSD', '--dry-run', ...m()] },

  // The watcher
  { name: 'watch with a manifest that has no watch: section', args: () => ['watch', ...m()], says: /has no watch: section/ },
  { name: 'arm with a manifest that has no watch: section', args: () => ['arm', ...m()], says: /has no watch: section/, ownIncidents: true },
  { name: 'watch --poll-ms that is not a count', args: () => ['watch', '--poll-ms', 'fast', ...m()], usage: true },
  { name: 'watch --watch-dir under a file', args: () => ['watch', '--watch-dir', join(at('afile'), 'watch'), ...m()] },

  // A node over its quota: the node's fault, said as such
  { name: 'inspect through a node that answers 429', args: () => ['inspect', '--rpc-url', rateLimited.url, ...m()], says: /node/, ownIncidents: true },
  { name: 'snapshot through a node that answers 429', args: () => ['snapshot', 'dUSD', '--rpc-url', rateLimited.url, ...m()], says: /node/ },
  { name: 'contain --dry-run through a node that answers 429', args: () => ['contain', 'pause-all', '--dry-run', '--rpc-url', rateLimited.url, ...m()], says: /node/ },
  { name: 'losses through a node that answers 429', args: () => ['losses', '--contract', 'dUSD', '--before-block', '1', '--rpc-url', rateLimited.url, ...m()], says: /node/ },
]

/** Runs at most `limit` at once: each CLI is a node process of its own. */
async function pooled<T, R>(items: readonly T[], limit: number, run: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length)
  let next = 0
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) {
        const index = next++
        results[index] = await run(items[index] as T, index)
      }
    }),
  )
  return results
}

describe('bad input never exits 0 or 3, and says what is wrong in one line', () => {
  let runs: CliRun[]

  beforeAll(async () => {
    runs = await pooled(cases, 8, (testCase, index) =>
      runCli(testCase.ownIncidents ? testCase.args() : [...testCase.args(), '--incidents', join(dir, 'incidents', String(index))], { ...env, ...testCase.env }),
    )
  }, 180_000)

  it('holds at least 100 cases across commands', () => {
    expect(cases.length).toBeGreaterThanOrEqual(100)
    expect(new Set(cases.map((testCase) => testCase.name)).size).toBe(cases.length)
  })

  cases.forEach((testCase, index) => {
    it(testCase.name, () => {
      const run = runs[index] as CliRun
      const context = `${testCase.name}\nexit ${run.code}\n${run.stderr}`
      expect([1, 2], context).toContain(run.code)
      if (testCase.usage) expect(run.code, context).toBe(2)
      const lines = run.stderr.split('\n').filter((line) => line !== '')
      expect(lines.filter((line) => line.startsWith('firebreak:')), context).toHaveLength(1)
      // Beside the one line, only the pointer to --verbose.
      expect(lines.filter((line) => !line.startsWith('firebreak:') && line !== '  (run with --verbose for details)'), context).toEqual([])
      expect(run.stderr, context).not.toMatch(/^\s+at |bug in firebreak|unexpected error/m)
      if (testCase.says) expect(lines.find((line) => line.startsWith('firebreak:')), context).toMatch(testCase.says)
      for (const secret of [...secrets, ...(testCase.secret?.() ?? [])]) expect(run.stdout + run.stderr, context).not.toContain(secret)
    })
  })
})
