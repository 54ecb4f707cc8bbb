import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { type Hash, bytesToHex, parseEther, parseGwei } from 'viem'
import { describe, expect, it } from 'vitest'
import { useDrillProtocol } from '../../../test/fixtures/localChain.js'
import { useTempJournal } from '../../../test/fixtures/tempJournal.js'
import { devAccount } from '../../chain/devAccounts.js'
import { buildPausePlan } from '../../../test/fixtures/pausePlan.js'
import { packageRoot } from '../../packageRoot.js'
import { AuthorityMissingError } from '../errors.js'
import { executeStep, prepareExecutors } from '../execute.js'
import type { KeyAuthority, Plan, Step } from '../plan.js'
import { runPhase } from '../runPhase.js'
import { executorFor } from './index.js'
import { AuthorityUnfundedError, accountFor } from './key.js'
import { KeystoreError } from './keystore.js'

/** anvil's development key #1 (the drill's guardian) in a keystore written by `cast wallet import`. */
const keystorePath = join(packageRoot, 'test', 'fixtures', 'keystores', 'guardian-scrypt')
const keystorePassword = 'firebreak-drill'
const passwordVariable = 'FIREBREAK_TEST_KEYSTORE_PASSWORD'
const keyVariable = 'FIREBREAK_TEST_KEY_EXECUTOR_KEY'
const guardianKey = bytesToHex(devAccount(1).getHdKey().privateKey!)

async function withEnv<T>(values: Record<string, string | undefined>, run: () => Promise<T>): Promise<T> {
  const previous = Object.fromEntries(Object.keys(values).map((name) => [name, process.env[name]]))
  const assign = (entries: Record<string, string | undefined>) => {
    for (const [name, value] of Object.entries(entries)) {
      if (value === undefined) delete process.env[name]
      else process.env[name] = value
    }
  }
  assign(values)
  try {
    return await run()
  } finally {
    assign(previous)
  }
}

describe('accountFor', () => {
  const guardian = devAccount(1)
  const keystoreAuthority: KeyAuthority = {
    kind: 'key',
    address: guardian.address,
    label: 'guardian',
    keystore: { path: keystorePath, passwordEnv: passwordVariable },
  }

  it('unlocks the keystore with the password from the variable the authority names', async () => {
    const account = await withEnv({ [passwordVariable]: keystorePassword }, () => accountFor(keystoreAuthority, {}))

    expect(account.address).toBe(guardian.address)
  })

  it('prefers an account handed over in memory, and then a key in the environment, to the keystore', async () => {
    const handed = await withEnv({ [passwordVariable]: undefined }, () => accountFor(keystoreAuthority, { accounts: [guardian] }))
    const fromEnvironment = await withEnv({ [passwordVariable]: undefined, [keyVariable]: guardianKey }, () =>
      accountFor({ ...keystoreAuthority, keyEnv: keyVariable }, {}),
    )

    expect(handed).toBe(guardian)
    expect(fromEnvironment.address).toBe(guardian.address)
  })

  it('names the password variable when it is not set', async () => {
    const error = await withEnv({ [passwordVariable]: undefined }, () => accountFor(keystoreAuthority, {}).catch((caught: unknown) => caught))

    expect(error).toBeInstanceOf(AuthorityMissingError)
    expect((error as AuthorityMissingError).shortMessage).toBe(
      `no password for keystore ${keystorePath} of guardian (${guardian.address}): ${passwordVariable} is not set`,
    )
  })

  it('refuses a keystore holding the key of another account, naming both', async () => {
    const attacker = devAccount(3).address
    const authority: KeyAuthority = { ...keystoreAuthority, address: attacker, label: 'attacker' }

    const error = await withEnv({ [passwordVariable]: keystorePassword }, () => accountFor(authority, {}).catch((caught: unknown) => caught))

    expect((error as AuthorityMissingError).shortMessage).toBe(`keystore ${keystorePath} holds the key of ${guardian.address}, not of attacker (${attacker})`)
  })

  it('says what to name when the authority has neither a key variable nor a keystore', async () => {
    const error = await accountFor({ kind: 'key', address: guardian.address, label: 'guardian' }, {}).catch((caught: unknown) => caught)

    expect((error as AuthorityMissingError).shortMessage).toBe(`no key for guardian (${guardian.address}): no environment variable or keystore is named for its key`)
  })
})

describe('key executor on a chain', () => {
  const drill = useDrillProtocol()
  const { actors } = drill
  const keystoreAuthority: KeyAuthority = {
    kind: 'key',
    address: actors.guardian.address,
    label: 'guardian',
    keystore: { path: keystorePath, passwordEnv: passwordVariable },
  }

  const temp = useTempJournal('firebreak-key-')

  function pausePlan(authority: KeyAuthority = keystoreAuthority): Plan {
    return buildPausePlan({ targets: [{ contract: drill.protocol.vault, authority }] })
  }

  /** The pause, then one wei from the guardian to the treasury: two transactions from one key. */
  function pauseThenTransferPlan(): Plan {
    const plan = pausePlan()
    const treasury = actors.treasury.address
    const transfer: Step = {
      id: 'tip-treasury',
      title: 'send one wei to the treasury as guardian',
      authority: keystoreAuthority,
      actions: [{ call: { to: treasury, data: '0x', value: 1n }, decoded: { contract: 'treasury', address: treasury, functionName: 'transfer', args: [], text: 'treasury.transfer() {value: 1}' } }],
      postconditions: [],
    }
    return { ...plan, id: 'pause-then-transfer', steps: [...plan.steps, transfer] }
  }

  async function vaultPaused(): Promise<boolean> {
    return (await drill.chain.public.readContract({ ...drill.protocol.vault, functionName: 'paused' })) as boolean
  }

  function guardianNonce(): Promise<number> {
    return drill.chain.public.getTransactionCount({ address: actors.guardian.address })
  }

  function sentHashes(): Hash[] {
    return temp.journal.filter('step.sent').map((entry) => (entry.data as { txHash: Hash }).txHash)
  }

  /** Each step through executeStep after prepareExecutors: the phase runner without its fork simulation, which these tests are not about. */
  async function executeAll(plan: Plan) {
    await prepareExecutors(drill.chain, plan, { journal: temp.journal })
    const outcomes = []
    for (const step of plan.steps) outcomes.push(await executeStep(drill.chain, plan, step, { journal: temp.journal }))
    return outcomes
  }

  it('pauses the vault with the guardian key unlocked from its keystore, and journals neither key nor password', async () => {
    const outcomes = await withEnv({ [passwordVariable]: keystorePassword }, () => executeAll(pausePlan()))

    expect(await vaultPaused()).toBe(true)
    expect(outcomes).toMatchObject([{ stepId: 'pause-vault', status: 'done' }])
    expect(temp.journal.last('step.sent')?.data).toMatchObject({ executor: `key guardian ${actors.guardian.address}` })
    const journalText = readFileSync(temp.journal.path, 'utf8').toLowerCase()
    expect(journalText).toContain(actors.guardian.address.toLowerCase())
    expect(journalText).not.toContain(guardianKey.slice(2).toLowerCase())
    expect(journalText).not.toContain(keystorePassword)
  })

  it('runs a whole plan signed from a keystore, journaling where the key is and not the password variable', async () => {
    await withEnv({ [passwordVariable]: keystorePassword }, () => runPhase({ journal: temp.journal, build: async () => ({ chain: drill.chain, plan: pausePlan() }) }))

    expect(await vaultPaused()).toBe(true)
    const [built] = temp.journal.filter('plan.built')
    expect((built?.data as { steps: { authority: object }[] }).steps[0]?.authority).toEqual({ kind: 'key', address: actors.guardian.address, label: 'guardian', keystoreFile: keystorePath })
  })

  it('stops the plan at prepare, with nothing sent, when the password variable is not set', async () => {
    const nonceBefore = await guardianNonce()

    const error = await withEnv({ [passwordVariable]: undefined }, () => prepareExecutors(drill.chain, pausePlan(), { journal: temp.journal }).catch((caught: unknown) => caught))

    expect((error as AuthorityMissingError).shortMessage).toContain(`${passwordVariable} is not set`)
    expect(temp.types()).toEqual([])
    expect(await guardianNonce()).toBe(nonceBefore)
    expect(await vaultPaused()).toBe(false)
  })

  it('stops the plan at prepare on a wrong password, naming the keystore', async () => {
    const error = await withEnv({ [passwordVariable]: 'guessed' }, () => prepareExecutors(drill.chain, pausePlan(), { journal: temp.journal }).catch((caught: unknown) => caught))

    expect(error).toBeInstanceOf(KeystoreError)
    expect((error as KeystoreError).shortMessage).toBe(`wrong password for keystore ${keystorePath} (MAC mismatch)`)
    expect(temp.types()).toEqual([])
    expect(await vaultPaused()).toBe(false)
  })

  it('stops the plan at prepare when the guardian cannot pay for the pause, naming both amounts in ether', async () => {
    await drill.chain.test.setNextBlockBaseFeePerGas({ baseFeePerGas: parseGwei('10') })
    await drill.chain.test.mine({ blocks: 1 })
    await drill.chain.test.setBalance({ address: actors.guardian.address, value: parseEther('0.0001') })
    const nonceBefore = await guardianNonce()

    const error = await withEnv({ [passwordVariable]: keystorePassword }, () => prepareExecutors(drill.chain, pausePlan(), { journal: temp.journal }).catch((caught: unknown) => caught))

    expect(error).toBeInstanceOf(AuthorityUnfundedError)
    expect((error as AuthorityUnfundedError).shortMessage).toMatch(
      new RegExp(`^guardian ${actors.guardian.address} has 0\\.0001 ETH, step "pause vault as guardian" needs about 0\\.00\\d+ ETH: fund it$`),
    )
    expect(await guardianNonce()).toBe(nonceBefore)
  })

  it('gives two steps of one key consecutive nonces', async () => {
    const nonceBefore = await guardianNonce()

    await withEnv({ [passwordVariable]: keystorePassword }, () => executeAll(pauseThenTransferPlan()))

    const nonces = await Promise.all(sentHashes().map(async (hash) => (await drill.chain.public.getTransaction({ hash })).nonce))
    expect(nonces).toEqual([nonceBefore, nonceBefore + 1])
    expect(await guardianNonce()).toBe(nonceBefore + 2)
  })

  it('resumes a plan killed while its first transaction was pending: waits for it, and gives the next step the next nonce', async () => {
    const plan = pauseThenTransferPlan()
    const [pause] = plan.steps
    const nonceBefore = await guardianNonce()
    await drill.chain.test.setAutomine(false)
    try {
      // The first run sent the pause, journaled it, and was killed before it was mined.
      const firstRun = await withEnv({ [passwordVariable]: keystorePassword }, () => executorFor({ chain: drill.chain, plan, step: pause!, journal: temp.journal }))
      await withEnv({ [passwordVariable]: keystorePassword }, () => firstRun.prepare())
      const pauseHash = await firstRun.send()
      temp.journal.append('step.sent', { planId: plan.id, stepId: pause!.id, txHash: pauseHash, executor: firstRun.describe, calls: [pause!.actions[0]!.call] })

      const resumed = withEnv({ [passwordVariable]: keystorePassword }, () => executeAll(plan))
      await mineWhile(resumed)

      expect(sentHashes()[0]).toBe(pauseHash)
      const nonces = await Promise.all(sentHashes().map(async (hash) => (await drill.chain.public.getTransaction({ hash })).nonce))
      expect(nonces).toEqual([nonceBefore, nonceBefore + 1])
      expect(await guardianNonce()).toBe(nonceBefore + 2)
      expect(await vaultPaused()).toBe(true)
    } finally {
      await drill.chain.test.setAutomine(true)
    }
  })

  /** Mines a block every 100 ms until `pending` settles, as a network with automine off would. */
  async function mineWhile<T>(pending: Promise<T>): Promise<T> {
    let settled = false
    pending.then(
      () => (settled = true),
      () => (settled = true),
    )
    for (let blocks = 0; !settled && blocks < 100; blocks += 1) {
      await new Promise((resolve) => setTimeout(resolve, 100))
      if (!settled) await drill.chain.test.mine({ blocks: 1 })
    }
    return pending
  }
})
