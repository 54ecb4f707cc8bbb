import type { Abi, Address, Hex } from 'viem'

/** A chain the protocol runs on, with its RPC URL resolved from the environment. */
export type ManifestChain = {
  name: string
  /** May carry an API key: keep it out of logs and the journal. */
  rpcUrl: string
  /** The variable the URL came from, to name it in errors instead of printing the URL. */
  rpcUrlEnv?: string
  /** What the node must report: a manifest pointed at the wrong network must not pause anything there. */
  chainId: number
}

/**
 * A contract on one chain. The same name on several chains is the same contract deployed on each
 * (a vault on mainnet and on Arbitrum): playbooks act on every deployment, inspect compares them.
 */
export type ManifestContract = {
  name: string
  address: Address
  /** The chain's name, resolved when the manifest names only one chain. */
  chain: string
  /** Loaded from `abiFile`; without it, inspect reads selectors from the bytecode. */
  abi?: Abi
  /** Absolute path of the ABI or artifact file the ABI came from. */
  abiFile?: string
}

/** A contract as the manifest gives it to inspection: its name, address and, when known, its ABI. */
export type ContractTarget = { name: string; address: Address; abi?: Abi }

export type AuthorityType = 'eoa' | 'safe' | 'timelock'

/**
 * The team's own authorities: labels in the authority graph, and what readiness expects to find.
 * `chain` limits one to a chain (a Safe at another address there); without it, it is on every chain.
 */
export type ManifestAuthority = { chain?: string } & (
  | {
      name: string
      type: 'eoa'
      address: Address
      /** The variable holding its private key; read only when a step is executed, never at load. */
      keyEnv?: string
      /** An encrypted keystore (absolute path) and the variable holding its password. */
      keystore?: { path: string; passwordEnv: string }
    }
  | {
      name: string
      type: 'safe'
      address: Address
      multiSend?: Address
      /** The name of the eoa authority that submits the signed Safe transaction. */
      submitter?: string
    }
  | { name: string; type: 'timelock'; address: Address }
)

/**
 * A function argument as written in firebreak.yaml, before it is given its ABI type: a scalar, or
 * for an array or a tuple a list (a tuple's components in order), or for a tuple a mapping by
 * component name. Large integers arrive as strings: YAML numbers lose digits past 2^53.
 */
export type ManifestArgument = string | number | boolean | ManifestArgument[] | { [component: string]: ManifestArgument }

/** One containment action of a playbook, as written; contracts are names under `contracts`. */
export type PlaybookAction =
  | { kind: 'pause'; contract: string | 'all' }
  | { kind: 'limit'; contract: string; function: string; args: ManifestArgument[] }
  | { kind: 'disable'; contract: string; function: string }
  | { kind: 'revoke'; contract: string; role: string; account: Address }

export type ManifestPlaybook = {
  name: string
  description?: string
  actions: PlaybookAction[]
}

/** A call the protocol must keep serving after a fix; `contract` is a name under `contracts`. */
export type ManifestOperation = {
  description: string
  from: Address
  contract: string
  /** A name in the contract's ABI or a full signature, `withdraw(uint256,address,address)`. */
  function: string
  args: (string | number | boolean)[]
  value: bigint
}

/** A call a restore stage makes to turn a feature back on; `contract` is a name under `contracts`. */
export type ManifestRestoreCall = { contract: string; function: string; args: (string | number | boolean)[] }

export type InvariantTarget = { contract: string } | { address: Address }

/** What must hold once a stage's contracts run again: checked on a fork before sending, on chain after. */
export type ManifestInvariant =
  | {
      kind: 'call'
      description: string
      from: Address
      /** What is called: a contract under `contracts`, or an address outside them (an exploit contract). */
      target: InvariantTarget
      /** A function and its arguments, or the raw calldata (`data`). */
      function?: string
      args: (string | number | boolean)[]
      data?: Hex
      value: bigint
      expect: 'success' | 'revert'
      /** The custom error the call must revert with; any revert passes when absent. */
      error?: string
    }
  | {
      kind: 'read'
      description: string
      target: InvariantTarget
      function: string
      args: (string | number | boolean)[]
      /** `eq` for `equals`, `gte` for `atLeast`, `lte` for `atMost`. */
      op: 'eq' | 'gte' | 'lte'
      expect: string | number | boolean
    }

/** One stage of `restore:`, in the order the manifest lists them. */
export type ManifestRestoreStage = {
  name: string
  description?: string
  /** Contracts whose `unpause()` (or equivalent lever) this stage calls. */
  unpause: string[]
  calls: ManifestRestoreCall[]
  /** `required`: the journal must show the fix gates passed (gate.storage and gate.replay). */
  fix: 'required' | 'not-needed'
  invariants: ManifestInvariant[]
  /** Signed approvals the journal must hold; `from` empty means any of the manifest's eoa authorities. */
  approvals: { required: number; from: string[] }
}

export type Manifest = {
  /** The manifest as the user named it, for error messages. */
  file: string
  chains: ManifestChain[]
  contracts: ManifestContract[]
  authorities: ManifestAuthority[]
  playbooks: ManifestPlaybook[]
  normalOperations: ManifestOperation[]
  /** Restore stages, in order; empty when the manifest has no `restore:` section. */
  restore: ManifestRestoreStage[]
  /** The `watch:` section, when the manifest has one. */
  watch?: ManifestWatch
  /**
   * Set on the view of a manifest of several chains that `manifestOnChain` gives a phase: the chain
   * it acts on. Plan ids carry it, so that one incident holds every chain's plans apart.
   */
  scope?: { chain: string }
}

/** A webhook the watcher posts alerts to (Slack's and Discord's incoming webhooks take the same JSON). */
export type ManifestWebhook = {
  /** May carry a secret token (Slack's and Discord's do): never printed, journaled or logged. */
  url: string
  /** The variable the URL came from, to name it in errors instead of printing the URL. */
  urlEnv?: string
}

/** A view read every block: `totalAssets()` on the vault. */
export type ManifestWatchedView = { contract: string; function: string; args: (string | number | boolean)[] }

/** What fires the armed plan, checked on every block and, for invariants, after each pending transaction. */
export type ManifestTrigger =
  | {
      kind: 'invariant'
      name: string
      view: ManifestWatchedView
      /** Fires when the value falls by more than this share (percent, may be fractional) from one block to the next, or across a pending transaction. */
      maxDropPercent?: number
      /** Fires when the value leaves these bounds (integers as decimal strings, as YAML numbers lose digits). */
      atLeast?: bigint
      atMost?: bigint
    }
  | {
      kind: 'event'
      name: string
      contract: string
      /** The event's name (with an ABI) or full signature, `Withdraw(address,address,address,uint256,uint256)`. */
      event: string
    }
  | {
      kind: 'outflow'
      name: string
      /** The token (a contract under `contracts`) whose Transfer events are summed. */
      token: string
      /** The contract the tokens leave. */
      from: string
      /** Fires when more than this many base units left `from` within `windowBlocks` blocks. */
      max: bigint
      windowBlocks: number
    }

/** `watch:`: what `firebreak watch` keeps armed, what it fires on, and through whom it may act alone. */
export type ManifestWatch = {
  /** The playbook kept armed; `pause-all` by default. */
  playbook: string
  /**
   * Authorities the watcher may act through without a person: a pause-only guardian key, a Safe
   * whose owners signed the armed transaction in advance. Levers held only by others are reported
   * as not automatically containable, never pulled.
   */
  automatic: string[]
  webhooks: ManifestWebhook[]
  triggers: ManifestTrigger[]
  /** Warn this many seconds before a pause window closes (chain time). Default 7 days. */
  pauseWindowWarningSeconds: number
  /** Simulate pending transactions and check invariants after each. Default true. */
  pending: boolean
  /** Per chain name: a private submission endpoint for automatic broadcasts (a builder's or relay's RPC). */
  privateRpcUrls: Record<string, string>
  /** How long a broadcast sent privately waits before it also goes to the public node. Default 3000 ms. */
  privateFallbackMs: number
}
