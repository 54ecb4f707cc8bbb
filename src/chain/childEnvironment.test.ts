import { readFileSync } from 'node:fs'
import { afterAll, describe, expect, it } from 'vitest'
import { type Anvil, startAnvil } from './anvil.js'
import { childEnvironment } from './childEnvironment.js'

const secrets = {
  FAKE_PRIVATE_KEY: `0x${'ab'.repeat(32)}`,
  KEYSTORE_PASSWORD: 'correct horse battery staple',
  MAINNET_RPC_URL: 'https://eth.example/v3/0123456789abcdef0123456789abcdef',
  FOUNDRY_ETH_RPC_URL: 'https://eth.example/v2/another-api-key-0123456789',
  ETHERSCAN_API_KEY: 'ABCDEF0123456789',
}

function environOf(pid: number): string[] {
  return readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0')
}

function parentOf(pid: number): number {
  // /proc/<pid>/stat: "pid (comm) state ppid …"; comm may hold spaces, so read after its ")".
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
}

describe.runIf(process.platform === 'linux')('the environment of the anvil firebreak starts', () => {
  let anvil: Anvil | undefined
  afterAll(async () => {
    await anvil?.stop()
  })

  it("holds no key, password or RPC URL of the operator's, in anvil or its watchdog shell", async () => {
    Object.assign(process.env, secrets)
    try {
      anvil = await startAnvil()
    } finally {
      for (const name of Object.keys(secrets)) delete process.env[name]
    }
    const watchdog = parentOf(anvil.pid)
    for (const pid of [anvil.pid, watchdog]) {
      const environ = environOf(pid).join('\n')
      for (const [name, value] of Object.entries(secrets)) {
        expect(environ, `pid ${pid}: ${name}`).not.toContain(name)
        expect(environ).not.toContain(value)
      }
      expect(environ).toMatch(/^PATH=/m)
    }
  })
})

describe('childEnvironment', () => {
  it('keeps PATH, HOME, proxies and Foundry settings, and drops every secret-shaped name', () => {
    const kept = childEnvironment({ PATH: '/usr/bin', HOME: '/home/ops', HTTPS_PROXY: 'http://proxy:3128', FOUNDRY_PROFILE: 'ci', GUARDIAN_KEY: '0x01', NODE_OPTIONS: '--inspect', ...secrets })
    expect(kept).toEqual({ PATH: '/usr/bin', HOME: '/home/ops', HTTPS_PROXY: 'http://proxy:3128', FOUNDRY_PROFILE: 'ci' })
  })
})
