import { type Address, type Hex, encodeAbiParameters, encodeFunctionData, isAddressEqual, keccak256, parseAbi, parseAbiParameters, toHex, zeroHash } from 'viem'
import { UsageError } from '../../errors.js'
import { type Action, type Authority, type Call, type Check, type Step, viewFunction } from '../plan.js'

/**
 * The part of OpenZeppelin's TimelockController that firebreak calls and reads, with the errors it
 * raises so that a refused schedule or execution is shown decoded. Add it to the plan's `abis`.
 */
export const timelockControllerAbi = parseAbi([
  'function schedule(address target, uint256 value, bytes data, bytes32 predecessor, bytes32 salt, uint256 delay)',
  'function scheduleBatch(address[] targets, uint256[] values, bytes[] payloads, bytes32 predecessor, bytes32 salt, uint256 delay)',
  'function execute(address target, uint256 value, bytes payload, bytes32 predecessor, bytes32 salt) payable',
  'function executeBatch(address[] targets, uint256[] values, bytes[] payloads, bytes32 predecessor, bytes32 salt) payable',
  'function hashOperation(address target, uint256 value, bytes data, bytes32 predecessor, bytes32 salt) pure returns (bytes32)',
  'function hashOperationBatch(address[] targets, uint256[] values, bytes[] payloads, bytes32 predecessor, bytes32 salt) pure returns (bytes32)',
  'function getMinDelay() view returns (uint256)',
  'function getTimestamp(bytes32 id) view returns (uint256)',
  'function isOperation(bytes32 id) view returns (bool)',
  'function isOperationPending(bytes32 id) view returns (bool)',
  'function isOperationReady(bytes32 id) view returns (bool)',
  'function isOperationDone(bytes32 id) view returns (bool)',
  'event CallScheduled(bytes32 indexed id, uint256 indexed index, address target, uint256 value, bytes data, bytes32 predecessor, uint256 delay)',
  'event CallExecuted(bytes32 indexed id, uint256 indexed index, address target, uint256 value, bytes data)',
  'error AccessControlUnauthorizedAccount(address account, bytes32 neededRole)',
  'error TimelockInsufficientDelay(uint256 delay, uint256 minDelay)',
  'error TimelockInvalidOperationLength(uint256 targets, uint256 payloads, uint256 values)',
  'error TimelockUnexpectedOperationState(bytes32 operationId, bytes32 expectedStates)',
  'error TimelockUnexecutedPredecessor(bytes32 predecessorId)',
  'error TimelockUnauthorizedCaller(address caller)',
  'error FailedCall()',
])

export type TimelockRef = { address: Address; label: string }

export type ThroughTimelockParameters = {
  timelock: TimelockRef
  /** The timelock's `getMinDelay()`, read from the chain by the caller: the operation is scheduled with it. */
  minDelay: bigint
  /** Holds PROPOSER_ROLE on the timelock: sends the schedule. */
  proposer: Authority
  /** Holds EXECUTOR_ROLE (or anyone, when the role is open to address(0)): sends the execution after the delay. */
  executor: Authority
  /** The plan the step belongs to: with the step id it makes the salt, so a re-run rebuilds the same operation. */
  planId: string
  /**
   * A timelock refuses to schedule an operation it has seen before, even one long done: the same
   * plan and step in a later incident (pause, unpause, pause again) needs another salt. The
   * incident id, when given, goes into the salt for that reason.
   */
  incidentId?: string
  /** Overrides the salt derived from the incident, plan and step ids. */
  salt?: Hex
}

export type ThroughTimelockReturnType = Step[]

/**
 * A step whose calls the timelock itself must make, turned into the two steps a TimelockController
 * allows: `schedule-<id>` by the proposer, then `<id>` by the executor once `minDelay` has passed.
 * The second step keeps the original id and title, so a plan reads the same whichever path holds
 * the lever; the engine waits for it (`after`) and a later run of the same plan resumes it.
 *
 * One call is scheduled with `schedule`/`execute`, several with `scheduleBatch`/`executeBatch`: a
 * signer checking the calldata on a hardware wallet reads one target and one payload when there is
 * one. Values are paid from the timelock's own balance, as they would be if it sent the calls.
 */
export function throughTimelock(step: Step, parameters: ThroughTimelockParameters): ThroughTimelockReturnType {
  const { timelock, minDelay, proposer, executor, planId, incidentId } = parameters
  if (!isAddressEqual(step.authority.address, timelock.address)) {
    throw new UsageError(`step "${step.title}" is held by ${step.authority.label} (${step.authority.address}), not by ${timelock.label} (${timelock.address}), the timelock it was to go through`)
  }
  if (step.actions.length === 0) throw new UsageError(`step "${step.title}" makes no call for timelock ${timelock.label} to schedule`)
  if (step.after) throw new UsageError(`step "${step.title}" already waits for a timelock: nested timelocks are not supported`)
  if (minDelay < 0n) throw new UsageError(`timelock ${timelock.label}: a delay cannot be negative (${minDelay})`)

  const calls = step.actions.map((action) => action.call)
  const salt = parameters.salt ?? timelockSalt({ incidentId, planId, stepId: step.id })
  const operationId = hashTimelockOperation(calls, salt)
  const inner = step.actions.map((action) => action.decoded.text)
  const shownCalls = calls.length === 1 ? inner[0]! : `[${inner.join(', ')}]`
  const delay = describeTimelockDelay(minDelay)

  const schedule: Step = {
    id: `schedule-${step.id}`,
    title: `schedule "${step.title}" on ${timelock.label} (executable after ${delay})`,
    authority: proposer,
    actions: [timelockAction(timelock, 'schedule', calls, salt, minDelay, shownCalls)],
    postconditions: [operationState(timelock, operationId, 'isOperationPending')],
    doneWhen: operationState(timelock, operationId, 'isOperation'),
  }
  const execute: Step = {
    id: step.id,
    title: step.title,
    authority: executor,
    actions: [timelockAction(timelock, 'execute', calls, salt, minDelay, shownCalls)],
    postconditions: [...step.postconditions, operationState(timelock, operationId, 'isOperationDone')],
    doneWhen: operationState(timelock, operationId, 'isOperationDone'),
    after: { timelock: timelock.address, operationId, seconds: minDelay },
  }
  return [schedule, execute]
}

/** `keccak256("firebreak:<incident>:<plan>:<step>")`: the same step of the same plan always makes the same operation. */
export function timelockSalt({ incidentId, planId, stepId }: { incidentId?: string | undefined; planId: string; stepId: string }): Hex {
  return keccak256(toHex(['firebreak', ...(incidentId === undefined ? [] : [incidentId]), planId, stepId].join(':')))
}

/**
 * The operation id the timelock derives from `calls`, with no predecessor: `hashOperation` for one
 * call and `hashOperationBatch` for several, exactly as OpenZeppelin's TimelockController computes
 * them, and as {@link throughTimelock} schedules them.
 */
export function hashTimelockOperation(calls: readonly Call[], salt: Hex): Hex {
  const [only] = calls
  if (calls.length === 1 && only) {
    return keccak256(encodeAbiParameters(parseAbiParameters('address, uint256, bytes, bytes32, bytes32'), [only.to, only.value, only.data, zeroHash, salt]))
  }
  return keccak256(
    encodeAbiParameters(parseAbiParameters('address[], uint256[], bytes[], bytes32, bytes32'), [
      calls.map((call) => call.to),
      calls.map((call) => call.value),
      calls.map((call) => call.data),
      zeroHash,
      salt,
    ]),
  )
}

/** The Unix time at which an operation scheduled at `scheduledAtTimestamp` (the block's) with `minDelay` becomes executable. */
export function timelockReadyAt(scheduledAtTimestamp: bigint, minDelay: bigint): bigint {
  return scheduledAtTimestamp + minDelay
}

const delayUnits = [
  { seconds: 86_400n, name: 'day' },
  { seconds: 3_600n, name: 'hour' },
  { seconds: 60n, name: 'minute' },
  { seconds: 1n, name: 'second' },
] as const

/**
 * `2 days`, `6 hours`, `45 minutes`, `1 day 12 hours`: a timelock's delay as the war room says it,
 * exact (a delay that is one second short of ready is not ready).
 */
export function describeTimelockDelay(seconds: bigint): string {
  if (seconds <= 0n) return 'no delay'
  const parts: string[] = []
  let rest = seconds
  for (const unit of delayUnits) {
    const count = rest / unit.seconds
    rest %= unit.seconds
    if (count > 0n) parts.push(`${count} ${unit.name}${count === 1n ? '' : 's'}`)
  }
  return parts.join(' ')
}

function timelockAction(timelock: TimelockRef, stage: 'schedule' | 'execute', calls: readonly Call[], salt: Hex, delay: bigint, shownCalls: string): Action {
  const batch = calls.length > 1
  const functionName = `${stage}${batch ? 'Batch' : ''}` as const
  const operation = batch
    ? ([calls.map((call) => call.to), calls.map((call) => call.value), calls.map((call) => call.data), zeroHash, salt] as const)
    : ([calls[0]!.to, calls[0]!.value, calls[0]!.data, zeroHash, salt] as const)
  const args = stage === 'schedule' ? [...operation, delay] : operation
  const data = encodeFunctionData({ abi: timelockControllerAbi, functionName, args } as Parameters<typeof encodeFunctionData>[0])
  return {
    call: { to: timelock.address, data, value: 0n },
    decoded: {
      contract: timelock.label,
      address: timelock.address,
      functionName,
      // What a signer compares against the calldata: the calls, then predecessor, salt and delay as sent.
      args: [shownCalls, zeroHash, salt, ...(stage === 'schedule' ? [delay.toString()] : [])],
      text: `${timelock.label}.${functionName}(${shownCalls}${stage === 'schedule' ? `, delay ${describeTimelockDelay(delay)}` : ''})`,
    },
  }
}

function operationState(timelock: TimelockRef, operationId: Hex, name: 'isOperation' | 'isOperationPending' | 'isOperationDone'): Check {
  const state = { isOperation: 'scheduled', isOperationPending: 'scheduled (pending)', isOperationDone: 'executed' }[name]
  return {
    kind: 'read',
    description: `${timelock.label} operation ${operationId.slice(0, 10)}… is ${state}`,
    address: timelock.address,
    abi: viewFunction(timelockControllerAbi, name),
    args: [operationId],
    expect: true,
  }
}
