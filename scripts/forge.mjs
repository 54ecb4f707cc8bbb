#!/usr/bin/env node
// Runs forge offline, compiling with solc-js through solc-shim.mjs: `node scripts/forge.mjs test [forge options]`.
//
// The forge binary ships inside the platform package of @foundry-rs/forge (its postinstall, which
// would download it, is denied in package.json's allowScripts). The package's own `forge` wrapper
// is not used because it exits 0 even when forge fails, which would turn failing tests green.
import { spawnSync } from 'node:child_process'
import { accessSync, chmodSync, constants } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const arch = { x64: 'amd64', arm64: 'arm64' }[process.arch]
const platformPackage = `@foundry-rs/forge-${process.platform}-${arch}`
const binary = process.platform === 'win32' ? 'forge.exe' : 'forge'

let forge
try {
  forge = createRequire(join(root, 'package.json')).resolve(`${platformPackage}/bin/${binary}`)
} catch {
  console.error(`forge: ${platformPackage} is not installed; run npm ci (forge ships for linux and darwin on amd64/arm64, and win32 on amd64)`)
  process.exit(1)
}

const shim = join(root, 'scripts', 'solc-shim.mjs')
try {
  accessSync(shim, constants.X_OK)
} catch {
  // A checkout that lost the executable bit (an archive, a copy): forge runs the shim directly.
  chmodSync(shim, 0o755)
}

const [command = 'test', ...rest] = process.argv.slice(2)
// forge and the solc shim it runs need PATH (node), HOME and Foundry's settings, not the shell's keys,
// passwords or RPC URLs (the same rule as src/chain/childEnvironment.ts, which this script cannot import before a build).
const secretName = /KEY|PASSWORD|PASSWD|PASSPHRASE|SECRET|TOKEN|MNEMONIC|PRIVATE|CREDENTIAL|AUTH|RPC_URL|_URL$/i
const needed = new Set(['PATH', 'HOME', 'USER', 'LOGNAME', 'SHELL', 'TMPDIR', 'LANG', 'LC_ALL', 'TZ', 'TERM', 'NO_COLOR', 'HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY', 'http_proxy', 'https_proxy', 'no_proxy', 'SSL_CERT_FILE', 'SSL_CERT_DIR', 'RUST_LOG', 'RUST_BACKTRACE'])
const env = Object.fromEntries(
  Object.entries(process.env).filter(([name]) => needed.has(name) || (/^(FOUNDRY_|FORGE_|XDG_)/.test(name) && !secretName.test(name))),
)
const result = spawnSync(forge, [command, '--offline', '--use', shim, ...rest], { cwd: root, stdio: 'inherit', env })
if (result.error) {
  console.error(`forge: ${result.error.message}`)
  process.exit(1)
}
process.exit(result.status ?? 1)
