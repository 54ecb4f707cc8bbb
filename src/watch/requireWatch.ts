import { UsageError } from '../errors.js'
import type { Manifest, ManifestWatch } from '../manifest/types.js'

/** A manifest the watcher can act on: one with a `watch:` section naming its automatic authorities. */
export function requireWatch(manifest: Manifest): Manifest & { watch: ManifestWatch } {
  if (!manifest.watch) {
    throw new UsageError(`${manifest.file} has no watch: section: add one naming the authorities the watcher may act through (watch.automatic) and its triggers; firebreak init writes an example`)
  }
  return manifest as Manifest & { watch: ManifestWatch }
}
