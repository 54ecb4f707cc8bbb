import { join } from 'node:path'
import type { Address } from 'viem'
import { beforeAll, describe, expect, it } from 'vitest'
import { useLocalChain } from '../../../test/fixtures/localChain.js'
import { deployContract } from '../../chain/deploy.js'
import { connect, devAccount, startAnvil } from '../../chain/index.js'
import { packageRoot } from '../../packageRoot.js'
import type { Artifacts } from '../../solidity/artifacts.js'
import { compileContracts } from '../../solidity/compile.js'
import { readPauseWindow } from './pauseWindow.js'

const local = useLocalChain({ compile: false })
const owner = devAccount(0)
const day = 24n * 60n * 60n
let fixtures: Artifacts

beforeAll(async () => {
  fixtures = (await compileContracts({ sourcesDir: join(packageRoot, 'test', 'contracts', 'levers') })).artifacts
})

async function deploy(name: string, args: readonly unknown[] = []): Promise<{ address: Address; deployedAt: bigint }> {
  const address = await deployContract(local.chain, owner, fixtures.get(name), args)
  const block = await local.chain.public.getBlock({ blockTag: 'latest' })
  return { address, deployedAt: block.timestamp }
}

async function chainTime(): Promise<bigint> {
  return (await local.chain.public.getBlock({ blockTag: 'latest' })).timestamp
}

async function passTime(seconds: bigint) {
  await local.chain.test.increaseTime({ seconds: Number(seconds) })
  await local.chain.test.mine({ blocks: 1 })
}

describe('readPauseWindow', () => {
  it("reads a Balancer-style window's end from getPausedState(): 90 days after deployment", async () => {
    const { address, deployedAt } = await deploy('TemporarilyPausable', [owner.address, 90n * day, 30n * day])
    expect(await readPauseWindow(local.chain, address)).toEqual({ endsAt: deployedAt + 90n * day, signature: 'getPausedState()' })
  })

  it('reports a window that has run out as ending in the past, when the owner can no longer pause', async () => {
    const { address } = await deploy('TemporarilyPausable', [owner.address, 7n * day, 3n * day])
    await passTime(8n * day)
    const window = await readPauseWindow(local.chain, address)
    expect(window?.endsAt).toBeLessThan(await chainTime())
    await expect(
      local.chain.public.simulateContract({
        address,
        abi: fixtures.get('TemporarilyPausable').abi,
        functionName: 'setPaused',
        args: [true],
        account: owner.address,
      }),
    ).rejects.toThrow(/PauseWindowExpired/)
  })

  it('reads a plain pauseWindowEndTime() view', async () => {
    const { address, deployedAt } = await deploy('PauseWindowEnd', [owner.address, 14n * day])
    expect(await readPauseWindow(local.chain, address)).toEqual({ endsAt: deployedAt + 14n * day, signature: 'pauseWindowEndTime()' })
  })

  it('finds no window on a pause that never expires', async () => {
    const { address } = await deploy('UnguardedPause')
    expect(await readPauseWindow(local.chain, address)).toBeUndefined()
  })

  it('finds no window at an address with no code', async () => {
    expect(await readPauseWindow(local.chain, '0x000000000000000000000000000000000000dEaD')).toBeUndefined()
  })

  it('throws when the node cannot be reached rather than report no window', async () => {
    const anvil = await startAnvil()
    const gone = await connect(anvil.rpcUrl)
    await anvil.stop()
    await expect(readPauseWindow(gone, '0x000000000000000000000000000000000000dEaD')).rejects.toThrow(/HTTP request failed/)
  })
})
