import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { FirebreakError } from '../errors.js'
import type { JournalEntry } from '../journal/hashChain.js'
import type { IncidentJournal } from '../journal/incidentJournal.js'
import { Journal } from '../journal/journal.js'
import { packageRoot } from '../packageRoot.js'
import { buildReport } from '../report/buildReport.js'
import { REPORT_STYLE, renderBlock } from '../report/renderHtml.js'
import { type AccessToken, findAccessToken, makeAccessTokens } from './accessTokens.js'
import { type IncidentView, type TimelineRow, buildIncidentView, timelineRow } from './incidentView.js'
import { type JournalReader, fileJournalReader } from './journalReader.js'
import { incidentFilesFingerprint, readStoredSafeTransactions, readStoredSigners } from './readIncidentFiles.js'
import { storeSignatureUpload } from './storeSignatureUpload.js'

export type ServeIncidentParameters = {
  /** The incident folder. */
  dir: string
  port?: number
  /** 127.0.0.1 unless the war room chooses to expose it. */
  host?: string
  /** Named approvers, each given a token of their own. */
  approvers?: readonly string[]
  /** Where entries come from; the incident folder's journal.jsonl by default. */
  reader?: JournalReader
  /**
   * The journal uploads and approvals are appended to, opened for each: the folder's journal.jsonl
   * by default (opened afresh, so it chains to whatever another process appended meanwhile).
   */
  openJournal?: () => IncidentJournal
  /** How often the journal and the incident's files are looked at. */
  pollMilliseconds?: number
}

export type WarRoomServer = { url: string; tokens: readonly AccessToken[]; close(): Promise<void> }

/** What the page receives on its event stream: new timeline rows, the whole view, the report's charts. */
export type WarRoomUpdate = { timeline: TimelineRow[]; view: IncidentView; charts: string }

const PAGE_FILE = join(packageRoot, 'static', 'warRoom.html')
const MAX_UPLOAD_BYTES = 64 * 1024

/**
 * The war-room page of one incident over plain node:http: every request carries a token, entries
 * are pushed to open pages as they are journaled (server-sent events), signers upload owners'
 * signature files, named approvers give approvals. It serves only what the journal and the Safe
 * transaction files hold: no RPC URL, no environment, nothing else of the machine.
 */
export async function serveIncident(parameters: ServeIncidentParameters): Promise<WarRoomServer> {
  const { dir, host = '127.0.0.1', port = 0, pollMilliseconds = 300 } = parameters
  const reader = parameters.reader ?? fileJournalReader(dir)
  const openJournal = parameters.openJournal ?? (() => Journal.open(dir))
  const tokens = makeAccessTokens(parameters.approvers)
  const entries: JournalEntry[] = []
  let fingerprint = ''
  let latest: { view: IncidentView; charts: string } | undefined
  const streams = new Set<ServerResponse>()

  const refresh = async (): Promise<void> => {
    const fresh = await reader(entries.at(-1)?.seq ?? -1)
    const files = incidentFilesFingerprint(dir)
    if (fresh.length === 0 && files === fingerprint && latest) return
    entries.push(...fresh)
    fingerprint = files
    const view = buildIncidentView({ entries, safeTransactions: readStoredSafeTransactions(dir, entries), storedSigners: readStoredSigners(dir) })
    const charts = fresh.length > 0 || !latest ? chartsHtml(entries) : latest.charts
    latest = { view, charts }
    const update: WarRoomUpdate = { timeline: fresh.map(timelineRow), view, charts }
    for (const stream of streams) stream.write(`event: update\ndata: ${JSON.stringify(update)}\n\n`)
  }
  let refreshing: Promise<void> = refresh()
  await refreshing
  const poll = setInterval(() => {
    refreshing = refreshing.then(refresh).catch(() => undefined)
  }, pollMilliseconds)
  const refreshNow = () => (refreshing = refreshing.then(refresh).catch(() => undefined))

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) sendJson(response, 500, { error: error instanceof Error ? error.message.split('\n')[0] : 'internal error' })
      else response.end()
    })
  })

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://firebreak.invalid')
    const bearer = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1]
    // The token on the page's URL opens the page only; the page keeps it in memory and sends it as a header.
    const presented = url.pathname === '/' ? (bearer ?? url.searchParams.get('token') ?? undefined) : bearer
    const access = findAccessToken(tokens, presented)
    if (!access) {
      if (url.pathname === '/') return sendHtml(response, 401, UNAUTHORISED_PAGE)
      return sendJson(response, 401, { error: 'a valid token is needed' })
    }
    if (request.method === 'GET' && url.pathname === '/') return sendPage(response)
    if (request.method === 'GET' && url.pathname === '/api/events') {
      response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' })
      response.write(`event: hello\ndata: ${JSON.stringify({ role: access.role, name: access.name })}\n\n`)
      if (latest) response.write(`event: update\ndata: ${JSON.stringify({ timeline: entries.map(timelineRow), ...latest } satisfies WarRoomUpdate)}\n\n`)
      streams.add(response)
      request.on('close', () => streams.delete(response))
      return
    }
    if (request.method === 'POST' && url.pathname === '/api/signatures') {
      if (access.role !== 'signer') return sendJson(response, 403, { error: 'uploading signatures needs the signer token' })
      const text = await readBody(request)
      try {
        const stored = await storeSignatureUpload({ dir, text, by: access.name, journal: openJournal() })
        refreshNow()
        return sendJson(response, 200, { owner: stored.owner, safeTxHash: stored.safeTxHash })
      } catch (error) {
        if (error instanceof FirebreakError) return sendJson(response, 400, { error: error.shortMessage })
        throw error
      }
    }
    if (request.method === 'POST' && url.pathname === '/api/approvals') {
      if (access.role !== 'approver') return sendJson(response, 403, { error: 'approving needs an approver token (firebreak serve --approver NAME)' })
      const body = parseApproval(await readBody(request))
      if (typeof body === 'string') return sendJson(response, 400, { error: body })
      openJournal().append('serve.approved', { ...body, by: access.name })
      refreshNow()
      return sendJson(response, 200, { approval: body.approval, subject: body.subject, by: access.name })
    }
    return sendJson(response, 404, { error: 'not found' })
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => resolve())
  })
  const address = server.address() as AddressInfo
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address
  return {
    url: `http://${shownHost}:${address.port}/`,
    tokens,
    close: () => closeServer(server, streams, poll),
  }
}

function chartsHtml(entries: readonly JournalEntry[]): string {
  try {
    return buildReport(entries)
      .blocks.filter((block) => block.kind === 'chart')
      .map(renderBlock)
      .join('\n')
  } catch {
    return ''
  }
}

function parseApproval(text: string): { approval: 'restore' | 'reimbursement'; subject: string; note?: string } | string {
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    return 'an approval is a JSON object {approval, subject, note}'
  }
  const { approval, subject, note } = (body ?? {}) as Record<string, unknown>
  if (approval !== 'restore' && approval !== 'reimbursement') return 'approval is "restore" or "reimbursement"'
  if (typeof subject !== 'string' || subject.trim() === '' || subject.length > 200) return 'subject names what is approved: a restore stage or a reimbursement plan'
  if (note !== undefined && (typeof note !== 'string' || note.length > 1000)) return 'note is a short text'
  return { approval, subject: subject.trim(), ...(typeof note === 'string' && note.trim() !== '' ? { note: note.trim() } : {}) }
}

function sendPage(response: ServerResponse): void {
  const nonce = randomBytes(16).toString('base64')
  const page = readFileSync(PAGE_FILE, 'utf8').replaceAll('__NONCE__', nonce).replace('/*__REPORT_STYLE__*/', REPORT_STYLE)
  response.writeHead(200, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'referrer-policy': 'no-referrer',
    'x-content-type-options': 'nosniff',
    'content-security-policy': `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'unsafe-inline'; connect-src 'self'; img-src data:; form-action 'none'; frame-ancestors 'none'; base-uri 'none'`,
  })
  response.end(page)
}

function sendHtml(response: ServerResponse, status: number, html: string): void {
  response.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'content-security-policy': "default-src 'none'" })
  response.end(html)
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' })
  response.end(JSON.stringify(body))
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    request.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > MAX_UPLOAD_BYTES) {
        reject(new FirebreakError(`the upload is larger than ${MAX_UPLOAD_BYTES} bytes: a signature file is a few hundred`))
        request.destroy()
        return
      }
      chunks.push(chunk)
    })
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    request.on('error', reject)
  })
}

async function closeServer(server: Server, streams: Set<ServerResponse>, poll: NodeJS.Timeout): Promise<void> {
  clearInterval(poll)
  for (const stream of streams) stream.end()
  streams.clear()
  const closed = new Promise<void>((resolve) => server.close(() => resolve()))
  server.closeAllConnections()
  await closed
}

const UNAUTHORISED_PAGE = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>firebreak war room</title></head>
<body><h1>Token needed</h1><p>This page needs the token that <code>firebreak serve</code> printed: open the URL it printed, with its <code>?token=</code>.</p></body></html>
`
