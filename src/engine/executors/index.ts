import type { Authority } from '../plan.js'
import { impersonateExecutor } from './impersonate.js'
import { keyExecutor } from './key.js'
import type { Executor, ExecutorContext } from './types.js'

export type { Executor, ExecutorContext } from './types.js'
export { type ForkSendResult, impersonate, sendOnFork } from './impersonate.js'

export async function executorFor(authority: Authority, context: ExecutorContext): Promise<Executor> {
  switch (authority.kind) {
    case 'key':
      return keyExecutor(authority, context)
    case 'impersonate':
      return impersonateExecutor(context.chain, authority.address, authority.label)
  }
}
