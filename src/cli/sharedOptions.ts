import { Option } from 'commander'
import { DEFAULT_MANIFEST_FILE } from '../manifest/defaults.js'

/**
 * The options every command that acts on a protocol's chain takes, made in one place so that they
 * read and behave the same in every command.
 */
export const manifestOption = () => new Option('--manifest <file>', "the protocol's manifest").default(DEFAULT_MANIFEST_FILE)

export const chainOption = () => new Option('--chain <name>', "which of the manifest's chains (needed when it names several)")

export const rpcUrlOption = () => new Option('--rpc-url <url>', "use this node instead of the chain's RPC URL").env('FIREBREAK_RPC_URL')

export const signatureOption = () => new Option('--signature <file...>', "a Safe owner's signature file (firebreak safe sign); one per signer")

export const incidentsOption = () => new Option('--incidents <dir>', 'folder that holds incident folders').default('.firebreak/incidents')
