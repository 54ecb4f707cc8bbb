import type { JournalLike } from '../engine/journalLike.js'
import type { ManifestWebhook } from '../manifest/types.js'
import { postWebhook } from './webhook.js'

/** How much an alert matters: `critical` means the emergency path is broken right now. */
export type AlertSeverity = 'critical' | 'warning' | 'info'

/**
 * What changed under an armed plan: one line a war room acts on. `subject` names what it is about
 * (a key, a Safe, a contract), so that the same problem is raised once and its end said once.
 */
export type Alert = {
  code: AlertCode
  severity: AlertSeverity
  subject: string
  message: string
}

export type AlertCode =
  | 'holder-changed'
  | 'safe-changed'
  | 'presigned-stale'
  | 'signatures-missing'
  | 'delay-changed'
  | 'pause-window'
  | 'key-unfunded'
  | 'key-missing'
  | 'key-used'
  | 'plan-fails'
  | 'not-automatic'
  | 'node-failed'
  | 'resolved'
  /** Not a drift: a trigger fired, and what the automatic response did. Posted like alerts, so the war room hears of it at once. */
  | 'triggered'
  | 'responded'

export type AlertSinkParameters = {
  journal: JournalLike
  webhooks: readonly ManifestWebhook[]
  /** Where the one-line form goes: stdout in the CLI. */
  print: (line: string) => void
  /** Told when a webhook could not be reached: the alert itself is journaled and printed regardless. */
  onWebhookFailed?: (webhook: ManifestWebhook, reason: string) => void
}

export type AlertSink = {
  raise(alert: Alert): Promise<void>
  /** Every webhook post still on its way: awaited before the watcher exits. */
  settle(): Promise<void>
}

/** One line: `ALERT critical key-unfunded guardian: …`. */
export function formatAlert(alert: Alert): string {
  switch (alert.code) {
    case 'resolved':
      return `RESOLVED ${alert.subject}: ${alert.message}`
    case 'triggered':
      return `TRIGGER ${alert.subject}: ${alert.message}`
    case 'responded':
      return `RESPONSE ${alert.subject}: ${alert.message}`
    default:
      return `ALERT ${alert.severity} ${alert.code} ${alert.subject}: ${alert.message}`
  }
}

/**
 * Each alert is printed, journaled (`watch.alert`) and posted to every webhook at once. A webhook
 * that is down never holds the watcher back nor loses the alert: the journal has it first.
 */
export function alertSink({ journal, webhooks, print, onWebhookFailed }: AlertSinkParameters): AlertSink {
  const posts = new Set<Promise<void>>()
  return {
    async raise(alert) {
      const line = formatAlert(alert)
      journal.append('watch.alert', alert)
      print(line)
      for (const webhook of webhooks) {
        const post = postWebhook(webhook, { text: `firebreak: ${line}`, content: `firebreak: ${line}`, alert })
          .then((failure) => {
            if (failure) onWebhookFailed?.(webhook, failure)
          })
          .finally(() => posts.delete(post))
        posts.add(post)
      }
    },
    async settle() {
      await Promise.all([...posts])
    },
  }
}
