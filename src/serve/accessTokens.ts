import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'

/** viewer: reads; signer: reads and uploads owners' signature files; approver: reads and gives named approvals. */
export type AccessRole = 'viewer' | 'signer' | 'approver'

/** A bearer token handed to people in the war room; `name` is who the journal says acted with it. */
export type AccessToken = { token: string; role: AccessRole; name: string }

/** Fresh random tokens for one run of the server: one viewer, one signer, one per named approver. */
export function makeAccessTokens(approvers: readonly string[] = []): AccessToken[] {
  const fresh = () => randomBytes(24).toString('base64url')
  return [
    { token: fresh(), role: 'viewer', name: 'viewer' },
    { token: fresh(), role: 'signer', name: 'signer' },
    ...approvers.map((name): AccessToken => ({ token: fresh(), role: 'approver', name })),
  ]
}

/** The token presented, compared in constant time against each one known (digests, so lengths never leak). */
export function findAccessToken(tokens: readonly AccessToken[], presented: string | undefined): AccessToken | undefined {
  if (!presented) return undefined
  const digest = (text: string) => createHash('sha256').update(text).digest()
  const wanted = digest(presented)
  let found: AccessToken | undefined
  for (const token of tokens) if (timingSafeEqual(digest(token.token), wanted)) found = token
  return found
}
