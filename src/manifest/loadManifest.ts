import { issuesToManifestError } from './issuesToManifestError.js'
import { manifestErrorAt } from './ManifestError.js'
import { manifestSchema } from './manifestSchema.js'
import { readAbiFile } from './readAbiFile.js'
import { readManifestYaml } from './readManifestYaml.js'
import { resolveManifest } from './resolveManifest.js'
import type { Manifest } from './types.js'

export type LoadManifestOptions = {
  /** Where `rpcUrlEnv` variables are read; defaults to `process.env`. */
  env?: Readonly<Record<string, string | undefined>>
}

export type LoadManifestReturnType = Manifest

/**
 * Reads firebreak.yaml into a typed Manifest: RPC URLs taken from the environment, contracts'
 * chains resolved, their ABI files loaded. Any problem throws a ManifestError naming the file,
 * the path inside it and what was expected.
 */
export function loadManifest(file: string, options: LoadManifestOptions = {}): LoadManifestReturnType {
  const yaml = readManifestYaml(file)
  const parsed = manifestSchema.safeParse(yaml.data)
  if (!parsed.success) throw issuesToManifestError(yaml, parsed.error.issues)
  const manifest = resolveManifest(yaml, parsed.data, { env: options.env ?? process.env })

  manifest.contracts.forEach((contract, index) => {
    if (contract.abiFile === undefined) return
    const result = readAbiFile(contract.abiFile)
    if ('abi' in result) {
      contract.abi = result.abi
      return
    }
    // Named as written in the manifest (`./abis/vault.json`), which is what the user will look for.
    const written = parsed.data.contracts[index]!.abi!
    throw manifestErrorAt(yaml, ['contracts', index, 'abi'], `expected a JSON ABI or a Hardhat/Foundry artifact, but ${written} ${result.problem}`, {
      metaMessages: [`resolved to ${contract.abiFile} (ABI paths are relative to the manifest)`, ...(result.detail ? [result.detail] : [])],
    })
  })
  return manifest
}

