import { type Command, Option } from 'commander'
import { databaseUrlOption, incidentOption, incidentsOption } from '../sharedOptions.js'
import { parsePort } from '../parse.js'

export function registerServe(program: Command) {
  program
    .command('serve')
    .description("the incident's live war-room page: timeline, plans, Safe transactions to sign (with upload), losses, approvals; every request needs a printed token")
    .addOption(incidentOption('latest'))
    .addOption(incidentsOption())
    .addOption(databaseUrlOption())
    .addOption(new Option('--port <n>', 'port to listen on (default: any free one)').argParser(parsePort))
    .option('--host <address>', 'address to bind; anything but 127.0.0.1 exposes the page to the network', '127.0.0.1')
    .option('--approver <name...>', 'a named approver; each gets a token of their own to give restore approvals and reimbursement sign-offs')
    .action(async (options: { incident?: string; incidents: string; databaseUrl?: string; port?: number; host: string; approver?: string[] }) => {
      const [{ openServedIncident }, { serveIncident }] = await Promise.all([import('../../serve/openServedIncident.js'), import('../../serve/serveIncident.js')])
      const { dir, ...journal } = openServedIncident({ incident: options.incident, incidents: options.incidents, databaseUrl: options.databaseUrl })
      const server = await serveIncident({ dir, ...journal, host: options.host, ...(options.port !== undefined ? { port: options.port } : {}), ...(options.approver ? { approvers: options.approver } : {}) })
      const lines = [`war room for ${dir} at ${server.url}`]
      for (const token of server.tokens) {
        const label = token.role === 'approver' ? `approver ${token.name}` : token.role
        lines.push(`${label.padEnd(20)} ${server.url}?token=${token.token}`)
      }
      lines.push('Hand each link only to the people of its role: the signer link uploads signatures, approver links journal approvals. Ctrl-C stops.')
      process.stdout.write(`${lines.join('\n')}\n`)
      if (!['127.0.0.1', 'localhost', '::1'].includes(options.host)) process.stderr.write(`firebreak: the page listens on ${options.host}, not only this machine: anyone who can reach it and holds a link reads the incident; serve it behind TLS\n`)
      await new Promise<void>((resolve) => {
        const stop = () => {
          process.off('SIGINT', stop)
          process.off('SIGTERM', stop)
          void server.close().then(resolve)
        }
        process.on('SIGINT', stop)
        process.on('SIGTERM', stop)
      })
    })
}
