import type { ManifestWebhook } from '../manifest/types.js'

/** A webhook that has not answered by then is reported as failed: the watcher does not wait on it. */
const TIMEOUT_MS = 5_000

/**
 * Posts a small JSON document: `text` is what Slack's incoming webhooks show, `content` what
 * Discord's do, and the rest is there for a team's own receiver. Returns why it failed, or
 * undefined; never throws, and never names the URL (it carries the webhook's secret).
 */
export async function postWebhook(webhook: ManifestWebhook, body: Record<string, unknown>): Promise<string | undefined> {
  const where = webhook.urlEnv ? `the webhook in ${webhook.urlEnv}` : `the webhook at ${new URL(webhook.url).host}`
  try {
    const response = await fetch(webhook.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    })
    // Drained so the connection is released rather than held until the server gives up.
    await response.arrayBuffer().catch(() => undefined)
    return response.ok ? undefined : `${where} answered HTTP ${response.status}`
  } catch (error) {
    const reason = (error as Error)?.name === 'TimeoutError' ? `no answer within ${TIMEOUT_MS / 1000} s` : 'could not be reached'
    return `${where}: ${reason}`
  }
}
