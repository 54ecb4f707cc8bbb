import { createHash } from 'node:crypto'
import { type Address, type Hash, type LocalAccount, formatGwei, formatUnits, isAddressEqual } from 'viem'
import { FirebreakError } from '../../errors.js'
import { AuthorityMissingError } from '../errors.js'
import type { Call, KeyAuthority, Plan, Step } from '../plan.js'
import {
  type FeeBumpPolicy,
  type SignedTransaction,
  confirmWithReplacements,
  currentFees,
  feeCap,
  type SentTransaction,
  sentTransaction,
  signKeyTransaction,
  waitForAnyReceipt,
} from './feeBump.js'
import { journaledHashes } from '../journalLike.js'
import { loadKeystoreAccount } from './keystore.js'
import { singleCall } from './singleCall.js'
import type { Executor, ExecutorContext } from './types.js'
import { accountFromPrivateKey } from './privateKey.js'

/** The authority's account cannot pay for the gas of its step: nothing was sent. */
export class AuthorityUnfundedError extends FirebreakError {
  override name = 'AuthorityUnfundedError'
}

export type KeyExecutor = Executor & {
  /**
   * The nonce of the transaction this executor last sent, taken from the node's `pending` count
   * at send time; undefined before the first send. Replacements keep it.
   */
  readonly lastNonce: number | undefined
}

export type KeyExecutorOptions = {
  /** Overrides of the fee-bump policy; `context.replaceAfterBlocks` sets its block count otherwise. */
  feeBump?: Partial<FeeBumpPolicy>
}

/**
 * Signs with a private key held in memory: one handed over by the caller, one read from the
 * environment variable the authority names, or one unlocked from its encrypted keystore. The key
 * itself is never logged or journaled; only the address it controls is.
 *
 * `prepare` unlocks the key and checks that the account can pay for its step, so that a missing
 * key, a wrong password or an empty account stops the plan before anything is sent. `send` takes
 * the nonce from the node's pending count, and `confirm` replaces a transaction left unmined with
 * higher fees (see feeBump.ts).
 */
export function keyExecutor(authority: KeyAuthority, context: ExecutorContext, options: KeyExecutorOptions = {}): KeyExecutor {
  const { chain, step } = context
  const call = singleCall(step)
  let account: Promise<LocalAccount> | undefined
  const unlock = () => (account ??= accountFor(authority, context, keystoreCacheOf(context.plan)))
  let last: SignedTransaction | undefined

  return {
    describe: `key ${authority.label} ${authority.address}`,
    get lastNonce() {
      return last?.transaction.nonce
    },
    prepare: async () => {
      const signer = await unlock()
      await requireFunds(context, authority, signer.address, call, step)
    },
    send: async (beforeBroadcast) => {
      const signer = await unlock()
      // Steps of one key sent together through its lane (runPhase makes lanes unless pipeline is false); alone, each send asks the node for its nonce.
      const lane = context.keyLanes?.of(chain, signer.address)
      // Journaled with its nonce: the executor's lastNonce is the transaction about to be broadcast.
      const journalFirst = (signed: SignedTransaction) => {
        last = signed
        beforeBroadcast?.({ hash: signed.hash, serialized: signed.serialized })
      }
      if (lane) {
        const [gas, fees] = await Promise.all([estimateStepGas(context, signer.address, call), currentFees(chain.public)])
        const position = context.plan.steps.findIndex((each) => each.id === step.id)
        const signed = await lane.send({ account: signer, transaction: { chainId: chain.chain.id, to: call.to, data: call.data, value: call.value, gas, fees }, position, beforeBroadcast: journalFirst })
        return signed.hash
      }
      // Pending, not latest: a transaction of this key still in the pool holds the nonce before it.
      const [nonce, gas, fees] = await Promise.all([
        chain.public.getTransactionCount({ address: signer.address, blockTag: 'pending' }),
        estimateStepGas(context, signer.address, call),
        currentFees(chain.public),
      ])
      const signed = await signKeyTransaction(signer, { chainId: chain.chain.id, nonce, to: call.to, data: call.data, value: call.value, gas, fees })
      journalFirst(signed)
      await chain.public.sendRawTransaction({ serializedTransaction: signed.serialized })
      return signed.hash
    },
    confirm: async (hash, onReplaced) => {
      const signer = await unlock()
      // Every version journaled for this step: after a restart any of them may be the one mined.
      const versions = [...new Set([...journaledHashes(context.journal, context.plan, context.step), hash])]
      const sent = last?.hash === hash ? last : await knownVersion(context, versions, signer.address)
      if (!sent) return waitForAnyReceipt(chain.public, versions)
      return confirmWithReplacements({
        client: chain.public,
        account: signer,
        sent,
        onReplaced,
        label: authority.label,
        earlierVersions: versions,
        policy: { ...(context.replaceAfterBlocks !== undefined ? { replaceAfterBlocks: context.replaceAfterBlocks } : {}), ...options.feeBump },
      })
    },
  }
}

/**
 * What was signed, read back from the node, latest version first: after a restart the executor
 * holds none of it. A version journaled but refused by the node (or dropped from its pool) is
 * unknown to it; an earlier one may not be.
 */
async function knownVersion({ chain }: ExecutorContext, versions: readonly Hash[], from: Address): Promise<SentTransaction | undefined> {
  for (const hash of [...versions].reverse()) {
    const sent = await sentTransaction(chain.public, hash, from)
    if (sent) return sent
  }
  return undefined
}

/**
 * The account that signs for a key authority: one handed over in `context.accounts`, else the
 * key in the environment variable `keyEnv` (when set), else the keystore unlocked with the
 * password in `keystore.passwordEnv`. Refuses a key that controls another address.
 */
export async function accountFor(
  authority: KeyAuthority,
  context: Pick<ExecutorContext, 'accounts'>,
  unlockKeystore: (path: string, password: string) => Promise<LocalAccount> = loadKeystoreAccount,
): Promise<LocalAccount> {
  const handed = context.accounts?.find((account) => isAddressEqual(account.address, authority.address))
  if (handed) return handed
  const who = `${authority.label} (${authority.address})`
  const { keyEnv, keystore } = authority
  const key = keyEnv ? process.env[keyEnv] : undefined
  if (keyEnv && key) return accountFromEnvironment(authority, keyEnv, key)
  if (keystore) {
    const password = process.env[keystore.passwordEnv]
    if (password === undefined) {
      throw new AuthorityMissingError(`no password for keystore ${keystore.path} of ${who}: ${keystore.passwordEnv} is not set`, {
        metaMessages: [`Set ${keystore.passwordEnv} to the keystore's password, e.g. \`read -rs ${keystore.passwordEnv} && export ${keystore.passwordEnv}\` (it stays out of shell history).`],
      })
    }
    const account = await unlockKeystore(keystore.path, password)
    if (!isAddressEqual(account.address, authority.address)) {
      throw new AuthorityMissingError(`keystore ${keystore.path} holds the key of ${account.address}, not of ${who}`)
    }
    return account
  }
  const missing = keyEnv ? `${keyEnv} is not set` : 'no environment variable or keystore is named for its key'
  throw new AuthorityMissingError(`no key for ${who}: ${missing}`, {
    metaMessages: [keyEnv ? `Set the environment variable ${keyEnv} to its private key.` : 'Name the environment variable that holds its key (keyEnv) or its keystore in the manifest.'],
  })
}

/** The account of the private key held in the environment variable `variable`, refused unless it is the authority's own. */
function accountFromEnvironment(authority: KeyAuthority, variable: string, key: string): LocalAccount {
  const account = accountFromPrivateKey(variable, key)
  if (!isAddressEqual(account.address, authority.address)) {
    throw new AuthorityMissingError(`${variable} holds the key of ${account.address}, not of ${authority.label} (${authority.address})`)
  }
  return account
}

/**
 * One unlock per keystore and password for the whole plan: a plan of several steps by one key
 * would otherwise run scrypt (about half a second at geth's n = 2^18) once per step. The accounts
 * live as long as the plan object does; a failed unlock is not remembered.
 */
const keystoreCaches = new WeakMap<Plan, Map<string, Promise<LocalAccount>>>()

function keystoreCacheOf(plan: Plan): (path: string, password: string) => Promise<LocalAccount> {
  let cache = keystoreCaches.get(plan)
  if (!cache) keystoreCaches.set(plan, (cache = new Map()))
  const unlocked = cache
  return (path, password) => {
    const id = createHash('sha256').update(path).update('\0').update(password).digest('hex')
    let account = unlocked.get(id)
    if (!account) {
      account = loadKeystoreAccount(path, password)
      unlocked.set(id, account)
      account.catch(() => unlocked.delete(id))
    }
    return account
  }
}

/**
 * Gas of the step's call with a fifth added: state can change between the estimate and the
 * block (the attacker keeps sending), and a pause that runs out of gas costs a round of fee
 * bumps and minutes. Unused gas is not charged.
 */
async function estimateStepGas({ chain }: Pick<ExecutorContext, 'chain'>, from: Address, call: Call): Promise<bigint> {
  const estimate = await chain.public.estimateGas({ account: from, to: call.to, data: call.data, value: call.value })
  return estimate + estimate / 5n
}

/**
 * A node refuses a transaction whose `gas × fee cap + value` exceeds the balance; say so before
 * the plan starts, in ether, rather than as a node error in the middle of it.
 */
async function requireFunds(context: ExecutorContext, authority: KeyAuthority, address: Address, call: Call, step: Step): Promise<void> {
  const { chain } = context
  const [balance, estimated, fees] = await Promise.all([
    chain.public.getBalance({ address }),
    // A later step may depend on an earlier one (the fork simulation ran them in order); its gas
    // cannot be estimated yet, so only the cost of a plain transfer is required of it here.
    estimateStepGas(context, address, call).catch(() => undefined),
    currentFees(chain.public),
  ])
  const gas = estimated ?? 21_000n
  const needed = gas * feeCap(fees) + call.value
  if (balance >= needed) return
  const symbol = chain.chain.nativeCurrency.symbol
  throw new AuthorityUnfundedError(
    `${authority.label} ${address} has ${showEther(balance, 'down')} ${symbol}, step "${step.title}" needs about ${showEther(needed, 'up')} ${symbol}: fund it`,
    {
      metaMessages: [
        `${estimated === undefined ? 'at least ' : ''}${gas} gas × fee cap ${formatGwei(feeCap(fees))} gwei${call.value > 0n ? ` + ${showEther(call.value, 'up')} ${symbol} sent with the call` : ''}`,
        'Fee replacements (when the step is not mined in time) may need up to ten times the gas cost.',
      ],
    },
  )
}

/** Ether with at most six decimals, rounded the way that does not flatter the account. */
function showEther(wei: bigint, rounding: 'up' | 'down'): string {
  const step = 10n ** 12n
  const micro = rounding === 'up' ? (wei + step - 1n) / step : wei / step
  if (micro === 0n && wei > 0n) return 'less than 0.000001'
  return formatUnits(micro, 6)
}
