/**
 * Checks on RPC URLs that never print the URL: a provider's URL embeds the account's API key, and
 * error messages end up in terminals, screenshots and the incident journal.
 */

/** What is wrong with the URL's shape, or undefined: "is not a URL", "is a ftp URL". */
export function rpcUrlShapeProblem(value: string): string | undefined {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    return 'is not a URL'
  }
  // `htp:/x` parses as a URL of scheme htp: to the user it is a typo, not a URL firebreak can reach.
  if (!['http:', 'https:', 'ws:', 'wss:'].includes(url.protocol)) return `is not a URL of a node (its scheme is ${url.protocol.slice(0, -1)}, not http, https, ws or wss)`
  return undefined
}

/**
 * True when the URL carries a user/password or a segment shaped like an API key (Infura's
 * `/v3/<32 hex>`, Alchemy's `/v2/<key>`): such a URL belongs in the environment, not in a manifest
 * that gets committed and shared in a post-mortem.
 */
export function rpcUrlCarriesCredentials(value: string): boolean {
  const url = new URL(value)
  if (url.username || url.password) return true
  const segments = [...url.pathname.split('/'), ...url.searchParams.values()]
  return segments.some((segment) => segment.length >= 20 && /^[\w-]+$/.test(segment) && /\d/.test(segment))
}
