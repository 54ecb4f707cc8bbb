import { UsageError } from '../errors.js'
import type { Manifest } from '../manifest/types.js'
import { readLossesFile } from './readLossesFile.js'

/**
 * Which chain each losses file is paid on: the chain named, for one file; otherwise the chain of
 * the manifest whose id the file records (`firebreak losses` writes it). One file per chain: two
 * for one chain would pay its accounts twice.
 */
export function chainsOfLossesFiles(manifest: Manifest, files: readonly string[], chain: string | undefined): { chain: string | undefined; lossesFile: string }[] {
  if (files.length === 1 && (chain !== undefined || manifest.chains.length === 1)) return [{ chain, lossesFile: files[0]! }]
  if (chain !== undefined) throw new UsageError(`--chain names one chain, but ${files.length} losses files were given: give one file per chain and no --chain, each is paid on the chain it records`)
  const runs = files.map((lossesFile) => {
    const { chainId } = readLossesFile(lossesFile)
    if (chainId === undefined) throw new UsageError(`${lossesFile} does not say which chain its losses are on (a CSV): give it alone, with --chain`)
    const found = manifest.chains.find((each) => each.chainId === chainId)
    if (!found) throw new UsageError(`${lossesFile} records chain id ${chainId}, which no chain of ${manifest.file} has (${manifest.chains.map((each) => `${each.name}: ${each.chainId}`).join(', ')})`)
    return { chain: found.name, lossesFile }
  })
  const seen = new Map<string, string>()
  for (const run of runs) {
    const earlier = seen.get(run.chain)
    if (earlier) throw new UsageError(`${earlier} and ${run.lossesFile} are both losses on ${run.chain}: give one losses file per chain`)
    seen.set(run.chain, run.lossesFile)
  }
  return runs
}
