import { beforeAll, describe, expect, it } from 'vitest'
import { type GovernedTarget, TWO_DAYS, compileAuthorityFixtures, deployGovernedTarget, deployTransparentTarget, writeAs } from '../../../test/fixtures/authorities.js'
import { useLocalChain } from '../../../test/fixtures/localChain.js'
import { devAccount } from '../../chain/devAccounts.js'
import type { Artifacts } from '../../solidity/artifacts.js'
import type { AuthorityNode } from '../types.js'
import { authorityPaths } from './authorityPaths.js'
import { PROPOSER_ROLE } from './describeAccount.js'
import { BLOCK_SECONDS, SAFE_SECONDS_PER_SIGNATURE } from './timeToExecute.js'

const local = useLocalChain({ compile: false })
let fixtures: Artifacts
let governed: GovernedTarget
/** 2 signatures, the two-day delay, the block that executes. */
const safeThroughTimelock = 2 * SAFE_SECONDS_PER_SIGNATURE + Number(TWO_DAYS) + BLOCK_SECONDS

beforeAll(async () => {
  fixtures = await compileAuthorityFixtures()
  governed = await deployGovernedTarget(local.chain, fixtures)
})

function safeNode(): AuthorityNode {
  return { kind: 'safe', address: governed.safe, owners: governed.safeOwners, threshold: 2 }
}

function timelockNode(proposers = [governed.safe]): AuthorityNode {
  return { kind: 'timelock', address: governed.timelock, minDelay: TWO_DAYS, proposers, executors: ['0x0000000000000000000000000000000000000000'] }
}

async function setProposer(functionName: 'grantRole' | 'revokeRole', account: `0x${string}`) {
  const abi = fixtures.get('TimelockController').abi
  await writeAs(local.chain, governed.timelock, { address: governed.timelock, abi, functionName, args: [PROPOSER_ROLE, account] })
}

describe('authorityPaths', () => {
  it('follows a timelock out to the 2-of-3 Safe that proposes to it, and sums their times', async () => {
    const paths = await authorityPaths(local.chain, governed.timelock)

    expect(paths).toEqual([
      {
        nodes: [safeNode(), timelockNode()],
        timeToExecute: { seconds: safeThroughTimelock, description: '2-of-3 Safe: collect 2 signatures (~30 min) → 2-day timelock' },
      },
    ])
  })

  it('names the authorities the team labelled', async () => {
    const labels = new Map([
      [governed.safe.toLowerCase(), 'security council'],
      [governed.timelock.toLowerCase(), 'governance'],
    ])
    const [path] = await authorityPaths(local.chain, governed.timelock, { labels })

    expect(path?.nodes.map((node) => node.label)).toEqual(['security council', 'governance'])
    expect(path?.timeToExecute.description).toBe('2-of-3 Safe security council: collect 2 signatures (~30 min) → 2-day timelock governance')
  })

  it("follows a ProxyAdmin through its owner(), the timelock, to the Safe", async () => {
    const deployed = await deployTransparentTarget(local.chain, fixtures, { owner: devAccount(9).address, proxyAdminOwner: governed.timelock })
    const paths = await authorityPaths(local.chain, deployed.proxyAdmin)

    expect(paths.map((path) => path.nodes)).toEqual([[safeNode(), timelockNode(), { kind: 'contract', address: deployed.proxyAdmin }]])
    expect(paths[0]?.timeToExecute.seconds).toBe(safeThroughTimelock)
  })

  it('stops at maxDepth, starting the path where it stopped', async () => {
    const deployed = await deployTransparentTarget(local.chain, fixtures, { owner: devAccount(9).address, proxyAdminOwner: governed.timelock })
    const paths = await authorityPaths(local.chain, deployed.proxyAdmin, { maxDepth: 2 })

    expect(paths.map((path) => path.nodes)).toEqual([[timelockNode(), { kind: 'contract', address: deployed.proxyAdmin }]])
  })

  it('gives a key holder a one-block path of its own', async () => {
    const guardian = devAccount(1).address

    expect(await authorityPaths(local.chain, guardian)).toEqual([
      { nodes: [{ kind: 'eoa', address: guardian }], timeToExecute: { seconds: BLOCK_SECONDS, description: 'EOA: one transaction (~12 s)' } },
    ])
  })

  it('ends a path at a Safe, whose owners sign together rather than each on a path of their own', async () => {
    expect(await authorityPaths(local.chain, governed.safe)).toEqual([
      { nodes: [safeNode()], timeToExecute: { seconds: 2 * SAFE_SECONDS_PER_SIGNATURE, description: '2-of-3 Safe: collect 2 signatures (~30 min)' } },
    ])
  })

  it("lists every proposer's path, fastest first", async () => {
    const proposer = devAccount(14).address
    await setProposer('grantRole', proposer)
    const paths = await authorityPaths(local.chain, governed.timelock)

    const proposers = [governed.safe, proposer]
    expect(paths.map((path) => path.nodes)).toEqual([
      [{ kind: 'eoa', address: proposer }, timelockNode(proposers)],
      [safeNode(), timelockNode(proposers)],
    ])
    expect(paths.map((path) => path.timeToExecute.seconds)).toEqual([BLOCK_SECONDS + Number(TWO_DAYS) + BLOCK_SECONDS, safeThroughTimelock])
  })

  it('does not go round a timelock that proposes to itself', async () => {
    await setProposer('grantRole', governed.timelock)
    const paths = await authorityPaths(local.chain, governed.timelock)

    expect(paths.map((path) => path.nodes)).toEqual([[safeNode(), timelockNode([governed.safe, governed.timelock])]])
  })

  it('finds no path through a timelock nobody can propose to', async () => {
    await setProposer('revokeRole', governed.safe)

    expect(await authorityPaths(local.chain, governed.timelock)).toEqual([])
  })
})
