import type { AbiFunction, Address, Hex } from 'viem'
import type { NormalOperationCall } from '../manifest/normalOperations.js'
import type { ContractTarget } from '../manifest/types.js'

/**
 * What `firebreak inspect` learns about a protocol: its emergency levers, who can pull each one,
 * through which chain of authorities, and how long that takes. Every module of src/inspect
 * produces or consumes these types; they are data (JSON-safe but for bigints) so that a readiness
 * report can be journaled and diffed between two inspections.
 */

/** What a lever does in an incident. */
export type LeverKind =
  /** stops the contract or a feature: `pause()`, `setPaused(bool)`, `pause(bool,bool,…)` */
  | 'pause'
  /** the reverse of a pause; reported so that "unpause as easy as pause" can be flagged */
  | 'unpause'
  /** lowers a cap or a limit: `setSupplyCap`, `setBorrowCap`, `setMaxDeposit`, rate limits */
  | 'limit'
  /** turns one function or feature off: freeze, disable, per-function guards */
  | 'switch'
  /** takes a compromised authority out: `revokeRole`, `renounceRole`, `removeOwner` */
  | 'revoke'
  /** replaces the code: `upgradeToAndCall`, ProxyAdmin, beacon `upgradeTo` */
  | 'upgrade'
  /** moves assets out to safety: rescue, sweep, emergency withdraw */
  | 'rescue'

export type LeverFunction = {
  /** `pause()`, `setSupplyCap(address,uint256)` */
  signature: string
  selector: Hex
  kind: LeverKind
  /** Where the function was found: the contract's ABI, or its runtime bytecode when no ABI is given. */
  source: 'abi' | 'bytecode'
}

/** Who may pull a lever, learned by simulating the call from candidate callers. */
export type LeverConfirmation =
  | {
      status: 'confirmed'
      /** Accounts from which the call succeeds (or fails only on state, e.g. already paused). */
      holders: Address[]
      /** An unrelated address whose call reverted, proving the lever is guarded. */
      deniedTo: Address
      detail: string
    }
  /** Anyone can call it: the lever is not guarded at all. */
  | { status: 'unguarded'; detail: string }
  /**
   * It only ever acts on the caller's own rights (`renounceRole`): every holder can pull it for
   * itself, so who holds it is the authority graph's answer, not the simulation's.
   */
  | { status: 'self-service'; detail: string }
  /** No candidate could call it, or the call could not be built (arguments unknown). */
  | { status: 'unconfirmed'; detail: string }

export type Lever = LeverFunction & {
  contract: string
  /** The address to call: the proxy, for a function of its implementation. */
  address: Address
  /** Set when the function belongs to the proxy's implementation rather than the proxy itself. */
  viaImplementation?: Address
  confirmation: LeverConfirmation
}

/**
 * `singleton`: a proxy that delegates every call to the address in its slot 0, as a Safe does;
 * it has no upgrade function of its own.
 */
export type ProxyKind = 'uups' | 'transparent' | 'beacon' | 'singleton'

export type ProxyInfo =
  | { kind: 'none' }
  | {
      kind: ProxyKind
      implementation: Address
      /**
       * Who upgrades a transparent proxy: the EIP-1967 admin slot (usually a ProxyAdmin), or an
       * admin the proxy keeps in its code (Aave's PoolAddressesProvider).
       */
      admin?: Address
      /** EIP-1967 beacon slot (beacon proxies). */
      beacon?: Address
      /** Set for OpenZeppelin's pre-EIP-1967 slots (`org.zeppelinos.proxy.implementation`). */
      layout?: 'zeppelinos'
    }

/** One account in the authority graph. */
export type AuthorityNode =
  | { kind: 'eoa'; address: Address; label?: string }
  | { kind: 'safe'; address: Address; label?: string; owners: Address[]; threshold: number }
  | {
      kind: 'timelock'
      address: Address
      label?: string
      /** Seconds: the delay between scheduling and executing. */
      minDelay: bigint
      proposers: Address[]
      executors: Address[]
    }
  /**
   * firebreak's EmergencyGuardian (contracts/contain): any one of its guardians pauses every
   * contract it guards in one transaction; unpausing takes a quorum.
   */
  | {
      kind: 'guardian'
      address: Address
      label?: string
      guardians: Address[]
      guardedContracts: Address[]
      unpauseQuorum: number
    }
  /** A contract firebreak does not recognise as an authority (a governor, a custom multisig). */
  | { kind: 'contract'; address: Address; label?: string }

/**
 * A chain of authorities from the account that signs first to the contract: e.g. a Safe whose
 * owners are EOAs, which proposes to a timelock, which owns the contract.
 */
export type AuthorityPath = {
  /** From the outermost signer to the direct holder of the lever. */
  nodes: AuthorityNode[]
  timeToExecute: TimeToExecute
}

export type TimeToExecute = {
  /** Best estimate in seconds: one block for an EOA, signature collection for a Safe, the delay for a timelock. */
  seconds: number
  /** How the estimate was made, in words a war room reads: "3-of-5 Safe (signature collection) + 2-day timelock". */
  description: string
}

/** Who holds a lever and by which paths. */
export type LeverAccess = {
  lever: Lever
  paths: AuthorityPath[]
  /** The fastest path's time, or undefined when nobody can pull it. */
  fastest?: TimeToExecute
  /** For a pause lever: what pulling it does, measured by pulling it in a simulation (see measurePauseEffect). */
  effect?: LeverEffect
}

/** A view whose first output says whether a contract is paused: `paused()`, `getPausedState()`. */
export type PausedGetter = {
  contract: string
  address: Address
  /** `paused()` */
  signature: string
  /** The view with its first output alone, a bool: what a check reads. */
  abi: AbiFunction
}

/** An ordinary call the protocol serves (the manifest's `normalOperations`): a pause must make it revert. */
export type OperationProbe = NormalOperationCall

/** What shows that a pull paused something. */
export type PauseEvidence =
  /** The getter read false before the pull and true after it (or true already, for `already-paused`). */
  | { kind: 'getter'; getter: PausedGetter }
  /** The operation succeeded before the pull and reverts after it. */
  | { kind: 'operation'; operation: OperationProbe; revert: string }

/**
 * A pause lever judged by its effect, not its name: pulled by its holder in a simulation of the
 * current state (nothing sent), with the arguments a pull would use.
 */
export type LeverEffect =
  | { status: 'pauses'; puller: Address; args: unknown[]; evidence: PauseEvidence[] }
  /** A paused getter reads true already: the contract is paused, so the pull could show nothing. */
  | { status: 'already-paused'; args: unknown[]; evidence: PauseEvidence[] }
  /** The pull succeeds but no paused getter flips and no ordinary operation starts to revert. */
  | { status: 'no-effect'; puller: Address; args: unknown[]; detail: string }
  /** The holder's pull reverts (an expired pause window, a wrong argument). */
  | { status: 'reverted'; puller: Address; args: unknown[]; detail: string }
  /** It could not be pulled: nobody holds it, or no sensible argument is known (an asset to name). */
  | { status: 'untested'; detail: string }

export type Severity = 'critical' | 'high' | 'medium' | 'low' | 'info'

export type FindingCode =
  | 'no-pause-lever'
  | 'pause-behind-timelock'
  | 'pause-window-expired'
  | 'single-key-pause-and-upgrade'
  | 'unpause-as-easy-as-pause'
  | 'lever-simulation-failed'
  | 'lever-unguarded'
  | 'contract-unreadable'
  | 'pause-lever-ineffective'

export type Finding = {
  severity: Severity
  code: FindingCode
  contract: string
  /** One line a security engineer can act on. */
  message: string
}

export type ContractInspection = {
  name: string
  address: Address
  /** Present when the contract could not be inspected (no code, wrong ABI): the rest of the report stands. */
  error?: string
  proxy: ProxyInfo
  levers: LeverAccess[]
  /** The fastest way to pause this contract, when one exists. */
  timeToContain?: TimeToExecute
}

export type Inspection = {
  chainId: number
  blockNumber: bigint
  /** The block's timestamp: pause windows and delays are compared with it, never with the wall clock. */
  chainTime: bigint
  contracts: ContractInspection[]
  findings: Finding[]
  /** The slowest of the per-contract times to contain: how long until everything is paused. */
  timeToContain?: TimeToExecute
}

/** A contract to inspect, as the manifest names it; without an ABI, levers come from the bytecode. */
export type InspectTarget = ContractTarget
