import { impersonateExecutor } from './impersonate.js'
import { keyExecutor } from './key.js'
import { safeExecutor } from './safe/safeExecutor.js'
import type { Executor, ExecutorContext } from './types.js'

export type { Executor, ExecutorContext } from './types.js'
export { type ForkSendResult, impersonate, sendOnFork } from './impersonate.js'

/** The executor for the authority that holds the context's step. */
export async function executorFor(context: ExecutorContext): Promise<Executor> {
  const { authority } = context.step
  switch (authority.kind) {
    case 'key':
      return keyExecutor(authority, context)
    case 'impersonate':
      return impersonateExecutor(authority, context)
    case 'safe':
      return safeExecutor(authority, context)
  }
}
