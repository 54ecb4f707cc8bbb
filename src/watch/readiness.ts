import { type Address, type Log, decodeEventLog, getAddress, isAddressEqual, keccak256, parseAbi, toHex } from 'viem'
import type { ChainClients } from '../chain/clients.js'
import { readPauseWindow } from '../inspect/levers/pauseWindow.js'
import { readLogsAdaptive } from '../chain/readLogsAdaptive.js'
import type { ManifestWatch } from '../manifest/types.js'
import { safeAbi } from '../engine/executors/safe/abi.js'
import type { Alert } from './alerts.js'
import type { ArmedPlan } from './armPlan.js'

/**
 * Everything the armed plan depends on, read on every block in one batch: the senders' nonces
 * and balances, the Safes' owners, threshold and nonce, the timelocks' delays, the pause windows,
 * and every log that moves a right (a role granted or revoked, an owner changed, a delay changed).
 */
export type Dependencies = {
  labels: Map<string, string>
  senders: Address[]
  safes: Address[]
  timelocks: Address[]
  /** Contracts whose access events are read: the targets, the guardians, the Safes and timelocks. */
  watched: Address[]
  pauseWindows: { contract: string; address: Address; endsAt: bigint; signature: string }[]
  /** What each sender's armed transactions cost at most per gas unit of base fee, summed: for "key funded". */
  gasBySender: Map<string, bigint>
}

const accessEvents = parseAbi([
  'event RoleGranted(bytes32 indexed role, address indexed account, address indexed sender)',
  'event RoleRevoked(bytes32 indexed role, address indexed account, address indexed sender)',
  'event RoleAdminChanged(bytes32 indexed role, bytes32 indexed previousAdminRole, bytes32 indexed newAdminRole)',
  'event OwnershipTransferred(address indexed previousOwner, address indexed newOwner)',
  'event AddedOwner(address indexed owner)',
  'event RemovedOwner(address indexed owner)',
  'event ChangedThreshold(uint256 threshold)',
  'event MinDelayChange(uint256 oldDuration, uint256 newDuration)',
  'event TargetAdded(address indexed target)',
  'event TargetRemoved(address indexed target)',
])

const timelockAbi = parseAbi(['function getMinDelay() view returns (uint256)'])

/** Role ids named in alerts when they are one of these: others are shown as their hash. */
const KNOWN_ROLES = ['PAUSER_ROLE', 'GUARDIAN_ROLE', 'EMERGENCY_ADMIN', 'POOL_ADMIN', 'RISK_ADMIN', 'PROPOSER_ROLE', 'EXECUTOR_ROLE', 'CANCELLER_ROLE', 'UPGRADER_ROLE', 'ADMIN_ROLE', 'MINTER_ROLE']
const roleNames = new Map<string, string>([[toHex(0n, { size: 32 }), 'DEFAULT_ADMIN_ROLE'], ...KNOWN_ROLES.map((name) => [keccak256(toHex(name)), name] as [string, string])])

/** What the armed plan depends on, from its plan and the inspection behind it. */
export async function dependenciesOf(armed: ArmedPlan): Promise<Dependencies> {
  const labels = new Map<string, string>()
  const label = (address: Address, name: string) => labels.set(address.toLowerCase(), name)
  for (const authority of armed.authorityNames) label(authority.address, authority.name)
  const safes = new Set<Address>()
  const timelocks = new Set<Address>()
  const watched = new Set<Address>()
  for (const contract of armed.planned.inspection.contracts) {
    label(contract.address, contract.name)
    watched.add(contract.address)
    for (const access of contract.levers) {
      for (const path of access.paths) {
        for (const node of path.nodes) {
          if (node.label) label(node.address, node.label)
          if (node.kind === 'safe') safes.add(node.address)
          if (node.kind === 'timelock') timelocks.add(node.address)
          if (node.kind !== 'eoa') watched.add(node.address)
        }
      }
    }
  }
  const gasBySender = new Map<string, bigint>()
  for (const transaction of armed.transactions) {
    // A Safe's step is titled after the Safe, but sent by its submitter: the title names the sender only when nothing else does.
    if (!labels.has(transaction.from.toLowerCase())) label(transaction.from, transaction.title.split(' as ').at(-1) ?? transaction.from)
    const sender = transaction.from.toLowerCase()
    gasBySender.set(sender, (gasBySender.get(sender) ?? 0n) + transaction.gas)
    if (transaction.safe) safes.add(transaction.safe.address)
  }
  for (const step of armed.plan.steps) if (step.authority.kind !== 'impersonate') label(step.authority.address, step.authority.label)
  const targets = armed.planned.inspection.contracts.filter((contract) => !contract.error)
  const windows = await Promise.all(targets.map(async (contract) => ({ contract, window: await readPauseWindow(armed.chain, contract.address) })))
  return {
    labels,
    senders: [...new Set(armed.transactions.map((transaction) => getAddress(transaction.from)))],
    safes: [...safes],
    timelocks: [...timelocks],
    watched: [...watched],
    pauseWindows: windows.flatMap(({ contract, window }) => (window ? [{ contract: contract.name, address: contract.address, endsAt: window.endsAt, signature: window.signature }] : [])),
    gasBySender,
  }
}

/** One block's reading: the facts the plan depends on (as strings, to be journaled and compared) and the access events since the last. */
export type Reading = {
  blockNumber: bigint
  timestamp: bigint
  /** The most the next block's base fee can be (+12.5 %): what the armed fees are derived from. */
  nextBaseFee: bigint
  values: Record<string, string>
  events: AccessEvent[]
}

export type AccessEvent = { contract: Address; name: string; text: string; blockNumber: bigint }

/** Reads everything the plan depends on at `blockNumber`, and the access events of blocks after `sinceBlock`. */
export async function readReadiness(chain: ChainClients, dependencies: Dependencies, block: { number: bigint; timestamp: bigint; baseFeePerGas: bigint | null }, sinceBlock: bigint): Promise<Reading> {
  const blockNumber = block.number
  const values: Record<string, string> = {}
  const reads: Promise<void>[] = []
  const put = (key: string, value: Promise<unknown>) => reads.push(value.then((read) => void (values[key] = String(read))))
  for (const sender of dependencies.senders) {
    put(`nonce:${sender}`, chain.public.getTransactionCount({ address: sender, blockNumber }))
    put(`balance:${sender}`, chain.public.getBalance({ address: sender, blockNumber }))
  }
  for (const safe of dependencies.safes) {
    put(`safe.nonce:${safe}`, chain.public.readContract({ address: safe, abi: safeAbi, functionName: 'nonce', blockNumber }))
    put(`safe.threshold:${safe}`, chain.public.readContract({ address: safe, abi: safeAbi, functionName: 'getThreshold', blockNumber }))
    put(`safe.owners:${safe}`, chain.public.readContract({ address: safe, abi: safeAbi, functionName: 'getOwners', blockNumber }).then((owners) => [...owners].map((owner) => owner.toLowerCase()).sort().join(',')))
  }
  // A closed pause window changes nothing the plan reads, yet the pause now reverts: a value that
  // flips when it closes has the armed plan simulated (and armed) again on that block.
  for (const window of dependencies.pauseWindows) values[`pause-window.open:${window.address}`] = String(block.timestamp < window.endsAt)
  for (const timelock of dependencies.timelocks) put(`timelock.delay:${timelock}`, chain.public.readContract({ address: timelock, abi: timelockAbi, functionName: 'getMinDelay', blockNumber }))
  const logs = sinceBlock < blockNumber && dependencies.watched.length > 0 ? accessLogs(chain, dependencies.watched, sinceBlock + 1n, blockNumber) : Promise.resolve([])
  const [events] = await Promise.all([logs, ...reads])
  const baseFee = block.baseFeePerGas ?? 0n
  return { blockNumber, timestamp: block.timestamp, nextBaseFee: baseFee + (baseFee + 7n) / 8n, values, events: (events as Log[]).map((log) => describeAccessEvent(log, dependencies.labels)) }
}

/** Blocks read with one `eth_getLogs`: a block or two each refresh; more after a restart, read in ranges the node accepts. */
const ONE_QUERY_BLOCKS = 1_000n

async function accessLogs(chain: ChainClients, watched: readonly Address[], fromBlock: bigint, toBlock: bigint): Promise<Log[]> {
  if (toBlock - fromBlock < ONE_QUERY_BLOCKS) return chain.public.getLogs({ address: [...watched], events: accessEvents, fromBlock, toBlock })
  // A watcher restarted after days catches up on what moved meanwhile, through nodes that cap log ranges.
  const logs: Log[] = []
  for (const address of watched) for await (const chunk of readLogsAdaptive(chain, { address, events: accessEvents, fromBlock, toBlock })) logs.push(...chunk.logs)
  return logs.sort((a, b) => Number((a.blockNumber ?? 0n) - (b.blockNumber ?? 0n)) || (a.logIndex ?? 0) - (b.logIndex ?? 0))
}

function describeAccessEvent(log: Log, labels: Map<string, string>): AccessEvent {
  const name = (address: unknown) => (typeof address === 'string' ? (labels.get(address.toLowerCase()) ? `${labels.get(address.toLowerCase())} (${address})` : address) : String(address))
  const role = (id: unknown) => roleNames.get(String(id)) ?? String(id)
  const decoded = decodeEventLog({ abi: accessEvents, data: log.data, topics: log.topics })
  const args = decoded.args as Record<string, unknown>
  const contract = getAddress(log.address)
  const where = name(contract)
  const text = (() => {
    switch (decoded.eventName) {
      case 'RoleGranted':
        return `${role(args.role)} granted to ${name(args.account)} on ${where}`
      case 'RoleRevoked':
        return `${role(args.role)} revoked from ${name(args.account)} on ${where}`
      case 'RoleAdminChanged':
        return `the admin of ${role(args.role)} on ${where} is now ${role(args.newAdminRole)}`
      case 'OwnershipTransferred':
        return `${where}'s owner changed from ${name(args.previousOwner)} to ${name(args.newOwner)}`
      case 'AddedOwner':
        return `${name(args.owner)} added as an owner of Safe ${where}`
      case 'RemovedOwner':
        return `${name(args.owner)} removed from the owners of Safe ${where}`
      case 'ChangedThreshold':
        return `Safe ${where}'s threshold is now ${args.threshold}`
      case 'MinDelayChange':
        return `timelock ${where}'s delay changed from ${args.oldDuration} s to ${args.newDuration} s`
      case 'TargetAdded':
        return `${name(args.target)} added to the contracts guardian ${where} pauses`
      case 'TargetRemoved':
        return `${name(args.target)} removed from the contracts guardian ${where} pauses`
    }
  })()
  return { contract, name: decoded.eventName, text, blockNumber: log.blockNumber ?? 0n }
}

/**
 * The problems a reading shows, keyed by what they are about: each is raised when it appears and
 * said resolved when it goes. Pure: the watcher and its tests call it with readings.
 */
export function problemsOf(reading: Reading, armed: Pick<ArmedPlan, 'transactions' | 'unarmed'>, dependencies: Dependencies, watch: Pick<ManifestWatch, 'pauseWindowWarningSeconds'>, fees: { maxFeePerGas: bigint }): Map<string, Alert> {
  const problems = new Map<string, Alert>()
  const labelOf = (address: Address) => dependencies.labels.get(address.toLowerCase()) ?? address
  for (const sender of dependencies.senders) {
    const balance = BigInt(reading.values[`balance:${sender}`] ?? '0')
    const needed = (dependencies.gasBySender.get(sender.toLowerCase()) ?? 0n) * fees.maxFeePerGas
    if (balance < needed) {
      problems.set(`key-unfunded:${sender}`, {
        code: 'key-unfunded',
        severity: 'critical',
        subject: labelOf(sender),
        message: `${sender} holds ${balance} wei, less than the ${needed} wei its armed transactions may cost at the next block's fees: fund it, or the pause will not be accepted`,
      })
    }
  }
  for (const transaction of armed.transactions) {
    if (!transaction.safe) continue
    const nonce = BigInt(reading.values[`safe.nonce:${transaction.safe.address}`] ?? transaction.safe.nonce)
    if (nonce !== transaction.safe.nonce) problems.set(`presigned-stale:${transaction.safe.label}`, presignedStaleAlert(transaction.safe, nonce))
  }
  // Found when arming (the Safe spent the signed nonce before the plan was armed again): it holds
  // on every block until the owners sign again, not only on the block the plan was re-armed.
  for (const alert of armed.unarmed) if (alert.code === 'presigned-stale') problems.set(`presigned-stale:${alert.subject}`, alert)
  for (const window of dependencies.pauseWindows) {
    const left = window.endsAt - reading.timestamp
    if (left <= 0n) {
      problems.set(`pause-window:${window.address}`, { code: 'pause-window', severity: 'critical', subject: window.contract, message: `its pause window closed at ${new Date(Number(window.endsAt) * 1000).toISOString()} (${window.signature}): it can no longer be paused` })
    } else if (left <= BigInt(watch.pauseWindowWarningSeconds)) {
      // The watcher says a problem again when its message changes before the first colon: the
      // countdown comes after the closing time, or the warning would be said again every minute.
      problems.set(`pause-window:${window.address}`, { code: 'pause-window', severity: 'warning', subject: window.contract, message: `its pause window closes at ${new Date(Number(window.endsAt) * 1000).toISOString()} (${window.signature}), in ${describeSeconds(left)} of chain time: after that it cannot be paused` })
    }
  }
  return problems
}

/** A Safe's pre-signed transaction for a nonce other than the Safe's: keyed by the Safe's label, as arming's alerts are. */
export function presignedStaleAlert(safe: { address: Address; label: string; nonce: bigint; safeTxHash: string }, nonce: bigint): Alert {
  return {
    code: 'presigned-stale',
    severity: 'critical',
    subject: safe.label,
    message: `the pre-signed Safe transaction ${safe.safeTxHash} is for nonce ${safe.nonce}, but Safe ${safe.address}'s nonce is now ${nonce}: ${nonce > safe.nonce ? 'it can never execute' : 'it waits for earlier Safe transactions'}; run firebreak arm and have the owners sign again`,
  }
}

/** Alerts for values that changed between two readings: a delay, a Safe's owners or threshold, a key used by someone else. */
export function changedValues(previous: Record<string, string>, current: Record<string, string>, dependencies: Dependencies, ownNonces: ReadonlySet<string> = new Set()): Alert[] {
  const alerts: Alert[] = []
  for (const [key, value] of Object.entries(current)) {
    const before = previous[key]
    if (before === undefined || before === value) continue
    const [kind, address] = key.split(':') as [string, Address]
    const subject = dependencies.labels.get(address.toLowerCase()) ?? address
    switch (kind) {
      case 'timelock.delay':
        alerts.push({ code: 'delay-changed', severity: 'warning', subject, message: `timelock ${address}'s delay changed from ${before} s to ${value} s` })
        break
      case 'safe.threshold':
        alerts.push({ code: 'safe-changed', severity: 'warning', subject, message: `Safe ${address}'s threshold changed from ${before} to ${value}` })
        break
      case 'safe.owners':
        alerts.push({ code: 'safe-changed', severity: 'warning', subject, message: `Safe ${address}'s owners changed: ${describeOwnersChange(before, value)}` })
        break
      case 'nonce':
        if (!ownNonces.has(key)) alerts.push({ code: 'key-used', severity: 'warning', subject, message: `${address} sent a transaction the watcher did not (nonce ${before} → ${value}): the armed transaction is signed again for the new nonce; make sure the key is not compromised` })
        break
    }
  }
  return alerts
}

/** An access event as an alert: every right moved on a watched contract is worth a look. */
export function accessAlert(event: AccessEvent, dependencies: Dependencies): Alert {
  return { code: 'holder-changed', severity: 'warning', subject: dependencies.labels.get(event.contract.toLowerCase()) ?? event.contract, message: `${event.text} (block ${event.blockNumber})` }
}

function describeOwnersChange(before: string, after: string): string {
  const was = before.split(',')
  const now = after.split(',')
  const added = now.filter((owner) => !was.includes(owner))
  const removed = was.filter((owner) => !now.includes(owner))
  return [added.length > 0 ? `added ${added.join(', ')}` : '', removed.length > 0 ? `removed ${removed.join(', ')}` : ''].filter(Boolean).join('; ')
}

function describeSeconds(seconds: bigint): string {
  const value = Number(seconds)
  if (value >= 86_400) return `${(value / 86_400).toFixed(1)} days`
  if (value >= 3_600) return `${(value / 3_600).toFixed(1)} hours`
  return `${Math.ceil(value / 60)} minutes`
}

