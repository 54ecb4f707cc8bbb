import type { Hash, LocalAccount, Transaction } from 'viem'
import { connect } from '../chain/clients.js'
import { watchPendingTransactions } from '../chain/pendingTransactions.js'
import { simulateAfter } from '../chain/simulateAfter.js'
import { lastOf } from '../journal/entries.js'
import type { Incident } from '../journal/incident.js'
import { openWatchJournal, recordArmed } from './watchJournal.js'
import { errorMessage } from '../errors.js'
import type { Manifest, ManifestWatch } from '../manifest/types.js'
import { type Alert, type AlertSink, alertSink } from './alerts.js'
import { type ArmedPlan, armPlan } from './armPlan.js'
import { type Dependencies, type Reading, accessAlert, changedValues, dependenciesOf, problemsOf, readReadiness } from './readiness.js'
import { type ResponseOutcome, type SignedArmed, respond } from './respond.js'
import { armedFees, signArmed } from './signArmed.js'
import { simulateArmed } from './simulateArmed.js'
import { type Fired, type TriggerMemory, type WatchedTrigger, checkBlock, emptyMemory, invariantBreach, invariantReads, watchedTriggers } from './triggers.js'

export type StartWatcherParameters = {
  manifest: Manifest
  chain?: string
  rpcUrl?: string
  accounts?: readonly LocalAccount[]
  signatureFiles?: readonly string[]
  /** Where response incidents are opened (the incidents folder). */
  incidentsRoot?: string
  /** Where the watcher keeps its own journal and the Safe transactions it needs signed. */
  watchRoot?: string
  /** One line per event: alerts, arming, triggers, responses. */
  print?: (line: string) => void
  /** A person's approval before each automatic broadcast (`--confirm`). */
  confirm?: (fired: Fired) => Promise<boolean>
  /** How often the node is asked for a new block and for pending transactions. */
  pollMs?: number
  /** Told of every response as it completes: tests, the drill and the benchmark follow it. */
  onResponse?: (outcome: ResponseOutcome) => void
  /** Told as soon as a response's transactions are broadcast. */
  onBroadcast?: (hashes: Hash[], decisionToBroadcastMs: number) => void
}

export type Watcher = {
  /** The watcher's own journal (folder and entries). */
  journal: Incident
  /** The plan kept armed now. */
  armed(): ArmedPlan
  /** Fires the armed plan as a trigger would: the benchmark's and a person's way in. */
  fire(fired: Fired): Promise<ResponseOutcome | undefined>
  /** Every response so far. */
  responses: ResponseOutcome[]
  stop(reason?: string): Promise<void>
}

/**
 * `firebreak watch`: arms the watch playbook, then on every block reads what it depends on,
 * raises an alert for each change (and says when a problem is gone), re-simulates only when
 * something changed, keeps its transactions signed for the next block, and checks the triggers;
 * pending transactions are simulated on top of the current state and the invariants read after
 * each. When a trigger fires, the armed transactions go out at once (ahead of a pending attack,
 * by their tip), recorded in a new incident.
 */
export async function startWatcher(parameters: StartWatcherParameters): Promise<Watcher> {
  const { manifest } = parameters
  const watch: ManifestWatch = manifest.watch ?? defaultWatch()
  const print = parameters.print ?? (() => {})
  const pollMs = parameters.pollMs ?? 200
  const { chainName, record: own } = openWatchJournal(manifest, parameters.chain, parameters.watchRoot)
  const journal = own.journal
  const alerts = alertSink({ journal, webhooks: watch.webhooks, print, onWebhookFailed: (_, reason) => print(`webhook failed: ${reason}`) })
  const triggers = watchedTriggers(manifest, watch.triggers)
  const memory: TriggerMemory = emptyMemory()
  const previousRun = lastOf(journal, 'watch.readiness')
  journal.append('watch.started', { chain: chainName, playbook: watch.playbook, automatic: watch.automatic, triggers: watch.triggers.map((trigger) => trigger.name), pending: watch.pending })

  const arm = async (): Promise<{ armed: ArmedPlan; dependencies: Dependencies }> => {
    const armed = await armPlan({ manifest, watch, chain: chainName, rpcUrl: parameters.rpcUrl, journal, outputDir: own.dir, signatureFiles: parameters.signatureFiles, accounts: parameters.accounts })
    const dependencies = await dependenciesOf(armed)
    recordArmed(journal, armed)
    print(`armed ${armed.plan.id} at block ${armed.blockNumber}: ${armed.transactions.length} transaction(s) ready${armed.planned.exposed.length > 0 ? `, ${armed.planned.exposed.length} target(s) not automatically containable` : ''}`)
    return { armed, dependencies }
  }

  let { armed, dependencies } = await arm()
  const chain = armed.chain
  // Connected now, not when the attack comes: a broadcast must not wait for a handshake.
  const privateRpcUrl = watch.privateRpcUrls[chainName]
  const privateNode = privateRpcUrl ? await connect(privateRpcUrl) : undefined
  const problems = new Map<string, Alert>()
  const raiseProblems = async (current: Map<string, Alert>) => {
    // Raised once while it lasts (its figures move every block), again only when it gets worse (a pause window that closed).
    for (const [key, alert] of current) if (problems.get(key)?.severity !== alert.severity) await alerts.raise(alert)
    for (const [key, alert] of problems) if (!current.has(key)) await alerts.raise({ code: 'resolved', severity: 'info', subject: alert.subject, message: `${alert.code} no longer holds` })
    problems.clear()
    for (const [key, alert] of current) problems.set(key, alert)
  }
  const armingProblems = () => new Map<string, Alert>([...armed.unarmed.map((alert) => [`${alert.code}:${alert.subject}`, alert] as [string, Alert]), ...armed.planned.exposed.map((exposed) => [`not-automatic:${exposed.contract}`, { code: 'not-automatic', severity: 'critical', subject: exposed.contract, message: exposed.reason } satisfies Alert] as [string, Alert])])

  let head = await chain.public.getBlock({ blockTag: 'latest' })
  let reading = await readReadiness(chain, dependencies, { number: head.number, timestamp: head.timestamp, baseFeePerGas: head.baseFeePerGas ?? null }, previousRun ? BigInt(previousRun.data.blockNumber) : head.number)
  // A restarted watcher first says what changed while it was not watching.
  if (previousRun) for (const alert of [...changedValues(previousRun.data.values, reading.values, dependencies), ...reading.events.map((event) => accessAlert(event, dependencies))]) await alerts.raise(alert)
  journal.append('watch.readiness', { blockNumber: reading.blockNumber, values: reading.values })
  await raiseProblems(new Map([...armingProblems(), ...problemsOf(reading, armed, dependencies, watch, armedFees(reading.nextBaseFee))]))
  for (const trigger of triggers) if (trigger.kind === 'invariant') memory.values.set(trigger.trigger.name, await readInvariant(trigger, head.number))
  let signed = await signFor(armed, reading)

  const responses: ResponseOutcome[] = []
  /** Per `nonce:<sender>`, the count the watcher's broadcasts take it to. */
  const sentNonces = new Map<string, number>()
  let firing: Promise<ResponseOutcome | undefined> | undefined
  let stopped = false

  async function signFor(plan: ArmedPlan, at: Reading, attack?: Transaction): Promise<SignedArmed[]> {
    const nonces = new Map(Object.entries(at.values).filter(([key]) => key.startsWith('nonce:')).map(([key, value]) => [key.slice('nonce:'.length).toLowerCase(), Number(value)]))
    return signArmed(chain.chain.id, plan.transactions, nonces, armedFees(at.nextBaseFee, attack))
  }

  async function readInvariant(trigger: Extract<WatchedTrigger, { kind: 'invariant' }>, blockNumber: bigint): Promise<bigint> {
    return BigInt((await chain.public.readContract({ address: trigger.address, abi: [trigger.fn], functionName: trigger.fn.name, args: trigger.args, blockNumber })) as bigint)
  }

  const fire = (fired: Fired): Promise<ResponseOutcome | undefined> => {
    // One response per armed plan: a second trigger (or the same attack seen by both loops) joins it.
    if (firing) return firing
    const decidedAt = performance.now()
    firing = (async () => {
      const what = `${fired.detail}${fired.pending ? ` (pending ${fired.pending.hash})` : ''}`
      if (armed.transactions.length === 0) {
        await alerts.raise({ code: 'triggered', severity: 'critical', subject: fired.trigger.name, message: `${what}; nothing is armed to send: contain by hand` })
        return undefined
      }
      const toSend = fired.pending ? await signFor(armed, reading, fired.pending) : signed
      const outcome = await respond({
        armed,
        signed: toSend,
        fired,
        decidedAt,
        route: { public: chain, ...(privateNode ? { private: privateNode } : {}), fallbackMs: watch.privateFallbackMs },
        incidentsRoot: parameters.incidentsRoot,
        watcherDir: own.dir,
        confirm: parameters.confirm,
        onBroadcast: (hashes, ms) => {
          parameters.onBroadcast?.(hashes, ms)
          for (const each of toSend) {
            const key = `nonce:${each.armed.from}`.toLowerCase()
            sentNonces.set(key, Math.max(sentNonces.get(key) ?? 0, each.transaction.nonce + 1))
          }
          // Said once the pause is on its way: nothing the war room hears of should delay it.
          void alerts.raise({ code: 'triggered', severity: 'critical', subject: fired.trigger.name, message: what })
          print(`BROADCAST ${hashes.join(', ')} ${ms.toFixed(1)} ms after the trigger`)
        },
      })
      responses.push(outcome)
      const placed = outcome.ahead === undefined ? '' : outcome.ahead ? ', mined ahead of the attack' : ', NOT mined ahead of the attack'
      await alerts.raise({ code: 'responded', severity: outcome.status === 'contained' ? 'info' : 'critical', subject: fired.trigger.name, message: `${outcome.status}${placed}: incident ${outcome.incident.id} (${outcome.incident.dir})` })
      parameters.onResponse?.(outcome)
      // What is paused now is the new normal: arm again for whatever is left.
      ;({ armed, dependencies } = await arm())
      return outcome
    })()
      .catch(async (error: unknown) => {
        // A response that failed is the war room's to finish by hand: say so everywhere, at once.
        await alerts.raise({ code: 'responded', severity: 'critical', subject: fired.trigger.name, message: `the automatic response FAILED: ${errorMessage(error).split('\n')[0]}; contain by hand (firebreak contain ${watch.playbook})` })
        return undefined
      })
      .finally(() => {
        firing = undefined
      })
    return firing
  }

  const onBlock = async (block: typeof head) => {
    // Every block since the last one read: a slow poll must not skip an event or an outflow.
    const since = reading.blockNumber
    const next = await readReadiness(chain, dependencies, { number: block.number, timestamp: block.timestamp, baseFeePerGas: block.baseFeePerGas ?? null }, since)
    // A nonce moved by the watcher's own broadcast (or a twin watcher's, at the same nonce) is no alert.
    const ownNonces = new Set(Object.keys(next.values).filter((key) => key.startsWith('nonce:') && Number(next.values[key]) <= (sentNonces.get(key.toLowerCase()) ?? -1)))
    const changes = [...changedValues(reading.values, next.values, dependencies, ownNonces), ...next.events.map((event) => accessAlert(event, dependencies))]
    for (const alert of changes) await alerts.raise(alert)
    const changed = changes.length > 0 || Object.keys(next.values).some((key) => next.values[key] !== reading.values[key])
    reading = next
    if (changed) {
      journal.append('watch.readiness', { blockNumber: next.blockNumber, values: next.values })
      const failure = armed.transactions.length > 0 ? await simulateArmed(armed).catch((error) => `the armed plan could not be simulated: ${errorMessage(error).split('\n')[0]}`) : undefined
      // A right moved: the route may now be another automatic authority's, or none.
      if (failure || next.events.length > 0) ({ armed, dependencies } = await arm())
      const stillFails = failure && armed.transactions.length > 0 ? await simulateArmed(armed).catch(() => failure) : undefined
      const planProblem: [string, Alert][] = stillFails ? [[`plan-fails:${armed.plan.id}`, { code: 'plan-fails', severity: 'critical', subject: armed.plan.id, message: stillFails }]] : []
      await raiseProblems(new Map([...armingProblems(), ...planProblem, ...problemsOf(next, armed, dependencies, watch, armedFees(next.nextBaseFee))]))
    } else {
      // Nothing moved: what arming found still holds, and a plan that failed to simulate still fails.
      await raiseProblems(new Map([...armingProblems(), ...[...problems].filter(([key]) => key.startsWith('plan-fails:')), ...problemsOf(next, armed, dependencies, watch, armedFees(next.nextBaseFee))]))
    }
    signed = await signFor(armed, reading)
    if (!firing) for (const fired of await checkBlock(chain, triggers, memory, block.number, since)) void fire(fired)
  }

  const onPending = async (transaction: Transaction) => {
    if (firing || dependencies.senders.some((sender) => sender.toLowerCase() === transaction.from.toLowerCase())) return
    const reads = invariantReads(triggers)
    if (reads.length === 0 || !transaction.to) return
    const after = await simulateAfter(chain, { transaction, reads })
    for (const [index, read] of reads.entries()) {
      const value = after.values[index]
      if (value === undefined) continue
      const trigger = triggers.find((each) => each.kind === 'invariant' && each.trigger.name === read.name) as Extract<WatchedTrigger, { kind: 'invariant' }>
      const breach = invariantBreach(trigger.trigger, memory.values.get(read.name), BigInt(value as bigint))
      if (breach) {
        void fire({ trigger: trigger.trigger, detail: `${breach} if pending transaction ${transaction.hash} is mined`, blockNumber: reading.blockNumber, pending: transaction })
        return
      }
    }
  }

  const pending = watch.pending ? watchPendingTransactions(chain, { pollMs: Math.min(pollMs, 50), onTransaction: (transaction) => void onPending(transaction).catch((error) => print(`pending ${transaction.hash} could not be simulated: ${errorMessage(error).split('\n')[0]}`)), onError: () => {} }) : undefined

  let nodeDown = false
  const loop = (async () => {
    while (!stopped) {
      try {
        const latest = await chain.public.getBlock({ blockTag: 'latest' })
        if (nodeDown) {
          nodeDown = false
          await alerts.raise({ code: 'resolved', severity: 'info', subject: 'node', message: 'the node answers again' })
        }
        // A new head, or the same height on another fork of the chain (a reorg, a reverted test chain).
        if (latest.hash !== head.hash) {
          head = latest
          await onBlock(latest)
        }
      } catch (error) {
        if (!nodeDown && !stopped) {
          nodeDown = true
          await alerts.raise({ code: 'node-failed', severity: 'critical', subject: 'node', message: `${errorMessage(error).split('\n')[0]}: the watcher cannot see the chain, nor act on it` })
        }
      }
      if (!stopped) await sleep(pollMs)
    }
  })()

  return {
    journal: own,
    armed: () => armed,
    fire,
    responses,
    async stop(reason = 'stopped') {
      if (stopped) return
      stopped = true
      await Promise.all([loop, pending?.stop(), firing?.catch(() => undefined)])
      await alerts.settle()
      journal.append('watch.stopped', { reason })
    },
  }
}

function defaultWatch(): ManifestWatch {
  return { playbook: 'pause-all', automatic: [], webhooks: [], triggers: [], pauseWindowWarningSeconds: 604_800, pending: true, privateRpcUrls: {}, privateFallbackMs: 3_000 }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
