import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { FirebreakError } from '../errors.js'

const require = createRequire(import.meta.url)

const archNames: Record<string, string> = { x64: 'amd64', arm64: 'arm64' }

/**
 * Path of the anvil binary shipped inside @foundry-rs/anvil's platform package.
 * We never run the package's postinstall (it downloads a binary when the platform package is missing,
 * which these machines cannot do); FIREBREAK_ANVIL_PATH points at another build when needed.
 */
export function anvilBinaryPath(): string {
  const override = process.env.FIREBREAK_ANVIL_PATH
  if (override) {
    if (!existsSync(override)) throw new FirebreakError(`FIREBREAK_ANVIL_PATH points at ${override}, which does not exist`)
    return override
  }
  const platformPackage = `@foundry-rs/anvil-${process.platform}-${archNames[process.arch] ?? process.arch}`
  try {
    const packageJson = require.resolve(`${platformPackage}/package.json`)
    const binary = join(dirname(packageJson), 'bin', process.platform === 'win32' ? 'anvil.exe' : 'anvil')
    if (existsSync(binary)) return binary
  } catch {
    // fall through to the error below
  }
  throw new FirebreakError(`anvil binary not found in ${platformPackage}`, {
    metaMessages: ['Run `npm install` in firebreak\'s folder, or set FIREBREAK_ANVIL_PATH to an anvil binary.'],
  })
}
