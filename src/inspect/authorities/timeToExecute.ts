import type { AuthorityNode, TimeToExecute } from '../types.js'

/**
 * Estimates, not measurements: what a war room should expect before a signed action lands. A team
 * that knows its own signers' response time may later configure them.
 */

/** One Ethereum mainnet slot: an EOA's transaction, or a timelock's execution, lands in the next block. */
export const BLOCK_SECONDS = 12

/**
 * Reaching one Safe signer during an incident, having them check the transaction hash on their
 * own device and sign. Signers are reached one after another more often than all at once (time
 * zones, hardware wallets in a drawer), so the estimate grows with the threshold.
 */
export const SAFE_SECONDS_PER_SIGNATURE = 15 * 60

/**
 * How long the path `nodes` (outermost signer first, direct holder last) takes to execute: an
 * EOA's transaction is one block, a Safe m-of-n collects m signatures, a timelock waits its
 * minimum delay and executes in one more block, and a contract adds nothing (a ProxyAdmin
 * forwards its owner's call; a governor's process is unknown, and the description says so). The
 * parts are summed along the path, and the description joins them with ` → `, e.g. `2-of-3 Safe: collect 2 signatures (~30 min) → 2-day timelock`.
 */
export function timeToExecute(nodes: readonly AuthorityNode[]): TimeToExecute {
  if (nodes.length === 0) return { seconds: 0, description: 'no authority' }
  const parts = nodes.map((node, index) => partOf(node, index === 0))
  return {
    seconds: parts.reduce((total, part) => total + part.seconds, 0),
    description: parts.map((part) => part.description).join(' → '),
  }
}

function partOf(node: AuthorityNode, outermost: boolean): TimeToExecute {
  const name = node.label ? ` ${node.label}` : ''
  switch (node.kind) {
    case 'eoa':
      return { seconds: BLOCK_SECONDS, description: `EOA${name}: one transaction (~${BLOCK_SECONDS} s)` }
    case 'safe': {
      const seconds = node.threshold * SAFE_SECONDS_PER_SIGNATURE
      const signatures = node.threshold === 1 ? '1 signature' : `${node.threshold} signatures`
      return { seconds, description: `${node.threshold}-of-${node.owners.length} Safe${name}: collect ${signatures} (~${approximately(seconds)})` }
    }
    case 'timelock': {
      const delay = Number(node.minDelay)
      const kind = delay === 0 ? 'timelock with no delay' : `${delayName(delay)} timelock`
      return { seconds: delay + BLOCK_SECONDS, description: `${kind}${name}` }
    }
    case 'guardian': {
      const name = node.label ? ` ${node.label}` : ''
      return {
        seconds: 0,
        description: outermost ? `guardian contract${name}: no guardian holds its role` : `guardian contract${name}: pauses all ${node.guardedContracts.length} contracts in the same transaction`,
      }
    }
    case 'contract': {
      // Inside a path a contract forwards its owner's call in the same transaction (a ProxyAdmin).
      // Where a path starts at one, it runs a process firebreak cannot see (a governor's vote):
      // nothing is added, and the description says the figure leaves it out.
      const name = node.label ?? shortAddress(node.address)
      return { seconds: 0, description: outermost ? `contract ${name}: its own process, not estimated` : `via contract ${name}` }
    }
  }
}

const units = [
  { seconds: 86_400, name: 'day', short: 'd' },
  { seconds: 3_600, name: 'hour', short: 'h' },
  { seconds: 60, name: 'minute', short: 'min' },
] as const

/** `2-day`, `6-hour`, `90-minute`, `45-second`: the largest unit that divides the delay exactly, as people name timelocks. */
export function delayName(seconds: number): string {
  const unit = units.find((candidate) => seconds % candidate.seconds === 0)
  return unit ? `${seconds / unit.seconds}-${unit.name}` : `${seconds}-second`
}

/** `45 min`, `2 h`, `1.5 h`, `3 d`: a rough figure for a rough estimate. */
export function approximately(seconds: number): string {
  const unit = units.find((candidate) => seconds >= candidate.seconds)
  if (!unit) return `${seconds} s`
  const value = Math.round((seconds / unit.seconds) * 10) / 10
  return `${value} ${unit.short}`
}

function shortAddress(address: string): string {
  return `${address.slice(0, 6)}…${address.slice(-4)}`
}
