import { UsageError } from '../../errors.js'
import { didYouMean } from '../../describeValue.js'
import type { Manifest, ManifestRestoreStage } from '../../manifest/types.js'

/** The stage named on the command line; a name the manifest does not list says which it does. */
export function findRestoreStage(manifest: Manifest, name: string): ManifestRestoreStage {
  const found = manifest.restore.find((stage) => stage.name === name)
  if (found) return found
  const names = manifest.restore.map((stage) => stage.name)
  if (names.length === 0) throw new UsageError(`${manifest.file} has no restore section: add restore.stages (what each stage turns back on, its invariants and approvals) before restoring`)
  throw new UsageError(`no restore stage "${name}" in ${manifest.file}: expected one of ${names.join(', ')}${didYouMean(name, names)}`)
}
