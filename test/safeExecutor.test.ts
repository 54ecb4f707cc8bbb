import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { Command } from 'commander'
import { type Address, type Hash, bytesToHex, encodeFunctionData, keccak256, parseAbi, parseEther, parseEventLogs, parseGwei, toHex, zeroHash } from 'viem'
import { beforeAll, describe, expect, it } from 'vitest'
import { devAccount } from '../src/chain/devAccounts.js'
import { registerSafe } from '../src/cli/commands/safe.js'
import { buildPausePlan } from './fixtures/pausePlan.js'
import { AuthorityMissingError, StepRevertedError } from '../src/engine/errors.js'
import { type RoutedCall, buildRoutedPlan } from '../src/engine/routing/buildRoutedPlan.js'
import { AwaitingSignaturesError } from '../src/engine/awaitingSignatures.js'
import { type ExecuteOptions, executeStep, prepareExecutors } from '../src/engine/execute.js'
import { readMultiSendDeployments } from '../src/engine/executors/safe/multiSendDeployments.js'
import { CANONICAL_MULTI_SEND_CALL_ONLY, safeAbi } from '../src/engine/executors/safe/abi.js'
import { SafeSignatureError, SafeThresholdNotMetError, SafeTransactionError } from '../src/engine/executors/safe/errors.js'
import { type SafeTransactionFile, readSafeTransactionFile } from '../src/engine/executors/safe/safeTransactionFile.js'
import { signSafeTransactionFile } from '../src/engine/executors/safe/signSafeTransactionFile.js'
import { signSafeTransaction } from '../src/engine/executors/safe/signatures.js'
import { type TransactionBuilderBatch, transactionBuilderChecksum } from '../src/engine/executors/safe/transactionBuilderBatch.js'
import { type Check, type Plan, type SafeAuthority, type Step, contractCall, viewFunction } from '../src/engine/plan.js'
import { type AwaitingSignaturesMode, runPhase } from '../src/engine/runPhase.js'
import type { AuthorityPath } from '../src/inspect/types.js'
import type { ManifestAuthority } from '../src/manifest/types.js'
import { useDrillProtocol } from './fixtures/localChain.js'
import { deployMultiSendCallOnly, deploySafe, installMultiSendCallOnly } from './fixtures/safe.js'
import { useTempJournal } from './fixtures/tempJournal.js'

const drill = useDrillProtocol()
const { actors } = drill
/** The Safe's owners: anvil accounts the drill does not use. */
const owners = [devAccount(10), devAccount(11), devAccount(12)] as const
const [alice, bob, carol] = owners
const mallory = devAccount(13)
/** Pays the gas of execTransaction; owns nothing. */
const submitter = devAccount(14)

const PAUSER_ROLE = keccak256(toHex('PAUSER_ROLE'))
const DEFAULT_ADMIN_ROLE = zeroHash

let safe: Address
const temp = useTempJournal('firebreak-safe-')

beforeAll(async () => {
  safe = await deploySafe(drill.chain, { deployer: actors.admin, owners: owners.map((owner) => owner.address), threshold: 2 })
  await installMultiSendCallOnly(drill.chain)
  await grantRole(PAUSER_ROLE, safe)
  // anvil funds accounts 0-9 only; the owners sign and need no ether.
  await drill.chain.test.setBalance({ address: submitter.address, value: parseEther('10') })
})

/** A plan through the runner every phase uses, with nothing of a phase around it. */
function runBarePlan(plan: Plan, options: ExecuteOptions & { awaitingSignatures?: AwaitingSignaturesMode }) {
  return runPhase({ ...options, build: async () => ({ chain: drill.chain, plan }) })
}

function authority(overrides: Partial<SafeAuthority> = {}): SafeAuthority {
  // The plan's copy of owners and threshold is deliberately stale: the executor reads the chain's.
  return { kind: 'safe', address: safe, label: 'guardians', owners: [alice.address], threshold: 1, ...overrides }
}

function pausePlan(safeAuthority: SafeAuthority = authority()): Plan {
  return buildPausePlan({ targets: [{ contract: drill.protocol.vault, authority: safeAuthority }] })
}

/** Contain and limit in one Safe transaction: pause the vault and close deposits. */
function pauseAndCapPlan(safeAuthority: SafeAuthority = authority()): Plan {
  const { vault } = drill.protocol
  const step: Step = {
    id: 'pause-and-close-deposits',
    title: 'pause the vault and close deposits',
    authority: safeAuthority,
    actions: [contractCall(vault, 'pause', []), contractCall(vault, 'setDepositCap', [0n])],
    postconditions: [
      { kind: 'read', description: 'vault.paused() is true', address: vault.address, abi: viewFunction(vault.abi, 'paused'), args: [], expect: true },
      { kind: 'read', description: 'vault.depositCap() is 0', address: vault.address, abi: viewFunction(vault.abi, 'depositCap'), args: [], expect: 0n },
    ],
  }
  return { id: 'contain-limit', phase: 'contain', title: 'pause and close deposits', steps: [step], abis: [vault.abi] }
}

function safeTxFile(plan: Plan, step = plan.steps[0]!): string {
  return join(temp.dir, 'safe-tx', `${plan.id}-${step.id}.json`)
}

function readSafeTxFile(plan: Plan): SafeTransactionFile {
  return JSON.parse(readFileSync(safeTxFile(plan), 'utf8')) as SafeTransactionFile
}

/** Builds the step's Safe transaction and its file without sending anything; fails on the threshold. */
async function propose(plan: Plan): Promise<SafeThresholdNotMetError> {
  const error = await prepareExecutors(drill.chain, plan, { journal: temp.journal, accounts: [submitter] }).catch((caught: unknown) => caught)
  expect(error).toBeInstanceOf(SafeThresholdNotMetError)
  return error as SafeThresholdNotMetError
}

/** What `firebreak safe sign <file> --out <owner>.json` does on each owner's own machine. */
async function sign(plan: Plan, signers: readonly (typeof owners)[number][], step = plan.steps[0]!): Promise<string[]> {
  const files: string[] = []
  for (const owner of signers) {
    const out = join(temp.dir, 'signatures', `${step.id}-${owner.address}.json`)
    await signSafeTransactionFile({ file: safeTxFile(plan, step), account: owner, out })
    files.push(out)
  }
  return files
}

async function grantRole(role: Hash, account: Address): Promise<void> {
  const hash = await drill.chain.wallet(actors.admin).writeContract({ ...drill.protocol.vault, functionName: 'grantRole', args: [role, account] } as never)
  await drill.chain.public.waitForTransactionReceipt({ hash })
}

function read<T>(functionName: string): Promise<T> {
  return drill.chain.public.readContract({ ...drill.protocol.vault, functionName }) as Promise<T>
}

function safeNonce(): Promise<bigint> {
  return drill.chain.public.readContract({ address: safe, abi: safeAbi, functionName: 'nonce' })
}

function sentBy(address: Address): Promise<number> {
  return drill.chain.public.getTransactionCount({ address })
}

function sleep(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds))
}

describe('Safe executor', () => {
  it('pauses the vault through a 2-of-3 Safe once two owners sign on their own machines, proposing the transaction once', async () => {
    const plan = pausePlan()
    const firstRun = await runBarePlan(plan, { journal: temp.journal, accounts: [submitter] }).catch((caught: unknown) => caught)
    expect(firstRun).toBeInstanceOf(AwaitingSignaturesError)
    const signatureFiles = await sign(plan, [carol, alice])
    const submitterSent = await sentBy(submitter.address)

    const outcome = await runBarePlan(plan, { journal: temp.journal, accounts: [submitter], signatureFiles })

    expect(await read<boolean>('paused')).toBe(true)
    expect(await safeNonce()).toBe(1n)
    expect(await sentBy(submitter.address)).toBe(submitterSent + 1)
    const sent = await drill.chain.public.getTransaction({ hash: outcome.steps[0]!.txHash! })
    expect(sent.from.toLowerCase()).toBe(submitter.address.toLowerCase())
    expect(sent.to?.toLowerCase()).toBe(safe.toLowerCase())
    expect(temp.journal.filter('safe.proposed')).toHaveLength(1)
    expect(temp.data('safe.proposed')).toMatchObject({ planId: 'contain-pause', stepId: 'pause-vault', safe, nonce: '0', file: safeTxFile(plan) })
    expect(temp.journal.filter('safe.approved').map((entry) => (entry.data as { owner: Address }).owner).sort()).toEqual([alice.address, carol.address].sort())
    expect(temp.types().slice(-5)).toEqual(['step.sent', 'step.mined', 'step.verified', 'step.done', 'plan.done'])
    expect(temp.data('step.sent').executor).toBe(`Safe guardians 2-of-3 ${safe}`)
  })

  it('makes several calls in one Safe transaction through MultiSendCallOnly, with owner keys held on this machine', async () => {
    await grantRole(DEFAULT_ADMIN_ROLE, safe)
    const plan = pauseAndCapPlan()
    const submitterSent = await sentBy(submitter.address)

    const outcome = await runBarePlan(plan, { journal: temp.journal, accounts: [submitter, alice, carol] })

    expect(await read<boolean>('paused')).toBe(true)
    expect(await read<bigint>('depositCap')).toBe(0n)
    expect(await safeNonce()).toBe(1n)
    expect(await sentBy(submitter.address)).toBe(submitterSent + 1)
    const receipt = await drill.chain.public.getTransactionReceipt({ hash: outcome.steps[0]!.txHash! })
    const events = parseEventLogs({ abi: parseAbi(['event Paused(address account)', 'event DepositCapChanged(uint256 previousCap, uint256 newCap)']), logs: receipt.logs })
    expect(events.map((event) => event.eventName)).toEqual(['Paused', 'DepositCapChanged'])
    expect(readSafeTxFile(plan).safeTx).toMatchObject({ to: CANONICAL_MULTI_SEND_CALL_ONLY, operation: 1 })
  })

  /** Pause, then close deposits: two Safe transactions of one plan, at consecutive nonces. */
  async function twoStepPlan(): Promise<Plan> {
    await grantRole(DEFAULT_ADMIN_ROLE, safe)
    const { vault } = drill.protocol
    const plan = pausePlan()
    plan.steps.push({
      id: 'close-deposits',
      title: 'close deposits',
      authority: authority(),
      actions: [contractCall(vault, 'setDepositCap', [0n])],
      postconditions: [{ kind: 'read', description: 'vault.depositCap() is 0', address: vault.address, abi: viewFunction(vault.abi, 'depositCap'), args: [], expect: 0n }],
    })
    return plan
  }

  it('runs two Safe steps of one plan from signatures collected up front, each at its own nonce', async () => {
    const plan = await twoStepPlan()
    const notMet = await propose(plan)
    expect(notMet.metaMessages).toContain(`also to sign for step "close deposits" (nonce 1): ${safeTxFile(plan, plan.steps[1])}`)
    const signatureFiles = [...(await sign(plan, [alice, bob], plan.steps[0])), ...(await sign(plan, [bob, carol], plan.steps[1]))]

    await runBarePlan(plan, { journal: temp.journal, accounts: [submitter], signatureFiles })

    expect(await read<boolean>('paused')).toBe(true)
    expect(await read<bigint>('depositCap')).toBe(0n)
    expect(await safeNonce()).toBe(2n)
    expect(temp.journal.filter('safe.proposed').map((entry) => (entry.data as { nonce: string }).nonce)).toEqual(['0', '1'])
  })

  it('resumes a plan after its first Safe step with the same signature files, leaving the used ones alone', async () => {
    const plan = await twoStepPlan()
    await propose(plan)
    const signatureFiles = [...(await sign(plan, [alice, bob], plan.steps[0])), ...(await sign(plan, [bob, carol], plan.steps[1]))]
    await executeStep(drill.chain, plan, plan.steps[0]!, { journal: temp.journal, accounts: [submitter], signatureFiles })

    const outcome = await runBarePlan(plan, { journal: temp.journal, accounts: [submitter], signatureFiles })

    expect(outcome.steps.map((step) => step.status)).toEqual(['skipped', 'done'])
    expect(await read<bigint>('depositCap')).toBe(0n)
    expect(await safeNonce()).toBe(2n)
    expect(temp.journal.filter('step.sent')).toHaveLength(2)
  })

  it('stops before sending anything when fewer owners signed than the threshold, and says who runs what', async () => {
    const plan = pausePlan()
    await propose(plan)
    const signatureFiles = await sign(plan, [bob])
    const submitterSent = await sentBy(submitter.address)
    // The command run again after Bob signed: a new process reading the same incident.
    temp.reopen()

    const error = await runBarePlan(plan, { journal: temp.journal, accounts: [submitter], signatureFiles }).catch((caught: unknown) => caught)

    expect(error).toBeInstanceOf(AwaitingSignaturesError)
    const { safeTxHash } = readSafeTxFile(plan)
    const { shortMessage, awaitingSignatures, metaMessages } = error as AwaitingSignaturesError
    expect(awaitingSignatures.map((each) => [each.signed.length, each.threshold, each.safeTxHash])).toEqual([[1, 2, safeTxHash]])
    expect(shortMessage).toContain(`Safe guardians (${safe}) has 1 of 2 signatures, needs 1 more from any 1 of ${alice.address}, ${carol.address}, on ${safeTxFile(plan)}`)
    expect(metaMessages).toContain(`  ${alice.address} runs: firebreak safe sign ${safeTxFile(plan)} --out ${alice.address}.signature.json --key-env <VARIABLE holding its key>`)
    expect(shortMessage).toContain('--signature <signature.json>')
    expect(metaMessages).toContain(`to sign: ${safeTxFile(plan)} — step "pause vault as guardians", Safe guardians nonce 0, safeTxHash ${safeTxHash}`)
    expect(await safeNonce()).toBe(0n)
    expect(await sentBy(submitter.address)).toBe(submitterSent)
    expect(await read<boolean>('paused')).toBe(false)
    expect(temp.journal.filter('step.sent')).toHaveLength(0)
    // Waiting for owners is the plan's pace, not a failure.
    expect(temp.journal.filter('plan.failed')).toHaveLength(0)
    expect(temp.data('plan.waiting').stage).toBe('signatures')
    expect(temp.data('step.waiting')).toMatchObject({ stepId: 'pause-vault', signatures: { safe, nonce: '0', safeTxHash, file: safeTxFile(plan), signed: [bob.address], threshold: 2 } })
    expect(temp.journal.filter('safe.proposed')).toHaveLength(1)
  })

  it('refuses a signature file from someone who does not own the Safe, naming them', async () => {
    const plan = pausePlan()
    await propose(plan)
    const { file: { chainId }, hashes: { safeTxHash }, transaction } = readSafeTransactionFile(safeTxFile(plan))
    const forged = join(temp.dir, 'mallory.json')
    const signature = await signSafeTransaction(mallory, chainId, safe, transaction)
    writeFileSync(forged, JSON.stringify({ safe, chainId, safeTxHash, signer: mallory.address, signature }))
    const [aliceFile] = await sign(plan, [alice])

    const error = await runBarePlan(plan, { journal: temp.journal, accounts: [submitter], signatureFiles: [aliceFile!, forged] }).catch((caught: unknown) => caught)

    expect(error).toBeInstanceOf(SafeSignatureError)
    expect((error as SafeSignatureError).shortMessage).toBe(`${forged}: ${mallory.address} is not an owner of Safe ${safe} (owners: ${owners.map((owner) => owner.address).join(', ')})`)
    expect(await safeNonce()).toBe(0n)
    expect(await read<boolean>('paused')).toBe(false)
  })

  it('refuses a signature made before the plan changed, naming both Safe transactions', async () => {
    const signedPlan = pausePlan()
    await propose(signedPlan)
    const signatureFiles = await sign(signedPlan, [alice, bob])
    const signedHash = readSafeTxFile(signedPlan).safeTxHash
    // The team adds a call to the step after the owners signed.
    await grantRole(DEFAULT_ADMIN_ROLE, safe)
    const changed = pausePlan()
    changed.steps[0]!.actions.push(contractCall(drill.protocol.vault, 'setDepositCap', [0n]))

    const error = await runBarePlan(changed, { journal: temp.journal, accounts: [submitter], signatureFiles }).catch((caught: unknown) => caught)

    expect(error).toBeInstanceOf(SafeSignatureError)
    const changedHash = readSafeTxFile(changed).safeTxHash
    expect(changedHash).not.toBe(signedHash)
    expect((error as SafeSignatureError).shortMessage).toBe(
      `${signatureFiles[0]} is signed for Safe transaction ${signedHash}, but this plan's is ${changedHash}: the plan changed since it was signed; sign the new Safe transaction file`,
    )
    expect(await read<boolean>('paused')).toBe(false)
  })

  it('accepts an eth_sign signature of the safeTxHash as `cast wallet sign` makes it', async () => {
    const plan = pausePlan()
    await propose(plan)
    const { safeTxHash, chainId } = readSafeTxFile(plan)
    const castFile = join(temp.dir, 'bob-cast.json')
    const castSignature = await bob.signMessage({ message: { raw: safeTxHash } })
    writeFileSync(castFile, JSON.stringify({ safe, chainId, safeTxHash, signer: bob.address, signature: castSignature }))
    const [carolFile] = await sign(plan, [carol])

    await runBarePlan(plan, { journal: temp.journal, accounts: [submitter], signatureFiles: [castFile, carolFile!] })

    expect(await read<boolean>('paused')).toBe(true)
    const approvals = temp.journal.filter('safe.approved').map((entry) => entry.data as { owner: Address; kind: string })
    expect(approvals.find((approval) => approval.owner === bob.address)?.kind).toBe('eth_sign')
  })

  it("writes hashes equal to the Safe's own, and a Transaction Builder batch of the step's calls", async () => {
    const plan = pausePlan()
    await propose(plan)
    const file = readSafeTxFile(plan)
    const { safeTx } = file

    const onChain = await drill.chain.public.readContract({
      address: safe,
      abi: safeAbi,
      functionName: 'getTransactionHash',
      args: [safeTx.to, BigInt(safeTx.value), safeTx.data, safeTx.operation, 0n, 0n, 0n, safeTx.gasToken, safeTx.refundReceiver, BigInt(safeTx.nonce)],
    })
    const domainSeparator = await drill.chain.public.readContract({ address: safe, abi: parseAbi(['function domainSeparator() view returns (bytes32)']), functionName: 'domainSeparator' })

    expect(file.safeTxHash).toBe(onChain)
    expect(file.domainHash).toBe(domainSeparator)
    expect(file).toMatchObject({ chainId: drill.chain.chain.id, safe, safeVersion: '1.4.1', threshold: 2, owners: owners.map((owner) => owner.address) })
    expect(file.actions).toEqual([{ text: 'vault.pause()', to: drill.protocol.vault.address, value: '0', data: encodeFunctionData({ abi: drill.protocol.vault.abi, functionName: 'pause' }) }])
    const batch = JSON.parse(readFileSync(safeTxFile(plan).replace(/\.json$/, '.tx-builder.json'), 'utf8')) as TransactionBuilderBatch
    expect(batch).toMatchObject({ version: '1.0', chainId: String(drill.chain.chain.id), meta: { createdFromSafeAddress: safe, name: 'contain-pause / pause-vault' } })
    expect(batch.transactions).toEqual([{ to: drill.protocol.vault.address, value: '0', data: safeTx.data, contractMethod: null, contractInputsValues: null }])
    expect(transactionBuilderChecksum(batch)).toBe(batch.meta.checksum)
  })

  it('refuses to batch calls when there is no MultiSendCallOnly at the address, saying to set it in the manifest', async () => {
    await grantRole(DEFAULT_ADMIN_ROLE, safe)
    const missing: Address = '0x000000000000000000000000000000000000dEaD'
    const plan = pauseAndCapPlan(authority({ multiSend: missing }))

    const error = await prepareExecutors(drill.chain, plan, { journal: temp.journal, accounts: [submitter, alice, bob] }).catch((caught: unknown) => caught)

    expect(error).toBeInstanceOf(SafeTransactionError)
    expect((error as SafeTransactionError).shortMessage).toContain(`no MultiSendCallOnly contract at ${missing}`)
    expect((error as SafeTransactionError).shortMessage).toContain('set multiSend for Safe guardians in the manifest')
  })

  it('batches through the MultiSendCallOnly the manifest names, and tells signers to accept it by name', async () => {
    await grantRole(DEFAULT_ADMIN_ROLE, safe)
    const ownMultiSend = await deployMultiSendCallOnly(drill.chain, actors.admin)
    const plan = pauseAndCapPlan(authority({ multiSend: ownMultiSend }))
    const notMet = await propose(plan)
    expect(notMet.shortMessage).toContain(`--multi-send ${ownMultiSend}`)
    const signatureFiles: string[] = []
    for (const owner of [alice, bob]) {
      const out = join(temp.dir, `${owner.address}.json`)
      await signSafeTransactionFile({ file: safeTxFile(plan), account: owner, out, multiSend: ownMultiSend })
      signatureFiles.push(out)
    }

    await runBarePlan(plan, { journal: temp.journal, accounts: [submitter], signatureFiles })

    expect(await read<boolean>('paused')).toBe(true)
    expect(await read<bigint>('depositCap')).toBe(0n)
    expect(readSafeTxFile(plan).safeTx.to).toBe(ownMultiSend)
  })

  it("refuses to send a Safe transaction whose call would revert, with the call's reason, keeping the Safe's nonce", async () => {
    const plan = pausePlan()
    const pausedByGuardian = await drill.chain.wallet(actors.guardian).writeContract({ ...drill.protocol.vault, functionName: 'pause' } as never)
    await drill.chain.public.waitForTransactionReceipt({ hash: pausedByGuardian })

    const error = await executeStep(drill.chain, plan, plan.steps[0]!, { journal: temp.journal, accounts: [submitter, alice, bob] }).catch((caught: unknown) => caught)

    expect(error).toBeInstanceOf(SafeTransactionError)
    expect((error as SafeTransactionError).shortMessage).toContain('would fail: vault.pause() reverts: EnforcedPause()')
    expect(await safeNonce()).toBe(0n)
    expect(temp.data('step.failed').stage).toBe('send')
    expect(temp.journal.filter('step.sent')).toHaveLength(0)
  })

  it('fails the step, never marks it done, when its call starts failing between the check and the block (GS013 revert)', async () => {
    const plan = pausePlan()
    const submitterSent = await sentBy(submitter.address)
    await drill.chain.test.setAutomine(false)
    try {
      const run = executeStep(drill.chain, plan, plan.steps[0]!, { journal: temp.journal, accounts: [submitter, alice, bob] }).catch((caught: unknown) => caught)
      while ((await drill.chain.public.getTransactionCount({ address: submitter.address, blockTag: 'pending' })) === submitterSent) await sleep(20)
      // The guardian's pause outbids the Safe transaction into the same block.
      const guardianNonce = await drill.chain.public.getTransactionCount({ address: actors.guardian.address, blockTag: 'pending' })
      const pause = { to: drill.protocol.vault.address, data: encodeFunctionData({ abi: drill.protocol.vault.abi, functionName: 'pause' }) }
      // Gas and nonce given: estimating against the pending block would see the Safe's pause and refuse.
      await drill.chain.wallet(actors.guardian).sendTransaction({ ...pause, gas: 100_000n, nonce: guardianNonce, maxPriorityFeePerGas: parseGwei('100'), maxFeePerGas: parseGwei('200') })
      await drill.chain.test.mine({ blocks: 1 })

      const error = await run

      expect(error).toBeInstanceOf(StepRevertedError)
      expect((error as StepRevertedError).shortMessage).toContain('step "pause vault as guardians" reverted on chain')
      expect(temp.data('step.mined').status).toBe('reverted')
      expect(temp.journal.filter('step.done')).toHaveLength(0)
      expect(await safeNonce()).toBe(0n)
    } finally {
      await drill.chain.test.setAutomine(true)
    }
  })

  /** Safe first, key second, authorities independent: the order a contain plan has when the Safe's route is faster on paper. */
  async function safeAndKeyPlan(): Promise<Plan> {
    await grantRole(DEFAULT_ADMIN_ROLE, safe)
    const { vault } = drill.protocol
    const closeDeposits: Step = {
      id: 'close-deposits',
      title: 'close deposits as guardians',
      authority: authority(),
      actions: [contractCall(vault, 'setDepositCap', [0n])],
      postconditions: [{ kind: 'read', description: 'vault.depositCap() is 0', address: vault.address, abi: viewFunction(vault.abi, 'depositCap'), args: [], expect: 0n }],
    }
    const pause = buildPausePlan({ targets: [{ contract: vault, authority: { kind: 'key', address: actors.guardian.address, label: 'guardian' } }] }).steps[0]!
    return { id: 'contain-both', phase: 'contain', title: 'close deposits and pause', steps: [closeDeposits, pause], abis: [vault.abi], independentAuthorities: true }
  }

  it("pauses with the guardian's key while the Safe waits for its owners, then runs the Safe's step alone once they signed", async () => {
    const plan = await safeAndKeyPlan()
    const accounts = [submitter, actors.guardian]

    const first = await runBarePlan(plan, { journal: temp.journal, accounts, awaitingSignatures: 'return' })

    expect(await read<boolean>('paused')).toBe(true)
    expect(await read<bigint>('depositCap')).toBe(drill.protocol.depositCap)
    expect(await safeNonce()).toBe(0n)
    expect(first.steps.map((step) => [step.stepId, step.status])).toEqual([['pause-vault', 'done']])
    expect(first.awaitingSignatures).toEqual([
      expect.objectContaining({ stepId: 'close-deposits', safe, label: 'guardians', nonce: 0n, file: safeTxFile(plan), threshold: 2, signed: [], needed: 2, unsigned: owners.map((owner) => owner.address) }),
    ])
    expect(temp.journal.filter('plan.done')).toHaveLength(0)

    const signatureFiles = await sign(plan, [alice, carol])
    const guardianSent = await sentBy(actors.guardian.address)
    const second = await runBarePlan(plan, { journal: temp.journal, accounts, signatureFiles })

    expect(await read<bigint>('depositCap')).toBe(0n)
    expect(await safeNonce()).toBe(1n)
    expect(second.steps.map((step) => [step.stepId, step.status])).toEqual([
      ['close-deposits', 'done'],
      ['pause-vault', 'skipped'],
    ])
    expect(second.awaitingSignatures).toBeUndefined()
    expect(await sentBy(actors.guardian.address)).toBe(guardianSent)
    expect(temp.journal.filter('step.sent').map((entry) => (entry.data as { stepId: string }).stepId)).toEqual(['pause-vault', 'close-deposits'])
    expect(temp.types().at(-1)).toBe('plan.done')
  })

  it('ends a run short of signatures with an AwaitingSignaturesError that carries what was done', async () => {
    const plan = await safeAndKeyPlan()

    const error = await runBarePlan(plan, { journal: temp.journal, accounts: [submitter, actors.guardian] }).catch((caught: unknown) => caught)

    expect(error).toBeInstanceOf(AwaitingSignaturesError)
    const { shortMessage, outcome } = error as AwaitingSignaturesError
    expect(outcome.steps.map((step) => step.stepId)).toEqual(['pause-vault'])
    expect(outcome.simulation?.ok).toBe(true)
    expect(shortMessage).toContain(`Safe guardians (${safe}) has 0 of 2 signatures, needs 2 more from any 2 of ${owners.map((owner) => owner.address).join(', ')}, on ${safeTxFile(plan)}`)
    expect(await read<boolean>('paused')).toBe(true)
  })

  it('signs one Safe transaction per call where no MultiSendCallOnly is deployed, each its own file, and says so in the plan', async () => {
    await grantRole(DEFAULT_ADMIN_ROLE, safe)
    await drill.chain.test.setCode({ address: CANONICAL_MULTI_SEND_CALL_ONLY, bytecode: '0x' })
    const { vault } = drill.protocol
    const bySafe: AuthorityPath = { nodes: [{ kind: 'safe', address: safe, owners: owners.map((owner) => owner.address), threshold: 2 }], timeToExecute: { seconds: 3_600, description: '2-of-3 Safe' } }
    const reads = (name: string, expect: unknown): Check => ({ kind: 'read', description: `vault.${name}() is ${expect}`, address: vault.address, abi: viewFunction(vault.abi, name), args: [], expect })
    const calls: RoutedCall[] = [
      { contract: vault, functionName: 'pause', args: [], title: 'pause vault', paths: [bySafe], postconditions: [reads('paused', true)], isPause: true },
      { contract: vault, functionName: 'setDepositCap', args: [0n], title: "lower vault's deposit cap to 0", paths: [bySafe], postconditions: [reads('depositCap', 0n)], isPause: false },
    ]
    const team: ManifestAuthority[] = [{ name: 'guardians', type: 'safe', address: safe }]

    const { plan, notes } = buildRoutedPlan({ planId: 'contain-pause-all', phase: 'contain', title: 'contain: pause-all', calls, team, multiSendDeployed: await readMultiSendDeployments(drill.chain) })
    await runBarePlan(plan, { journal: temp.journal, accounts: [submitter, alice, bob] })

    expect(notes).toContain(
      `MultiSendCallOnly is not deployed at ${CANONICAL_MULTI_SEND_CALL_ONLY} on this chain: Safe guardians signs 2 transactions instead of one; name a deployed MultiSendCallOnly in authorities[0].multiSend (guardians) to batch them`,
    )
    expect(plan.steps.map((step) => step.id)).toEqual(['safe-guardians-1', 'safe-guardians-2'])
    expect(await read<boolean>('paused')).toBe(true)
    expect(await read<bigint>('depositCap')).toBe(0n)
    expect(await safeNonce()).toBe(2n)
    expect(plan.steps.map((step) => readFileSync(safeTxFile(plan, step), 'utf8')).map((text) => (JSON.parse(text) as SafeTransactionFile).safeTx)).toEqual([
      expect.objectContaining({ to: vault.address, operation: 0, nonce: '0' }),
      expect.objectContaining({ to: vault.address, operation: 0, nonce: '1' }),
    ])
  })

  it("names the submitter's unset key variable before anything is sent", async () => {
    const plan = pausePlan(authority({ submitter: { kind: 'key', address: submitter.address, label: 'relayer', keyEnv: 'FIREBREAK_TEST_UNSET_RELAYER_KEY' } }))
    // The same Safe transaction, proposed by an earlier run that had an account to hand.
    await propose(pausePlan())
    const signatureFiles = await sign(plan, [alice, bob])

    const error = await prepareExecutors(drill.chain, plan, { journal: temp.journal, signatureFiles }).catch((caught: unknown) => caught)

    expect(error).toBeInstanceOf(AuthorityMissingError)
    expect((error as AuthorityMissingError).shortMessage).toContain('FIREBREAK_TEST_UNSET_RELAYER_KEY is not set')
    expect(await safeNonce()).toBe(0n)
  })
})

describe('firebreak safe', () => {
  async function cli(args: string[], env: Record<string, string> = {}): Promise<string> {
    const program = new Command('firebreak').exitOverride()
    registerSafe(program)
    const written: string[] = []
    const write = process.stdout.write.bind(process.stdout)
    const saved = Object.fromEntries(Object.keys(env).map((name) => [name, process.env[name]]))
    Object.assign(process.env, env)
    process.stdout.write = ((chunk: string) => written.push(chunk) > 0) as typeof process.stdout.write
    try {
      await program.parseAsync(['node', 'firebreak', ...args])
    } finally {
      process.stdout.write = write
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name]
        else process.env[name] = value
      }
    }
    return written.join('')
  }

  it('sign shows the calls and the hashes to compare, then writes a signature the executor accepts', async () => {
    const plan = pausePlan()
    await propose(plan)
    const { safeTxHash, domainHash, messageHash } = readSafeTxFile(plan)
    const out = join(temp.dir, 'alice.json')
    const aliceKey = bytesToHex(alice.getHdKey().privateKey!)

    const printed = await cli(['safe', 'sign', safeTxFile(plan), '--out', out, '--key-env', 'FIREBREAK_TEST_OWNER_KEY'], { FIREBREAK_TEST_OWNER_KEY: aliceKey })

    expect(printed).toContain('vault.pause()')
    expect(printed).toContain(`domain hash  ${domainHash}`)
    expect(printed).toContain(`message hash ${messageHash}`)
    expect(printed).toContain(`safeTxHash   ${safeTxHash}`)
    expect(printed).toContain(`signed by    ${alice.address}`)
    expect(printed).not.toContain(aliceKey.slice(2))
    expect(JSON.parse(readFileSync(out, 'utf8'))).toMatchObject({ safe, chainId: drill.chain.chain.id, safeTxHash, signer: alice.address })
    const [bobFile] = await sign(plan, [bob])
    await runBarePlan(plan, { journal: temp.journal, accounts: [submitter], signatureFiles: [out, bobFile!] })
    expect(await read<boolean>('paused')).toBe(true)
  })

  it('hashes prints the three hashes recomputed from the file, and refuses a file edited since', async () => {
    const plan = pausePlan()
    await propose(plan)
    const file = readSafeTxFile(plan)

    expect(await cli(['safe', 'hashes', safeTxFile(plan)])).toBe(`domain hash  ${file.domainHash}\nmessage hash ${file.messageHash}\nsafeTxHash   ${file.safeTxHash}\n`)

    const edited = join(temp.dir, 'edited.json')
    writeFileSync(edited, JSON.stringify({ ...file, safeTx: { ...file.safeTx, value: parseEther('1').toString() } }))
    await expect(cli(['safe', 'hashes', edited])).rejects.toThrow(SafeTransactionError)
  })
})
