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
    // EEXIST or ENOTDIR: a file stands where a folder on the way should be.
    throw new InvalidInputError({ parameter: 'path', value: file, problem: `cannot be written: ${dirname(file)} is not a folder (${(cause as NodeJS.ErrnoException).code ?? 'error'})`, cause })
  }
  try {
    // 'wx' fails if the file exists, in the same system call that would create it: a manifest
    // someone else just wrote is never overwritten between a check and the write.
    writeFileSync(file, exampleManifest, { flag: 'wx' })
    return { file, replaced: false }
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code
    if (code === 'EISDIR' || code === 'ENOTDIR' || code === 'EACCES') throw new InvalidInputError({ parameter: 'path', value: file, problem: `cannot be written (${code}): give the path of a file in a folder you can write to`, cause })
    if (code !== 'EEXIST') throw cause
    if (!options.force) throw new ManifestError({ file, problem: 'expected no file here, found one: refusing to overwrite it unless told to (force)', cause })
  }
  writeFileSync(file, exampleManifest)
  return { file, replaced: true }
}
