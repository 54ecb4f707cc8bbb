import { type Hex, concat, getAddress, zeroAddress } from 'viem'
import { beforeAll, describe, expect, it } from 'vitest'
import { type GovernedTarget, TWO_DAYS, compileAuthorityFixtures, deployGovernedTarget, writeAs } from '../../../test/fixtures/authorities.js'
import { useLocalChain } from '../../../test/fixtures/localChain.js'
import { devAccount } from '../../chain/devAccounts.js'
import type { Artifacts } from '../../solidity/artifacts.js'
import { PROPOSER_ROLE, describeAccount } from './describeAccount.js'

const local = useLocalChain({ compile: false })
let fixtures: Artifacts
let governed: GovernedTarget

beforeAll(async () => {
  fixtures = await compileAuthorityFixtures()
  governed = await deployGovernedTarget(local.chain, fixtures)
})

describe('describeAccount', () => {
  it('describes an account without code as an EOA, with its label', async () => {
    const guardian = devAccount(1).address
    const labels = new Map([[guardian.toLowerCase(), 'guardian']])

    expect(await describeAccount(local.chain, guardian, labels)).toEqual({ kind: 'eoa', address: guardian, label: 'guardian' })
    expect(await describeAccount(local.chain, guardian.toLowerCase() as Hex)).toEqual({ kind: 'eoa', address: guardian })
  })

  it('still describes an EOA that delegated its code (EIP-7702) as an EOA: its key signs', async () => {
    const delegated = devAccount(13).address
    await local.chain.test.setCode({ address: delegated, bytecode: concat(['0xef0100', governed.safe]) })

    expect(await describeAccount(local.chain, delegated)).toEqual({ kind: 'eoa', address: delegated })
  })

  it('reads a Safe’s owners and threshold', async () => {
    expect(await describeAccount(local.chain, governed.safe)).toEqual({ kind: 'safe', address: governed.safe, owners: governed.safeOwners, threshold: 2 })
  })

  it('reads a TimelockController’s delay, proposers and open execution', async () => {
    expect(await describeAccount(local.chain, governed.timelock)).toEqual({
      kind: 'timelock',
      address: governed.timelock,
      minDelay: TWO_DAYS,
      proposers: [governed.safe],
      executors: [zeroAddress],
    })
  })

  it('lists proposers granted after deployment and forgets those revoked', async () => {
    const [first, second] = [devAccount(14).address, devAccount(15).address]
    const roles = { address: governed.timelock, abi: fixtures.get('TimelockController').abi }
    await writeAs(local.chain, governed.timelock, { ...roles, functionName: 'grantRole', args: [PROPOSER_ROLE, first] })
    await writeAs(local.chain, governed.timelock, { ...roles, functionName: 'grantRole', args: [PROPOSER_ROLE, second] })
    await writeAs(local.chain, governed.timelock, { ...roles, functionName: 'revokeRole', args: [PROPOSER_ROLE, first] })

    const timelock = await describeAccount(local.chain, governed.timelock)
    expect(timelock.kind === 'timelock' && timelock.proposers).toEqual([governed.safe, second])
  })

  it('calls any other contract a contract', async () => {
    expect(await describeAccount(local.chain, governed.target)).toEqual({ kind: 'contract', address: getAddress(governed.target) })
  })
})
