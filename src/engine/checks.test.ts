import { type Address, encodeFunctionData, parseUnits } from 'viem'
import { describe, expect, it } from 'vitest'
import { useDrillProtocol } from '../../test/fixtures/localChain.js'
import { IMPLEMENTATION_SLOT, slotValueOf } from '../eradicate/proxySlots.js'
import { evaluateCheck } from './checks.js'
import { type Check, viewFunction } from './plan.js'

const drill = useDrillProtocol()
const { actors } = drill
const alice = actors.users[0]!.account
/** What the four drill users deposit together. */
const totalDeposits = parseUnits('100000', 18)
const nobody: Address = '0x000000000000000000000000000000000000dEaD'

async function pauseVault(): Promise<void> {
  const hash = await drill.chain.wallet(actors.guardian).writeContract({ ...drill.protocol.vault, functionName: 'pause' } as never)
  await drill.chain.public.waitForTransactionReceipt({ hash })
}

describe('call check', () => {
  /** A depositor's withdrawal must fail with EnforcedPause once the vault is paused. */
  const withdrawBlocked = (error = 'EnforcedPause'): Check => ({
    kind: 'call',
    description: `alice's withdrawal reverts with ${error}`,
    from: alice.address,
    to: drill.protocol.vault.address,
    data: encodeFunctionData({ abi: drill.protocol.vault.abi, functionName: 'withdraw', args: [1n, alice.address, alice.address] }),
    expect: 'revert',
    error,
    abi: drill.protocol.vault.abi,
  })

  it('passes when the probed call reverts with the expected error after the pause', async () => {
    await pauseVault()

    const result = await evaluateCheck(drill.chain.public, withdrawBlocked())

    expect(result).toMatchObject({ passed: true, actual: 'revert: EnforcedPause()', expected: 'revert with EnforcedPause' })
  })

  it('fails, showing the call succeeded, before the pause', async () => {
    const result = await evaluateCheck(drill.chain.public, withdrawBlocked())

    expect(result).toMatchObject({ passed: false, actual: 'success', expected: 'revert with EnforcedPause' })
  })

  it('fails when the call reverts with another error than the one expected', async () => {
    await pauseVault()
    const result = await evaluateCheck(drill.chain.public, withdrawBlocked('ERC4626ExceededMaxWithdraw'))

    expect(result).toMatchObject({ passed: false, actual: 'revert: EnforcedPause()' })
  })
})

describe('read check', () => {
  const totalAssetsAtLeast = (bound: bigint): Check => ({
    kind: 'read',
    description: `vault holds at least ${bound}`,
    address: drill.protocol.vault.address,
    abi: viewFunction(drill.protocol.vault.abi, 'totalAssets'),
    args: [],
    expect: bound,
    op: 'gte',
  })

  it('passes a gte bound the vault meets, showing the amount read', async () => {
    const result = await evaluateCheck(drill.chain.public, totalAssetsAtLeast(totalDeposits))

    expect(result).toMatchObject({ passed: true, actual: totalDeposits.toString(), expected: `gte ${totalDeposits}` })
  })

  it('fails a gte bound one wei above what the vault holds', async () => {
    const result = await evaluateCheck(drill.chain.public, totalAssetsAtLeast(totalDeposits + 1n))

    expect(result).toMatchObject({ passed: false, actual: totalDeposits.toString() })
  })

  it('compares addresses regardless of checksum case', async () => {
    const check: Check = {
      kind: 'read',
      description: 'the vault holds dUSD',
      address: drill.protocol.vault.address,
      abi: viewFunction(drill.protocol.vault.abi, 'asset'),
      args: [],
      expect: drill.protocol.token.address.toLowerCase(),
    }

    expect((await evaluateCheck(drill.chain.public, check)).passed).toBe(true)
  })
})

describe('storage check', () => {
  const implementationIs = (implementation: Address): Check => ({
    kind: 'storage',
    description: 'the vault proxy points at its implementation',
    address: drill.protocol.vault.address,
    slot: IMPLEMENTATION_SLOT,
    expect: slotValueOf(implementation),
  })

  it("passes when the proxy's EIP-1967 slot holds the deployed implementation", async () => {
    const result = await evaluateCheck(drill.chain.public, implementationIs(drill.protocol.implementationV1))

    expect(result.passed).toBe(true)
    expect(result.actual).toBe(slotValueOf(drill.protocol.implementationV1))
  })

  it('fails when the slot holds another address', async () => {
    const result = await evaluateCheck(drill.chain.public, implementationIs(drill.protocol.token.address))

    expect(result).toMatchObject({ passed: false, actual: slotValueOf(drill.protocol.implementationV1), expected: slotValueOf(drill.protocol.token.address) })
  })
})

describe('code check', () => {
  const code = (address: Address, present: boolean): Check => ({ kind: 'code', description: `code at ${address}`, address, present })

  it('sees the code of a deployed contract', async () => {
    expect(await evaluateCheck(drill.chain.public, code(drill.protocol.vault.address, true))).toMatchObject({ passed: true, actual: 'code present' })
    expect(await evaluateCheck(drill.chain.public, code(drill.protocol.vault.address, false))).toMatchObject({ passed: false, actual: 'code present' })
  })

  it('sees no code at an address nothing was deployed to', async () => {
    expect(await evaluateCheck(drill.chain.public, code(nobody, false))).toMatchObject({ passed: true, actual: 'no code' })
    expect(await evaluateCheck(drill.chain.public, code(nobody, true))).toMatchObject({ passed: false, actual: 'no code', expected: 'code present' })
  })
})
