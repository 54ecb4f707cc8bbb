import {
  type Abi,
  type AbiFunction,
  type Address,
  type ContractFunctionArgs,
  type ContractFunctionName,
  type Hex,
  encodeFunctionData,
  getAbiItem,
} from 'viem'
import { showValue } from '../format.js'

/**
 * Who must perform a step. An executor is chosen by `kind`; the union grows with the executors
 * (safe, timelock) and every `switch` over it is checked by the compiler.
 */
export type Authority = KeyAuthority | SafeAuthority | { kind: 'impersonate'; address: Address; label: string }

/** An externally owned account whose key signs here. */
export type KeyAuthority = {
  kind: 'key'
  address: Address
  /** What the team calls it: "guardian", "governance". */
  label: string
  /** Environment variable holding the private key, when it is not handed over in memory. */
  keyEnv?: string
  /** An encrypted JSON keystore (Foundry's `~/.foundry/keystores/<name>`), unlocked with the password in `passwordEnv`. */
  keystore?: { path: string; passwordEnv: string }
}

/**
 * A Safe multisig: its owners sign one Safe transaction (a MultiSend when the step makes several
 * calls), and any account with gas submits it once the threshold is met.
 */
export type SafeAuthority = {
  kind: 'safe'
  address: Address
  label: string
  /** Read from the Safe when the plan is built; the executor checks them again before sending. */
  owners: Address[]
  threshold: number
  /** MultiSendCallOnly used to batch several calls; the canonical v1.4.1 deployment when absent. */
  multiSend?: Address
  /** Pays the gas of `execTransaction`; need not be an owner. */
  submitter?: KeyAuthority
}

export type Call = { to: Address; data: Hex; value: bigint }

/** A call as a signer must see it before approving it. */
export type DecodedCall = {
  contract: string
  address: Address
  functionName: string
  args: string[]
  /** `vault.pause()`, `vault.upgradeToAndCall(0xabc…, 0x)` */
  text: string
}

/**
 * A fact about chain state that must hold. Checks are data, not closures, so that a plan can be
 * written to the journal, shown to signers and re-checked later by anyone.
 */
export type Check =
  | {
      kind: 'read'
      description: string
      address: Address
      /** The one view function read. */
      abi: AbiFunction
      args: unknown[]
      expect: unknown
      /** `eq` by default; `gte`/`lte` compare integers. */
      op?: 'eq' | 'gte' | 'lte'
    }
  | {
      /** A call from `from` that must succeed, or must revert (a probe: the attack's call now fails). */
      kind: 'call'
      description: string
      from: Address
      to: Address
      data: Hex
      value?: bigint
      expect: 'success' | 'revert'
      /** The custom error expected on revert, e.g. `EnforcedPause`; any revert passes when absent. */
      error?: string
      /** ABI used to decode the revert reason. */
      abi?: Abi
    }
  | { kind: 'code'; description: string; address: Address; present: boolean }
  | { kind: 'storage'; description: string; address: Address; slot: Hex; expect: Hex }

/** One call and the decoded form a signer reads before approving it. */
export type Action = { call: Call; decoded: DecodedCall }

/**
 * A step that may only run once a timelock's delay has passed since an earlier step scheduled it.
 * The simulation moves the fork's clock by `seconds`; on the real chain the engine waits for
 * `isOperationReady(operationId)`.
 */
export type TimelockWait = { timelock: Address; operationId: Hex; seconds: bigint }

export type Step = {
  /** Unique within its plan and stable across runs: the journal resumes by it. */
  id: string
  title: string
  authority: Authority
  /**
   * What the authority does, in one transaction: a key or an impersonated account sends exactly
   * one call; a Safe batches several into one Safe transaction.
   */
  actions: Action[]
  postconditions: Check[]
  after?: TimelockWait
  /**
   * A fact that, when it already holds, means the step's effect is on chain without this plan
   * sending it: a timelock operation a teammate executed, or one scheduled by a run that died
   * before it could journal the send. Such a step is journaled done and not sent.
   */
  doneWhen?: Check
}

export type Phase = 'contain' | 'eradicate' | 'recover'

export type Plan = {
  /** Unique within the incident: `contain-pause`, `eradicate-upgrade`. */
  id: string
  phase: Phase
  title: string
  steps: Step[]
  /** ABIs of the contracts involved, for decoding revert reasons. */
  abis: Abi[]
  /**
   * Steps held by different authorities do not depend on each other: the engine runs them at
   * once, so a key's pause lands while a Safe still collects signatures. Steps that send from the
   * same account (nonces) keep their order, and a step behind a timelock (`after`) still waits
   * for the step that schedules it. Absent, the steps run one after the other, each on the state
   * the previous one left (a deployment before the call that uses it).
   */
  independentAuthorities?: boolean
}

export type ContractRef<abi extends Abi = Abi> = { name: string; address: Address; abi: abi }

/** Builds a step's call from a contract, a function and its arguments, with its decoded form. */
export function contractCall<
  const abi extends Abi,
  functionName extends ContractFunctionName<abi, 'nonpayable' | 'payable'>,
>(
  contract: ContractRef<abi>,
  functionName: functionName,
  args: ContractFunctionArgs<abi, 'nonpayable' | 'payable', functionName>,
  value = 0n,
): Action {
  const data = encodeFunctionData({ abi: contract.abi as Abi, functionName: functionName as string, args: args as unknown[] })
  const shownArgs = (args as readonly unknown[]).map(showValue)
  return {
    call: { to: contract.address, data, value },
    decoded: {
      contract: contract.name,
      address: contract.address,
      functionName: functionName as string,
      args: shownArgs,
      text: `${contract.name}.${functionName as string}(${shownArgs.join(', ')})${value > 0n ? ` {value: ${value}}` : ''}`,
    },
  }
}

/** The ABI item of a view function, for a `read` check. */
export function viewFunction(abi: Abi, name: string): AbiFunction {
  const item = getAbiItem({ abi, name })
  if (!item || item.type !== 'function') throw new Error(`${name} is not a function of this ABI`)
  return item as AbiFunction
}


/** The decoded calls of a step on one line, as the journal and the progress list show them. */
export function describeActions(step: Pick<Step, 'actions'>): string {
  return step.actions.map((action) => action.decoded.text).join('; ')
}
