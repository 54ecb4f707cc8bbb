import { type Abi, type Address, type TransactionReceipt, parseEther } from 'viem'
import { isLocalChain } from '../../chain/fork.js'
import type { ChainClients } from '../../chain/clients.js'
import { AuthorityMissingError, ForkStateError } from '../errors.js'
import type { Authority, Call } from '../plan.js'
import { decodeRevert, isRevert } from '../../chain/revert.js'
import { waitForAnyReceipt } from './blockWatcher.js'
import { singleCall } from './singleCall.js'
import type { Executor, ExecutorContext } from './types.js'

/**
 * Sends as any address without its key, through anvil's impersonation. Only forks and local
 * chains allow it: on a real network this executor refuses before sending anything.
 */
export async function impersonateExecutor({ address, label }: Extract<Authority, { kind: 'impersonate' }>, { chain, step }: ExecutorContext): Promise<Executor> {
  const call = singleCall(step)
  if (!(await isLocalChain(chain.rpcUrl))) {
    throw new AuthorityMissingError(`cannot impersonate ${label} (${address}): ${chain.rpcUrl} is not a local chain or fork`)
  }
  const wallet = chain.wallet(address)
  return {
    describe: `impersonated ${label} ${address}`,
    prepare: () => impersonate(chain, address),
    send: () => wallet.sendTransaction({ to: call.to, data: call.data, value: call.value, account: address } as never),
  }
}

export type ForkSendResult = { ok: true; receipt: TransactionReceipt } | { ok: false; revert: string; receipt?: TransactionReceipt }

/**
 * On a fork: sends `call` as `from` without its key. A call goes first, because it yields the
 * revert reason that a mined, failed transaction would not; only a call that passes is sent.
 */
export async function sendOnFork(chain: ChainClients, call: Call & { from: Address }, abis: readonly Abi[]): Promise<ForkSendResult> {
  await impersonate(chain, call.from)
  const request = { account: call.from, to: call.to, data: call.data, value: call.value }
  try {
    await chain.public.call(request)
  } catch (error) {
    // A fork reads the real chain's state on demand: a node that failed it is no revert of the step.
    if (!isRevert(error)) throw new ForkStateError(`the fork could not run ${call.to}'s call: ${decodeRevert(error, abis).text}`, { cause: error })
    return { ok: false, revert: decodeRevert(error, abis).text }
  }
  const hash = await chain.wallet(call.from).sendTransaction(request as never)
  // No fixed timeout: a fork of a slow node mines slowly (it fetches state from it), and that is no failure.
  const receipt = await waitForAnyReceipt(chain.public, [hash])
  return receipt.status === 'success' ? { ok: true, receipt } : { ok: false, revert: 'reverted when mined', receipt }
}

/** Lets `address` send on a fork, with enough ether for gas (the fork's state only). */
export async function impersonate(chain: ChainClients, address: Address): Promise<void> {
  await chain.test.impersonateAccount({ address })
  const balance = await chain.public.getBalance({ address })
  if (balance < parseEther('1')) await chain.test.setBalance({ address, value: balance + parseEther('10') })
}
