/**
 * The environment a child process firebreak starts (anvil and its watchdog shell, forge) gets: what
 * it needs to run, never the operator's secrets. A war-room shell holds every signer's `*_KEY`,
 * keystore passwords and RPC URLs with API keys; a child that inherits them shows them to anyone
 * who can read /proc/<pid>/environ, and a crash report or `ps e` can carry them further.
 */
const needed = new Set([
  'PATH', 'HOME', 'USER', 'LOGNAME', 'SHELL', 'TMPDIR', 'TMP', 'TEMP', 'LANG', 'LC_ALL', 'LC_CTYPE', 'TZ', 'TERM', 'NO_COLOR',
  // A fork reaches its upstream through the operator's proxy and certificates.
  'HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY', 'http_proxy', 'https_proxy', 'no_proxy', 'SSL_CERT_FILE', 'SSL_CERT_DIR',
  'RUST_LOG', 'RUST_BACKTRACE', 'SYSTEMROOT',
])

/** Configuration prefixes of the Foundry tools (anvil's and forge's settings), kept unless secret-shaped. */
const toolPrefixes = ['FOUNDRY_', 'ANVIL_', 'FORGE_', 'XDG_']

/** A name that holds a secret whatever its prefix: `FOUNDRY_ETH_RPC_URL`, `ETHERSCAN_API_KEY`, `GUARDIAN_KEY`. */
const secretName = /KEY|PASSWORD|PASSWD|PASSPHRASE|SECRET|TOKEN|MNEMONIC|PRIVATE|CREDENTIAL|AUTH|RPC_URL|_URL$/i

/** The variables of `environment` a child needs, plus `extra`. */
export function childEnvironment(environment: NodeJS.ProcessEnv = process.env, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const kept: NodeJS.ProcessEnv = {}
  for (const [name, value] of Object.entries(environment)) {
    if (value === undefined) continue
    if (needed.has(name) || (toolPrefixes.some((prefix) => name.startsWith(prefix)) && !secretName.test(name))) kept[name] = value
  }
  return { ...kept, ...extra }
}
