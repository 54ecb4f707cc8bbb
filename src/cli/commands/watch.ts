import type { Command } from 'commander'
import { Option } from 'commander'
import { EXIT } from '../output.js'
import { parseCount, parseFolder } from '../parse.js'
import { chainOption, incidentsOption, manifestOption, rpcUrlOption, signatureOption } from '../sharedOptions.js'

type WatchOptions = {
  manifest: string
  chain?: string
  rpcUrl?: string
  signature?: string[]
  incidents: string
  watchDir: string
  confirm?: boolean
  pollMs?: number
}

const watchDirOption = () => new Option('--watch-dir <dir>', "the watcher's own folder: its journal, and the Safe transactions it needs signed").default('.firebreak/watch').argParser(parseFolder)

/** How long a watcher asked to stop may take to finish what it is doing before it is cut short. */
const STOP_GRACE_MS = 10_000

export function registerWatch(program: Command) {
  program
    .command('watch')
    .description("keep the manifest's watch playbook armed, alert on every change to the emergency path, and pull it automatically when a trigger fires (ahead of a pending attack)")
    .addOption(manifestOption())
    .addOption(chainOption())
    .addOption(rpcUrlOption())
    .addOption(signatureOption())
    .addOption(incidentsOption())
    .addOption(watchDirOption())
    .addOption(new Option('--confirm', 'ask a person before each automatic broadcast'))
    .addOption(new Option('--poll-ms <ms>', 'how often the node is asked for new blocks and pending transactions').argParser(parseCount))
    .action(async (options: WatchOptions) => {
      const [{ loadManifest }, { startWatcher }, { requireWatch }, { askOnTerminal }] = await Promise.all([
        import('../../manifest/index.js'),
        import('../../watch/watcher.js'),
        import('../../watch/requireWatch.js'),
        import('../confirmOnTerminal.js'),
      ])
      const manifest = requireWatch(loadManifest(options.manifest))
      const print = (line: string) => void process.stdout.write(`${new Date().toISOString()} ${line}\n`)
      const stop = stopOnSignal()
      const starting = startWatcher({
        manifest,
        chain: options.chain,
        rpcUrl: options.rpcUrl || undefined,
        signatureFiles: options.signature,
        incidentsRoot: options.incidents,
        watchRoot: options.watchDir,
        print,
        ...(options.pollMs ? { pollMs: options.pollMs } : {}),
        ...(options.confirm ? { confirm: (fired) => askOnTerminal(`${fired.trigger.name}: ${fired.detail}. Broadcast the armed plan now? [y/N] `) } : {}),
      })
      const first = await Promise.race([starting.then((watcher) => ({ watcher })), stop.requested.then((signal) => ({ signal }))])
      if ('signal' in first) {
        // Stopped while arming: the chain layer stops the forks, which fails the arming; that is the stop asked for, not an error.
        const watcher = await starting.catch(() => undefined)
        await watcher?.stop(first.signal)
        print(`stopped while arming (${first.signal})`)
        process.exitCode = EXIT.ok
        return
      }
      const { watcher } = first
      print(`watching ${watcher.journal.dir}; Ctrl-C stops`)
      const signal = await stop.requested
      const cutShort = setTimeout(() => process.exit(EXIT.failed), STOP_GRACE_MS)
      cutShort.unref()
      await watcher.stop(signal)
      print(`stopped (${signal})`)
      process.exitCode = EXIT.ok
    })
}

/**
 * Ctrl-C or `kill` asks the watcher to stop: it journals that it stopped, and the anvils it
 * started are stopped by the chain layer's own handler. A second signal is the same request.
 */
function stopOnSignal(): { requested: Promise<NodeJS.Signals> } {
  let resolve!: (signal: NodeJS.Signals) => void
  const requested = new Promise<NodeJS.Signals>((done) => (resolve = done))
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => resolve(signal))
  return { requested }
}

type ArmOptions = Pick<WatchOptions, 'manifest' | 'chain' | 'rpcUrl' | 'signature' | 'watchDir'> & { json?: boolean }

export function registerArm(program: Command) {
  program
    .command('arm')
    .description("build the watcher's plan now: simulate it, unlock its keys, and write the Safe transactions its owners must sign in advance (exit 0 ready, 5 signatures missing, 1 not ready)")
    .addOption(manifestOption())
    .addOption(chainOption())
    .addOption(rpcUrlOption())
    .addOption(signatureOption())
    .addOption(watchDirOption())
    .action(async (options: ArmOptions) => {
      const [{ loadManifest }, { armPlan }, { requireWatch }, { openWatchJournal, recordArmed }, { formatArmed, armedStatus }] = await Promise.all([
        import('../../manifest/index.js'),
        import('../../watch/armPlan.js'),
        import('../../watch/requireWatch.js'),
        import('../../watch/watchJournal.js'),
        import('../../watch/formatArmed.js'),
      ])
      const manifest = requireWatch(loadManifest(options.manifest))
      const { chainName, record } = openWatchJournal(manifest, options.chain, options.watchDir)
      const armed = await armPlan({ manifest, watch: manifest.watch, chain: chainName, rpcUrl: options.rpcUrl || undefined, journal: record.journal, outputDir: record.dir, signatureFiles: options.signature })
      recordArmed(record.journal, armed)
      process.stdout.write(formatArmed(armed))
      const status = armedStatus(armed)
      process.exitCode = status === 'ready' ? EXIT.ok : status === 'signatures' ? EXIT.signatures : EXIT.failed
    })
}
