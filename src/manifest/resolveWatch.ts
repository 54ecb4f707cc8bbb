import { type Abi, type AbiEvent, type AbiFunction, parseAbiItem } from 'viem'
import { describeValue, didYouMean } from '../describeValue.js'
import { type ManifestLocator, type ManifestPath, manifestErrorAt } from './ManifestError.js'
import { manifestArguments, manifestFunction } from './manifestCall.js'
import { type ManifestFile, webhookUrlShapeProblem } from './manifestSchema.js'
import { rpcUrlShapeProblem } from './rpcUrl.js'
import type { ManifestAuthority, ManifestContract, ManifestTrigger, ManifestWatch, ManifestWatchedView, ManifestWebhook } from './types.js'

/** The playbook built into `firebreak contain`: pause every pausable contract of the manifest. */
export const PAUSE_ALL_PLAYBOOK = 'pause-all'
/** A week's notice before a pause window closes: enough to get a fix through review and a Safe's signers. */
export const DEFAULT_PAUSE_WINDOW_WARNING_SECONDS = 7 * 24 * 60 * 60
/** A block's time on mainnet, give or take: long enough for a builder to include the pause, short enough not to lose the next block. */
export const DEFAULT_PRIVATE_FALLBACK_MS = 3000

export type ResolveWatchContext = {
  env: Readonly<Record<string, string | undefined>>
  chains: readonly string[]
  contracts: readonly ManifestContract[]
  authorities: readonly ManifestAuthority[]
  playbooks: readonly string[]
  /**
   * The contract's ABI, or undefined when it has none or its file cannot be read (loadManifest
   * names a broken file next, at `contracts[i].abi`).
   */
  abiOf: (contract: ManifestContract) => Abi | undefined
}

/**
 * `watch:` with its names checked against the rest of the manifest and its defaults filled:
 * contracts, authorities, the playbook and chains must exist, events and views must be in the
 * contract's ABI, and URLs come from the environment. Undefined when the manifest has no `watch:`.
 */
export function resolveWatch(source: ManifestLocator, parsed: ManifestFile['watch'], context: ResolveWatchContext): ManifestWatch | undefined {
  if (parsed === undefined) return undefined
  const fail = (path: ManifestPath, problem: string): never => {
    throw manifestErrorAt(source, ['watch', ...path], problem)
  }

  const playbooks = [PAUSE_ALL_PLAYBOOK, ...context.playbooks]
  const playbook = parsed.playbook ?? PAUSE_ALL_PLAYBOOK
  if (!playbooks.includes(playbook)) fail(['playbook'], `expected one of ${playbooks.join(', ')}, got ${describeValue(playbook)}${didYouMean(playbook, playbooks)}`)

  parsed.automatic.forEach((name, index) => checkAutomatic(name, parsed.automatic, context.authorities, (problem) => fail(['automatic', index], problem)))

  const webhooks = (parsed.webhooks ?? []).map((webhook, index): ManifestWebhook => {
    if (webhook.url !== undefined) return { url: webhook.url }
    const variable = webhook.urlEnv!
    const url = readUrlVariable(source, { path: ['watch', 'webhooks', index, 'urlEnv'], variable, holds: 'a webhook URL', schemes: 'http or https', shapeProblem: webhookUrlShapeProblem }, context.env)
    return { url, urlEnv: variable }
  })

  const privateRpcUrls: Record<string, string> = {}
  for (const [chain, endpoint] of Object.entries(parsed.privateSubmission ?? {})) {
    if (!context.chains.includes(chain)) fail(['privateSubmission', chain], `expected one of ${context.chains.join(', ')}, got ${describeValue(chain)}${didYouMean(chain, context.chains)}`)
    privateRpcUrls[chain] =
      endpoint.rpcUrl ??
      readUrlVariable(
        source,
        { path: ['watch', 'privateSubmission', chain, 'rpcUrlEnv'], variable: endpoint.rpcUrlEnv!, holds: `the private submission URL of chain ${chain}`, schemes: 'http, https, ws or wss', shapeProblem: rpcUrlShapeProblem },
        context.env,
      )
  }

  const firstIndex = new Map<string, number>()
  const triggers = (parsed.triggers ?? []).map((trigger, index): ManifestTrigger => {
    const at = (...path: (string | number)[]) => (problem: string): never => fail(['triggers', index, ...path], problem)
    const earlier = firstIndex.get(trigger.name)
    if (earlier !== undefined) at('name')(`expected a unique trigger name, got ${describeValue(trigger.name)} again (also watch.triggers[${earlier}].name)`)
    firstIndex.set(trigger.name, index)
    const known = (name: string, key: string) => knownContract(name, context.contracts, at(kindOf(trigger), key))

    if (trigger.invariant) {
      const { invariant } = trigger
      const contract = known(invariant.contract, 'contract')
      const view = watchedView(contract, { contract: contract.name, function: invariant.function, args: invariant.args ?? [] }, context.abiOf(contract), (path, problem) => at('invariant', ...path)(problem))
      return {
        kind: 'invariant',
        name: trigger.name,
        view,
        ...(invariant.maxDropPercent === undefined ? {} : { maxDropPercent: invariant.maxDropPercent }),
        ...(invariant.atLeast === undefined ? {} : { atLeast: BigInt(invariant.atLeast) }),
        ...(invariant.atMost === undefined ? {} : { atMost: BigInt(invariant.atMost) }),
      }
    }
    if (trigger.event) {
      const contract = known(trigger.event.contract, 'contract')
      checkEvent(contract, trigger.event.event, context.abiOf(contract), at('event', 'event'))
      return { kind: 'event', name: trigger.name, contract: contract.name, event: trigger.event.event }
    }
    const outflow = trigger.outflow!
    const token = known(outflow.token, 'token')
    const from = known(outflow.from, 'from')
    if (token.chain !== from.chain) at('outflow', 'token')(`expected a token on chain ${from.chain} (where ${from.name} is), got ${describeValue(token.name)}, on chain ${token.chain}`)
    return { kind: 'outflow', name: trigger.name, token: token.name, from: from.name, max: BigInt(outflow.max), windowBlocks: outflow.windowBlocks }
  })

  return {
    playbook,
    automatic: [...new Set(parsed.automatic)],
    webhooks,
    triggers,
    pauseWindowWarningSeconds: parsed.pauseWindowWarningSeconds ?? DEFAULT_PAUSE_WINDOW_WARNING_SECONDS,
    pending: parsed.pending ?? true,
    privateRpcUrls,
    privateFallbackMs: parsed.privateFallbackMs ?? DEFAULT_PRIVATE_FALLBACK_MS,
  }
}

export type UrlVariable = {
  /** Where the variable is named in the manifest: `['chains', 'mainnet', 'rpcUrlEnv']`. */
  path: ManifestPath
  variable: string
  /** What the URL is, after "to hold": `the RPC URL of chain mainnet`. */
  holds: string
  /** The schemes accepted, as the error lists them: `http or https`. */
  schemes: string
  shapeProblem: (url: string) => string | undefined
}

/**
 * A URL from the environment. It is never printed: RPC URLs from providers embed the account's
 * API key, and a webhook's URL is the token that lets anyone post to the team's channel.
 */
export function readUrlVariable(source: ManifestLocator, url: UrlVariable, env: Readonly<Record<string, string | undefined>>): string {
  const value = env[url.variable]
  const expectation = `expected environment variable ${url.variable} to hold ${url.holds}`
  if (value === undefined) throw manifestErrorAt(source, url.path, `${expectation}, but it is not set`)
  if (value.trim() === '') throw manifestErrorAt(source, url.path, `${expectation}, but it is empty`)
  // Unlike a literal URL, this one may carry a key (that is why it lives in the environment).
  const shapeProblem = url.shapeProblem(value.trim())
  if (shapeProblem) throw manifestErrorAt(source, url.path, `${expectation} (${url.schemes}), but its value ${shapeProblem}`)
  return value.trim()
}

/**
 * An authority the watcher may act through alone: it must be able to act the moment a trigger
 * fires, and a Safe's pre-signed transaction still needs an eoa the watcher may send it from.
 */
function checkAutomatic(name: string, automatic: readonly string[], authorities: readonly ManifestAuthority[], fail: (problem: string) => never): void {
  const authority = authorities.find((candidate) => candidate.name === name)
  if (!authority) {
    const eligible = authorities.filter((candidate) => candidate.type !== 'timelock').map((candidate) => candidate.name)
    fail(`expected an eoa or safe authority (${eligible.join(', ') || 'none listed'}), got ${describeValue(name)}${didYouMean(name, eligible)}`)
  } else if (authority.type === 'timelock') {
    fail(`expected an eoa or a safe, got ${describeValue(name)}, a timelock: a timelock delays every call, so it cannot act the moment a trigger fires`)
  } else if (authority.type === 'safe') {
    const index = authorities.indexOf(authority)
    if (authority.submitter === undefined) {
      fail(`expected a safe with a submitter (the eoa that sends its signed transaction), got ${describeValue(name)}, which has none: name one in authorities[${index}].submitter and list it in watch.automatic too`)
    }
    if (!automatic.includes(authority.submitter!)) {
      fail(`expected the submitter of ${describeValue(name)}, ${describeValue(authority.submitter)}, in watch.automatic too: the watcher sends the Safe's signed transaction from it`)
    }
  }
}

function kindOf(trigger: { invariant?: unknown; event?: unknown }): string {
  return trigger.invariant ? 'invariant' : trigger.event ? 'event' : 'outflow'
}

function knownContract(name: string, contracts: readonly ManifestContract[], fail: (problem: string) => never): ManifestContract {
  const found = contracts.find((contract) => contract.name === name)
  if (found) return found
  const names = contracts.map((contract) => contract.name)
  return fail(`expected one of ${names.join(', ')}, got ${describeValue(name)}${didYouMean(name, names)}`)
}

/**
 * The view as written, once the function is known (by signature, or by name in the ABI) and its
 * arguments fit it: a watcher that cannot read its view would sit armed and blind.
 */
function watchedView(contract: ManifestContract, view: ManifestWatchedView, abi: Abi | undefined, fail: (path: (string | number)[], problem: string) => never): ManifestWatchedView {
  // A broken ABI file is named next, at contracts[i].abi; judging the name against nothing would blame this line instead.
  if (abi === undefined && contract.abiFile !== undefined && !view.function.includes('(')) return view
  const fn =
    manifestFunction(abi ?? [], view.function) ??
    fail(['function'], view.function.includes('(') ? `expected a function signature, e.g. totalAssets(), got ${describeValue(view.function)}` : unknownMember('function', contract, view.function, abi))
  manifestArguments(fn, view.args, (path, problem) => fail(['args', ...path], problem))
  // A signature gives no outputs; the ABI does, and a drop or a bound only means something on one integer.
  if (fn.outputs.length > 0 && (fn.outputs.length !== 1 || !/^u?int\d*$/.test(fn.outputs[0]!.type))) {
    fail(['function'], `expected a view returning one integer, got ${fn.name}, which returns (${fn.outputs.map((output) => output.type).join(',')})`)
  }
  return view
}

/** An event by full signature, or by name in the contract's ABI, as functions are found. */
function checkEvent(contract: ManifestContract, event: string, abi: Abi | undefined, fail: (problem: string) => never): void {
  if (event.includes('(')) {
    try {
      parseAbiItem(`event ${event}`)
      return
    } catch {
      fail(`expected an event signature, e.g. Withdraw(address,uint256), got ${describeValue(event)}`)
    }
  }
  if (abi === undefined && contract.abiFile !== undefined) return
  const found = (abi ?? []).some((item): item is AbiEvent => item.type === 'event' && item.name === event)
  if (!found) fail(unknownMember('event', contract, event, abi))
}

/** `expected an event of vault, got "Withdrawn" (did you mean "Withdraw"?)`, or how to do without an ABI. */
function unknownMember(kind: 'function' | 'event', contract: ManifestContract, name: string, abi: Abi | undefined): string {
  const what = `expected ${kind === 'event' ? 'an event' : 'a function'} of ${contract.name}, got ${describeValue(name)}`
  if (abi === undefined) return `${what}: without an ABI in the manifest, give its full signature, e.g. ${name}(${kind === 'event' ? 'address,uint256' : ''})`
  const names = abi.flatMap((item) => (item.type === kind ? [(item as AbiFunction | AbiEvent).name] : []))
  return `${what}${didYouMean(name, names)}`
}
