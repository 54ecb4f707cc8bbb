import type { core } from 'zod'
import { ManifestError, type ManifestLocator, type ManifestPath, manifestErrorAt } from './ManifestError.js'

/**
 * Turns zod's issues into one ManifestError: the first issue is the one-line message, the others
 * follow in metaMessages (shown with --verbose), so one fix-and-rerun cycle can fix them all.
 */
export function issuesToManifestError(source: ManifestLocator, issues: readonly core.$ZodIssue[]): ManifestError {
  // An unknown key first: `adress` explains why `address` is "missing", not the other way round.
  const ordered = [...issues].sort((a, b) => rank(a) - rank(b))
  const [first, ...rest] = ordered.map(describeIssue)
  if (!first) throw new Error('issuesToManifestError called without issues')
  return manifestErrorAt(source, first.path, first.problem, {
    metaMessages: rest.map((issue) => `also ${new ManifestError({ file: source.file, path: issue.path, problem: issue.problem }).shortMessage}`),
  })
}

function rank(issue: core.$ZodIssue): number {
  return issue.code === 'unrecognized_keys' ? 0 : 1
}

function describeIssue(issue: core.$ZodIssue): { path: ManifestPath; problem: string } {
  const path = issue.path.filter((segment): segment is string | number => typeof segment !== 'symbol')
  // One unknown key is reported at its own path: `contracts[0].adress: unknown key; …`.
  if (issue.code === 'unrecognized_keys' && issue.keys.length === 1) return { path: [...path, issue.keys[0]!], problem: issue.message }
  // A bad record key (a chain name) carries its own rule's message one level down.
  if (issue.code === 'invalid_key') return { path, problem: issue.issues[0]?.message ?? issue.message }
  return { path, problem: issue.message }
}
