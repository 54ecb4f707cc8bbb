import { Option } from 'commander'
import { DEFAULT_MANIFEST_FILE } from '../manifest/defaults.js'
import { each, parseAddress, parseBlock, parseCount, parseFolder, parseHash, parseRpcUrl } from './parse.js'

/**
 * The options more than one command takes, made in one place so that they read, parse and fail the
 * same in every command. Only the description may differ, where a command means something more
 * precise by the same flag.
 */
export const manifestOption = () => new Option('--manifest <file>', "the protocol's manifest").default(DEFAULT_MANIFEST_FILE)

export const chainOption = () => new Option('--chain <name>', "which of the manifest's chains (needed when it names several)")

export const rpcUrlOption = () => new Option('--rpc-url <url>', "use this node instead of the chain's RPC URL").env('FIREBREAK_RPC_URL').argParser(parseRpcUrl)

export const signatureOption = () => new Option('--signature <file...>', "a Safe owner's signature file (firebreak safe sign); one per signer")

export const incidentsOption = () => new Option('--incidents <dir>', 'folder that holds incident folders').default('.firebreak/incidents').argParser(parseFolder)

/** `opens`: a command that starts an incident when there is none (every command that acts does). */
export const incidentOption = (opens: 'latest' | 'latest-or-new' = 'latest-or-new') =>
  new Option('--incident <id>', `the incident to record in (default: the latest one under --incidents${opens === 'latest-or-new' ? ', or a new one' : ''})`)

export const jsonOption = (description = 'print the outcome as one JSON object') => new Option('--json', description)

export const dryRunOption = (description = 'build, show and simulate the plan on a fork; send nothing') => new Option('--dry-run', description)

export const cacheOption = () => new Option('--cache <dir>', 'artifact cache folder').default('.firebreak/cache/solc')

export const blockOption = (description = 'the block to snapshot at (default: the latest)', flag = '--block') => new Option(`${flag} <number>`, description).argParser(parseBlock)

export const fromBlockOption = (description = "where the contract's history starts (its deployment block; default 0)") =>
  new Option('--from-block <number>', description).argParser(parseBlock)

export const batchSizeOption = (description: string, valueName = 'n') => new Option(`--batch-size <${valueName}>`, description).argParser(parseCount)

export const addressOption = (flags: string, description: string) => new Option(flags, description).argParser(parseAddress)

/** An option that takes several addresses (variadic or repeated). */
export const addressesOption = (flags: string, description: string) => new Option(flags, description).argParser(each(parseAddress))

export const hashesOption = (flags: string, description: string) => new Option(flags, description).argParser(each(parseHash))

/**
 * The shared incident journal's PostgreSQL. Not parsed here: commander would print the value in its
 * error, and the URL may carry a password; the journal names only its host when it fails.
 */
export const databaseUrlOption = () =>
  new Option('--database-url <url>', 'record in the shared incident journal in this PostgreSQL (postgresql://user@host/db) instead of the incident folder').env('FIREBREAK_DATABASE_URL')
