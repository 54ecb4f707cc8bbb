import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { exampleManifest } from './exampleManifest.js'
import { InvalidInputError } from '../errors.js'
import { ManifestError } from './ManifestError.js'

export type WriteExampleManifestOptions = {
  /** Replace an existing file. Without it an existing manifest is never touched. */
  force?: boolean
}

export type WriteExampleManifestReturnType = {
  file: string
  /** True when a file was there and `force` replaced it. */
  replaced: boolean
}

/** Writes the commented example manifest (what `firebreak init` does). */
export function writeExampleManifest(file: string, options: WriteExampleManifestOptions = {}): WriteExampleManifestReturnType {
  try {
    mkdirSync(dirname(file), { recursive: true })
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code
    // EEXIST or ENOTDIR: a file stands where a folder on the way should be.
    if (code === 'EEXIST' || code === 'ENOTDIR') throw new InvalidInputError({ parameter: 'path', value: file, problem: `cannot be written: ${dirname(file)} is not a folder (${code})`, cause })
    throw unwritable(file, cause)
  }
  try {
    // 'wx' fails if the file exists, in the same system call that would create it: a manifest
    // someone else just wrote is never overwritten between a check and the write.
    writeFileSync(file, exampleManifest, { flag: 'wx' })
    return { file, replaced: false }
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code !== 'EEXIST') throw unwritable(file, cause)
    if (!options.force) throw new ManifestError({ file, problem: 'expected no file here, found one: refusing to overwrite it unless told to (force)', cause })
  }
  try {
    writeFileSync(file, exampleManifest)
  } catch (cause) {
    // A read-only manifest, replaced on purpose: the user's to fix, not a bug (exit 3).
    throw unwritable(file, cause)
  }
  return { file, replaced: true }
}

/** A path the system will not let firebreak write (a folder, no permission, a read-only disk): the user's to change. */
function unwritable(file: string, cause: unknown): Error {
  const code = (cause as NodeJS.ErrnoException).code
  if (code === undefined) return cause as Error
  return new InvalidInputError({ parameter: 'path', value: file, problem: `cannot be written (${code}): give the path of a file in a folder you can write to`, cause })
}
