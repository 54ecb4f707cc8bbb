import { type Address, getAddress, parseAbi, zeroAddress } from 'viem'
import type { ChainClients } from '../../chain/clients.js'
import type { AuthorityNode, AuthorityPath } from '../types.js'
import { type AuthorityLabels, describeAccount } from './describeAccount.js'
import { timeToExecute } from './timeToExecute.js'
import { tryRead } from '../../chain/tryRead.js'

const ownableAbi = parseAbi(['function owner() view returns (address)'])

export type AuthorityPathsParameters = {
  labels?: AuthorityLabels
  /** The most nodes a path may hold, the holder included; a path cut there starts at the node where it stopped. Default 4. */
  maxDepth?: number
}

/**
 * Every chain of authorities through which `holder` acts, each from the outermost signer to
 * `holder`, fastest first. The graph is followed outward: a timelock through its proposers (each
 * a Safe, an EOA or another contract), an unrecognised contract through its `owner()`. A Safe ends
 * a path: its node carries the owners and the threshold, which together are its signer. An EOA
 * ends a path too, and so does a contract with no owner (a governor: its process is its own).
 *
 * A timelock that nobody can propose to yields no path. A path that would come back to an account
 * already on it is dropped (a timelock proposing to itself adds no way in); one that reaches
 * `maxDepth` nodes stops there, so its time is a lower bound.
 */
export async function authorityPaths(chain: ChainClients, holder: Address, options: AuthorityPathsParameters = {}): Promise<AuthorityPath[]> {
  const maxDepth = options.maxDepth ?? 4
  const described = new Map<Address, Promise<AuthorityNode>>()
  const describe = (address: Address) => {
    const account = getAddress(address)
    let node = described.get(account)
    if (!node) {
      node = describeAccount(chain, account, options.labels)
      described.set(account, node)
    }
    return node
  }

  /** Paths ending at `address`, outermost first; `inner` is what lies between it and the holder. */
  async function pathsTo(address: Address, inner: readonly Address[]): Promise<AuthorityNode[][]> {
    const node = await describe(address)
    const onPath = [node.address, ...inner]
    if (onPath.length >= maxDepth) return [[node]]
    const outer = await outerAccounts(chain, node)
    if (outer === 'end') return [[node]]
    const nested = await Promise.all(outer.filter((account) => !onPath.includes(account)).map((account) => pathsTo(account, onPath)))
    return nested.flat().map((path) => [...path, node])
  }

  const paths = (await pathsTo(holder, [])).map((nodes) => ({ nodes, timeToExecute: timeToExecute(nodes) }))
  return paths.sort((a, b) => a.timeToExecute.seconds - b.timeToExecute.seconds)
}

/** The accounts one layer out from `node`, or `end` when a path starts at it. */
async function outerAccounts(chain: ChainClients, node: AuthorityNode): Promise<Address[] | 'end'> {
  switch (node.kind) {
    case 'eoa':
    case 'safe':
      return 'end'
    case 'timelock':
      return node.proposers
    case 'guardian':
      return node.guardians
    case 'contract': {
      const owner = await tryRead(chain, { address: node.address, abi: ownableAbi, functionName: 'owner' })
      return typeof owner === 'string' && owner !== zeroAddress ? [getAddress(owner)] : 'end'
    }
  }
}
