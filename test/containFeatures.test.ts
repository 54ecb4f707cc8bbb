import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Address } from 'viem'
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { deployContract } from '../src/chain/deploy.js'
import { devAccount } from '../src/chain/devAccounts.js'
import { runContainment } from '../src/contain/runContainment.js'
import { type Incident, openIncident } from '../src/journal/index.js'
import { loadManifest } from '../src/manifest/index.js'
import { packageRoot } from '../src/packageRoot.js'
import type { Artifacts } from '../src/solidity/artifacts.js'
import { compileContracts } from '../src/solidity/compile.js'
import { useLocalChain } from './fixtures/localChain.js'
import { writeTestManifest } from './fixtures/manifest.js'

/** A vault paused feature by feature, with no `pause()`: containing it means pulling every feature's pause. */
const local = useLocalChain({ compile: false })
const owner = devAccount(1)
const user = devAccount(5)
let artifacts: Artifacts
let vault: Address
let dir: string
let incident: Incident

beforeAll(async () => {
  artifacts = (await compileContracts({ sourcesDir: join(packageRoot, 'test', 'contracts', 'contain') })).artifacts
})

beforeEach(async () => {
  vault = await deployContract(local.chain, owner, artifacts.get('FeaturePausedVault'), [owner.address])
  dir = mkdtempSync(join(tmpdir(), 'firebreak-contain-features-'))
  incident = openIncident({ root: join(dir, 'incidents'), id: 'features' })
  process.env.FEATURE_OWNER_KEY = '0x' + Buffer.from(owner.getHdKey().privateKey!).toString('hex')
})

afterEach(() => {
  rmSync(dir, { recursive: true, force: true })
  delete process.env.FEATURE_OWNER_KEY
})

const read = (functionName: 'depositsPaused' | 'withdrawalsPaused') => local.chain.public.readContract({ address: vault, abi: artifacts.get('FeaturePausedVault').abi, functionName }) as Promise<boolean>

function manifest(options: { abi: boolean }) {
  return loadManifest(
    writeTestManifest(dir, {
      rpcUrl: local.anvil.rpcUrl,
      contracts: [{ name: 'vault', address: vault, ...(options.abi ? { abi: artifacts.get('FeaturePausedVault').abi } : {}) }],
      authorities: [{ name: 'owner', type: 'eoa', address: owner.address, keyEnv: 'FEATURE_OWNER_KEY' }],
      normalOperations: [
        { description: 'a user deposits 1 wei', from: user.address, contract: 'vault', function: 'deposit()', args: [], value: '1' },
        { description: 'a user withdraws nothing', from: user.address, contract: 'vault', function: 'withdraw(uint256)', args: [0] },
      ],
    }),
  )
}

describe('contain pause-all on a contract paused feature by feature', () => {
  it('pulls every feature pause, with true, each checked by the flag it turned', async () => {
    const outcome = await runContainment({ manifest: manifest({ abi: true }), playbook: 'pause-all', incident })

    expect(outcome.status).toBe('contained')
    expect(outcome.plan.steps.flatMap((step) => step.actions.map((action) => action.decoded.text))).toEqual(['vault.pauseDeposits(true)', 'vault.pauseWithdrawals(true)'])
    expect(outcome.plan.steps.flatMap((step) => step.postconditions.map((check) => check.description))).toEqual([
      'vault.depositsPaused() is true',
      'a user deposits 1 wei now reverts',
      'vault.withdrawalsPaused() is true',
      'a user withdraws nothing now reverts',
    ])
    expect([await read('depositsPaused'), await read('withdrawalsPaused')]).toEqual([true, true])
  })

  it('finds the same pauses without an ABI, from the bytecode and the normal operations alone', async () => {
    const outcome = await runContainment({ manifest: manifest({ abi: false }), playbook: 'pause-all', incident })

    expect(outcome.status).toBe('contained')
    expect(outcome.plan.steps.flatMap((step) => step.postconditions.map((check) => check.description))).toEqual(['a user deposits 1 wei now reverts', 'a user withdraws nothing now reverts'])
    expect([await read('depositsPaused'), await read('withdrawalsPaused')]).toEqual([true, true])
  })

  it('still pauses withdrawals when deposits alone are paused already: one feature flag is not the whole contract', async () => {
    const owned = local.chain.wallet(owner)
    await local.chain.public.waitForTransactionReceipt({ hash: await owned.writeContract({ address: vault, abi: artifacts.get('FeaturePausedVault').abi, functionName: 'pauseDeposits', args: [true] } as never) })

    const outcome = await runContainment({ manifest: manifest({ abi: true }), playbook: 'pause-all', incident })

    expect(outcome.status).toBe('contained')
    expect(outcome.plan.steps.flatMap((step) => step.actions.map((action) => action.decoded.text))).toEqual(['vault.pauseWithdrawals(true)'])
    expect([await read('depositsPaused'), await read('withdrawalsPaused')]).toEqual([true, true])
  })

  it('says nothing is to be done once every feature is paused', async () => {
    const owned = local.chain.wallet(owner)
    const abi = artifacts.get('FeaturePausedVault').abi
    for (const functionName of ['pauseDeposits', 'pauseWithdrawals']) {
      await local.chain.public.waitForTransactionReceipt({ hash: await owned.writeContract({ address: vault, abi, functionName, args: [true] } as never) })
    }

    const outcome = await runContainment({ manifest: manifest({ abi: true }), playbook: 'pause-all', incident })

    expect(outcome.status).toBe('nothing-to-do')
    expect(outcome.skipped).toEqual([{ contract: 'vault', reason: 'already paused: vault.depositsPaused() reads true, vault.withdrawalsPaused() reads true' }])
  })
})
