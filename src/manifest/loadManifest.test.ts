import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { beforeEach, describe, expect, it } from 'vitest'
import { loadManifest } from './loadManifest.js'
import { ManifestError } from './ManifestError.js'
import { manifestTargets } from './manifestTargets.js'

const vaultAbi = [
  { type: 'function', name: 'pause', inputs: [], outputs: [], stateMutability: 'nonpayable' },
  { type: 'event', name: 'Paused', inputs: [{ name: 'account', type: 'address', indexed: false }], anonymous: false },
]
const tokenAbi = [{ type: 'function', name: 'setSupplyCap', inputs: [{ name: 'cap', type: 'uint256' }], outputs: [], stateMutability: 'nonpayable' }]
/** The shape of `forge build` output (out/Token.sol/Token.json): the ABI sits under "abi". */
const foundryArtifact = { abi: tokenAbi, bytecode: { object: '0x6080', linkReferences: {} }, methodIdentifiers: { 'setSupplyCap(uint256)': '0x5ba5f4b2' } }

const VAULT = '0x5FbDB2315678afecb367f032d93F642f64180aa3'
const TOKEN = '0xe7f1725e7734ce288f8367e1bb143e90bb3f0512'
const GUARDIAN = '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266'
const SAFE = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8'
const TIMELOCK = '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC'
const env = { MAINNET_RPC_URL: 'https://eth-mainnet.example/v2/0123456789abcdefABCDEF' }

let dir: string
let file: string

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'firebreak-manifest-'))
  file = join(dir, 'firebreak.yaml')
})

function write(relativePath: string, content: string | object) {
  const path = join(dir, relativePath)
  mkdirSync(dirname(path), { recursive: true })
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content))
}

/** A valid one-chain manifest with the given contracts section (YAML, indented as under `contracts:`). */
function oneChain(contracts: string, rest = '') {
  return `chains:\n  mainnet:\n    rpcUrlEnv: MAINNET_RPC_URL\n    chainId: 1\ncontracts:\n${contracts}${rest}`
}

/** The ManifestError loadManifest throws for the file as written. */
function loadError(yaml: string | undefined, options: { env?: Record<string, string> } = {}): ManifestError {
  if (yaml !== undefined) write('firebreak.yaml', yaml)
  try {
    loadManifest(file, { env: options.env ?? env })
  } catch (error) {
    expect(error).toBeInstanceOf(ManifestError)
    return error as ManifestError
  }
  throw new Error('loadManifest accepted the manifest')
}

describe('a valid manifest', () => {
  beforeEach(() => {
    write('abis/vault.json', vaultAbi)
    write('out/Token.sol/Token.json', foundryArtifact)
    write(
      'firebreak.yaml',
      `chains:
  mainnet:
    rpcUrlEnv: MAINNET_RPC_URL
    chainId: 1
  local:
    rpcUrl: http://127.0.0.1:8545
    chainId: 31337
contracts:
  - name: vault
    address: "${VAULT.toLowerCase()}"
    chain: mainnet
    abi: ./abis/vault.json
  - name: token
    address: ${TOKEN}
    chain: local
    abi: out/Token.sol/Token.json
  - name: router
    address: "0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0"
    chain: mainnet
authorities:
  - name: guardian
    type: eoa
    address: "${GUARDIAN}"
    keyEnv: GUARDIAN_KEY
  - name: council
    type: safe
    address: "${SAFE}"
  - name: governance
    type: timelock
    address: "${TIMELOCK}"
`,
    )
  })

  it('resolves each chain with its RPC URL from the environment or the file, and its expected chain id', () => {
    const manifest = loadManifest(file, { env })

    expect(manifest.file).toBe(file)
    expect(manifest.chains).toEqual([
      { name: 'mainnet', rpcUrl: env.MAINNET_RPC_URL, rpcUrlEnv: 'MAINNET_RPC_URL', chainId: 1 },
      { name: 'local', rpcUrl: 'http://127.0.0.1:8545', chainId: 31337 },
    ])
  })

  it('loads a JSON ABI and a Foundry artifact relative to the manifest, and checksums every address', () => {
    const manifest = loadManifest(file, { env })

    expect(manifest.contracts).toEqual([
      { name: 'vault', address: VAULT, chain: 'mainnet', abi: vaultAbi, abiFile: join(dir, 'abis/vault.json') },
      { name: 'token', address: '0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512', chain: 'local', abi: tokenAbi, abiFile: join(dir, 'out/Token.sol/Token.json') },
      { name: 'router', address: '0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0', chain: 'mainnet' },
    ])
  })

  it('lists the team authorities with their type, and the key variable of the eoa only', () => {
    const manifest = loadManifest(file, { env })

    expect(manifest.authorities).toEqual([
      { name: 'guardian', type: 'eoa', address: GUARDIAN, keyEnv: 'GUARDIAN_KEY' },
      { name: 'council', type: 'safe', address: SAFE },
      { name: 'governance', type: 'timelock', address: TIMELOCK },
    ])
  })

  it('gives inspect the contracts of the chosen chain, with their ABI when known', () => {
    const manifest = loadManifest(file, { env })

    expect(manifestTargets(manifest, 'mainnet')).toEqual([
      { name: 'vault', address: VAULT, abi: vaultAbi },
      { name: 'router', address: '0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0' },
    ])
    expect(manifestTargets(manifest, 'local')).toEqual([{ name: 'token', address: '0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512', abi: tokenAbi }])
  })

  it('refuses to choose a chain for inspect when the manifest names two', () => {
    const manifest = loadManifest(file, { env })

    expect(() => manifestTargets(manifest)).toThrow(`${file}: chains: expected the name of the chain to use (one of mainnet, local), got none`)
    expect(() => manifestTargets(manifest, 'mainet')).toThrow(`${file}: chains: expected one of mainnet, local, got "mainet" (did you mean "mainnet"?)`)
  })
})

describe('defaults', () => {
  it('puts a contract without chain on the only chain, and reads an unquoted address as written', () => {
    write('firebreak.yaml', oneChain(`  - name: vault\n    address: ${VAULT.toLowerCase()}\n`))

    const manifest = loadManifest(file, { env })

    expect(manifest.contracts).toEqual([{ name: 'vault', address: VAULT, chain: 'mainnet' }])
    expect(manifest.authorities).toEqual([])
    expect(manifestTargets(manifest)).toEqual([{ name: 'vault', address: VAULT }])
  })
})

describe('playbook arguments', () => {
  it('keeps a struct (as a list or a mapping) and a list of addresses as written, unquoted hex included, for the ABI check that follows', () => {
    const playbook = `playbooks:
  ccip:
    steps:
      - limit:
          contract: onRamp
          function: setRateLimiterConfig((bool,uint128,uint128))
          args: [[true, "1000000000000000000000", 10]]
      - limit:
          contract: onRamp
          function: setRateLimiterConfig
          args:
            - isEnabled: false
              capacity: 0x3e8
              rate: 0
      - limit:
          contract: onRamp
          function: blockSenders(address[])
          args:
            - [${GUARDIAN}, "${SAFE.toLowerCase()}"]
`
    write('firebreak.yaml', `${oneChain(`  - name: onRamp\n    address: "${VAULT}"\n`)}${playbook}`)

    const manifest = loadManifest(file, { env })

    expect(manifest.playbooks[0]!.actions).toEqual([
      { kind: 'limit', contract: 'onRamp', function: 'setRateLimiterConfig((bool,uint128,uint128))', args: [[true, '1000000000000000000000', 10]] },
      { kind: 'limit', contract: 'onRamp', function: 'setRateLimiterConfig', args: [{ isEnabled: false, capacity: '0x3e8', rate: 0 }] },
      { kind: 'limit', contract: 'onRamp', function: 'blockSenders(address[])', args: [[GUARDIAN, SAFE.toLowerCase()]] },
    ])
  })

  it('names an empty value deep inside a struct argument at its own path', () => {
    const playbook = `playbooks:\n  ccip:\n    steps:\n      - limit:\n          contract: onRamp\n          function: setRateLimiterConfig\n          args:\n            - isEnabled: true\n              capacity: [1, ~]\n              rate: 1\n`
    expect(loadError(`${oneChain(`  - name: onRamp\n    address: "${VAULT}"\n`)}${playbook}`).shortMessage).toBe(
      `${file}: playbooks.ccip.steps[0].limit.args[0].capacity[1]: expected a string, number, boolean, list or mapping argument, got an empty value`,
    )
  })
})

describe('errors name the file, the path inside it and what was expected', () => {
  it('says to run firebreak init when the manifest does not exist', () => {
    expect(loadError(undefined).shortMessage).toBe(`${file}: expected a manifest, found no such file: run firebreak init --path ${file} to write one`)
  })

  it('names the line and column of a YAML syntax error', () => {
    const error = loadError('chains:\n  mainnet:\n    chainId: 1\n   rpcUrlEnv: X\ncontracts: []\n')

    expect(error.shortMessage).toBe(`${file}: line 4, column 1: all mapping items must start at the same column`)
    expect([error.line, error.column]).toEqual([4, 1])
  })

  it('rejects an address that is not 20 bytes, at its index in the list', () => {
    const error = loadError(
      oneChain(`  - name: a\n    address: "${VAULT}"\n  - name: b\n    address: "${TOKEN}"\n  - name: c\n    address: "0x12"\n`),
    )

    expect(error.shortMessage).toBe(`${file}: contracts[2].address: expected a 20-byte hex address, got "0x12"`)
    expect(error.metaMessages).toEqual([`at line 11, column 14 of ${file}`])
  })

  it('rejects a mixed-case address whose checksum is wrong, since it likely hides a typo', () => {
    const typo = '0x5FbDB2315678afecb367f032d93F642f64180aA3'

    expect(loadError(oneChain(`  - name: vault\n    address: "${typo}"\n`)).shortMessage).toBe(
      `${file}: contracts[0].address: expected a 20-byte hex address with a valid checksum (or all lower case), got "${typo}": check it for a typo`,
    )
  })

  it('rejects a misspelt key, names it and suggests the right one, before the missing key it hides', () => {
    const error = loadError(oneChain(`  - name: vault\n    adress: "${VAULT}"\n`))

    expect(error.shortMessage).toBe(`${file}: contracts[0].adress: unknown key; expected one of name, address, chain, abi (did you mean "address"?)`)
    expect(error.metaMessages).toContain(`also ${file}: contracts[0].address: expected a 20-byte hex address, got nothing`)
  })

  it('rejects an unknown key at the top level and in a chain', () => {
    expect(loadError(`${oneChain(`  - name: vault\n    address: "${VAULT}"\n`)}authority: []\n`).shortMessage).toBe(
      `${file}: authority: unknown key; expected one of chains, contracts, authorities, playbooks, normalOperations, restore, watch (did you mean "authorities"?)`,
    )
    expect(loadError(`chains:\n  mainnet:\n    rpcUrlEnv: MAINNET_RPC_URL\n    chainId: 1\n    explorer: x\ncontracts:\n  - name: v\n    address: "${VAULT}"\n`).shortMessage).toBe(
      `${file}: chains.mainnet.explorer: unknown key; expected one of rpcUrlEnv, rpcUrl, chainId`,
    )
  })

  it('names the playbook step that points at a contract the manifest does not list', () => {
    const playbook = `playbooks:\n  freeze:\n    steps:\n      - pause: vaultt\n`
    expect(loadError(`${oneChain(`  - name: vault\n    address: "${VAULT}"\n`)}${playbook}`).shortMessage).toBe(
      `${file}: playbooks.freeze.steps[0].pause: expected 'all' or one of vault, got "vaultt" (did you mean "vault"?)`,
    )
  })

  it('refuses a playbook step that does two things at once', () => {
    const playbook = `playbooks:\n  freeze:\n    steps:\n      - pause: vault\n        disable: { contract: vault, function: redeem }\n`
    expect(loadError(`${oneChain(`  - name: vault\n    address: "${VAULT}"\n`)}${playbook}`).shortMessage).toBe(
      `${file}: playbooks.freeze.steps[0]: expected exactly one of pause, limit, disable, revoke, got pause and disable`,
    )
  })

  it('rejects two contracts of the same name, pointing at both', () => {
    const error = loadError(oneChain(`  - name: vault\n    address: "${VAULT}"\n  - name: vault\n    address: "${TOKEN}"\n`))

    expect(error.shortMessage).toBe(`${file}: contracts[1].name: expected a unique contract name on chain mainnet, got "vault" again (also contracts[0].name)`)
  })

  it('takes one name on two chains as one contract deployed on each, and a chain-limited authority', () => {
    const twoChains = `chains:\n  mainnet:\n    rpcUrl: http://127.0.0.1:8545\n    chainId: 1\n  arbitrum:\n    rpcUrl: http://127.0.0.1:8546\n    chainId: 42161\ncontracts:\n  - name: vault\n    chain: mainnet\n    address: "${VAULT}"\n  - name: vault\n    chain: arbitrum\n    address: "${TOKEN}"\nauthorities:\n  - name: ops\n    type: safe\n    chain: arbitrum\n    address: "${TOKEN}"\n  - name: ops\n    type: safe\n    chain: mainnet\n    address: "${VAULT}"\n`
    write('firebreak.yaml', twoChains)
    const manifest = loadManifest(file, { env })
    expect(manifest.contracts.map((contract) => `${contract.name}@${contract.chain}`)).toEqual(['vault@mainnet', 'vault@arbitrum'])
    expect(manifest.authorities.map((authority) => `${authority.name}@${authority.chain}`)).toEqual(['ops@arbitrum', 'ops@mainnet'])
  })

  it('rejects a contract on a chain the manifest does not name', () => {
    expect(loadError(oneChain(`  - name: vault\n    address: "${VAULT}"\n    chain: mainet\n`)).shortMessage).toBe(
      `${file}: contracts[0].chain: expected one of mainnet, got "mainet" (did you mean "mainnet"?)`,
    )
  })

  it('requires a chain on each contract once the manifest names two chains', () => {
    const yaml = `chains:\n  mainnet:\n    rpcUrlEnv: MAINNET_RPC_URL\n    chainId: 1\n  base:\n    rpcUrlEnv: MAINNET_RPC_URL\n    chainId: 8453\ncontracts:\n  - name: vault\n    address: "${VAULT}"\n`

    expect(loadError(yaml).shortMessage).toBe(
      `${file}: contracts[0].chain: expected one of mainnet, base (required when the manifest names more than one chain), got nothing`,
    )
  })

  it('names the variable and the chain when the RPC URL variable is not set', () => {
    expect(loadError(oneChain(`  - name: vault\n    address: "${VAULT}"\n`), { env: {} }).shortMessage).toBe(
      `${file}: chains.mainnet.rpcUrlEnv: expected environment variable MAINNET_RPC_URL to hold the RPC URL of chain mainnet, but it is not set`,
    )
  })

  it('rejects an RPC URL variable that holds no URL, without printing its value', () => {
    const error = loadError(oneChain(`  - name: vault\n    address: "${VAULT}"\n`), { env: { MAINNET_RPC_URL: 'secret-key-123' } })

    expect(error.shortMessage).toBe(
      `${file}: chains.mainnet.rpcUrlEnv: expected environment variable MAINNET_RPC_URL to hold the RPC URL of chain mainnet (http, https, ws or wss), but its value is not a URL`,
    )
    expect(error.message).not.toContain('secret-key-123')
  })

  it('names the missing ABI file as written in the manifest', () => {
    const error = loadError(oneChain(`  - name: vault\n    address: "${VAULT}"\n    abi: ./abis/vault.json\n`))

    expect(error.shortMessage).toBe(`${file}: contracts[0].abi: expected a JSON ABI or a Hardhat/Foundry artifact, but ./abis/vault.json does not exist`)
    expect(error.metaMessages).toContain(`resolved to ${join(dir, 'abis/vault.json')} (ABI paths are relative to the manifest)`)
  })

  it('names an ABI file that holds something other than an ABI', () => {
    write('abis/config.json', { name: 'vault', version: 2 })
    write('abis/broken.json', '[{"type": "function", ')
    write('abis/odd.json', [{ type: 'function', name: 'pause', inputs: [] }, { type: 'modifier', name: 'onlyOwner' }])

    expect(loadError(oneChain(`  - name: vault\n    address: "${VAULT}"\n    abi: abis/config.json\n`)).shortMessage).toBe(
      `${file}: contracts[0].abi: expected a JSON ABI or a Hardhat/Foundry artifact, but abis/config.json is an object without an "abi" list`,
    )
    expect(loadError(oneChain(`  - name: vault\n    address: "${VAULT}"\n    abi: abis/broken.json\n`)).shortMessage).toBe(
      `${file}: contracts[0].abi: expected a JSON ABI or a Hardhat/Foundry artifact, but abis/broken.json is not valid JSON`,
    )
    expect(loadError(oneChain(`  - name: vault\n    address: "${VAULT}"\n    abi: abis/odd.json\n`)).shortMessage).toBe(
      `${file}: contracts[0].abi: expected a JSON ABI or a Hardhat/Foundry artifact, but abis/odd.json is not an ABI: item 1 has type "modifier", expected one of function, event, error, constructor, fallback, receive`,
    )
  })

  it('rejects a private key written in place of its variable name, without printing it', () => {
    const key = 'ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80'
    const error = loadError(
      oneChain(`  - name: vault\n    address: "${VAULT}"\n`, `authorities:\n  - name: guardian\n    type: eoa\n    address: "${GUARDIAN}"\n    keyEnv: "0x${key}"\n`),
    )

    expect(error.shortMessage).toBe(
      `${file}: authorities[0].keyEnv: expected the name of an environment variable holding the key, got what looks like a private key: remove it from the file and treat the key as compromised`,
    )
    expect(error.message).not.toContain(key)
  })

  it('rejects a key variable on a Safe, which signs through its owners', () => {
    const error = loadError(
      oneChain(`  - name: vault\n    address: "${VAULT}"\n`, `authorities:\n  - name: council\n    type: safe\n    address: "${SAFE}"\n    keyEnv: COUNCIL_KEY\n`),
    )

    expect(error.shortMessage).toBe(
      `${file}: authorities[0].keyEnv: expected keyEnv only on an eoa, got it on a safe: a safe acts through its owners, so list those as eoa authorities instead`,
    )
  })

  it('rejects an authority type it does not know', () => {
    expect(
      loadError(oneChain(`  - name: vault\n    address: "${VAULT}"\n`, `authorities:\n  - name: council\n    type: multisig\n    address: "${SAFE}"\n`)).shortMessage,
    ).toBe(`${file}: authorities[0].type: expected one of eoa, safe, timelock, got "multisig"`)
  })

  it('rejects a literal RPC URL that carries an API key, without printing it', () => {
    const url = 'https://mainnet.infura.io/v3/9aa3d95b3bc440fa88ea12eaa4456161'
    const error = loadError(`chains:\n  mainnet:\n    rpcUrl: ${url}\n    chainId: 1\ncontracts:\n  - name: vault\n    address: "${VAULT}"\n`)

    expect(error.shortMessage).toBe(
      `${file}: chains.mainnet.rpcUrl: expected a URL without credentials, got one that looks like it carries an API key: set it in an environment variable and name that variable in rpcUrlEnv`,
    )
    expect(error.message).not.toContain('9aa3d95b')
  })

  it('rejects a URL written where the name of its variable belongs', () => {
    expect(loadError(`chains:\n  mainnet:\n    rpcUrlEnv: https://rpc.example\n    chainId: 1\ncontracts:\n  - name: vault\n    address: "${VAULT}"\n`).shortMessage).toBe(
      `${file}: chains.mainnet.rpcUrlEnv: expected the name of an environment variable holding the RPC URL, got a URL: set the URL in the environment (or use rpcUrl for a local node)`,
    )
  })

  it('requires exactly one of rpcUrlEnv and rpcUrl on a chain', () => {
    expect(loadError(`chains:\n  mainnet:\n    chainId: 1\ncontracts:\n  - name: vault\n    address: "${VAULT}"\n`).shortMessage).toBe(
      `${file}: chains.mainnet: expected rpcUrlEnv (the environment variable holding the RPC URL) or rpcUrl (a local node's URL), got neither`,
    )
  })

  it('rejects a chain id that is not a positive integer', () => {
    expect(loadError(`chains:\n  mainnet:\n    rpcUrlEnv: MAINNET_RPC_URL\n    chainId: "1"\ncontracts:\n  - name: vault\n    address: "${VAULT}"\n`).shortMessage).toBe(
      `${file}: chains.mainnet.chainId: expected a positive integer chain id, got "1"`,
    )
  })

  it('rejects a manifest without contracts, and an empty file', () => {
    expect(loadError(oneChain('').replace('contracts:\n', 'contracts: []\n')).shortMessage).toBe(`${file}: contracts: expected at least one contract, got an empty list`)
    expect(loadError('').shortMessage).toBe(`${file}: expected a mapping with chains, contracts and optionally authorities, playbooks, normalOperations, restore and watch, got nothing`)
  })
})
