import { TimeoutError } from 'viem'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { InvalidInputError } from '../errors.js'
import { EXIT, reportError } from './output.js'

afterEach(() => {
  vi.restoreAllMocks()
})

function stderrOf(run: () => number): { code: number; text: string } {
  let text = ''
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    text += String(chunk)
    return true
  })
  const code = run()
  return { code, text }
}

describe('reportError', () => {
  it('reports a node that timed out as one line to act on, without the URL, not as a bug', () => {
    const error = new TimeoutError({ body: { method: 'eth_getLogs' }, url: 'https://mainnet.example/v3/SECRET-KEY' })
    const { code, text } = stderrOf(() => reportError(error, false))
    expect(code).toBe(EXIT.failed)
    expect(text).toBe('firebreak: the node did not answer (The request took too long to respond.): check the RPC URL and the node, then run the same command again; the journal resumes where it stopped\n')
    expect(text).not.toContain('SECRET-KEY')
  })

  it('still reports an unexpected error as a bug', () => {
    const { code, text } = stderrOf(() => reportError(new Error('boom'), false))
    expect(code).toBe(EXIT.internal)
    expect(text).toContain('unexpected error: boom')
  })

  it("names the flag for a library parameter the user gave, whichever command raised it", () => {
    const error = new InvalidInputError({ parameter: 'keyEnv', problem: "no key to sign with: name the environment variable holding the owner's private key", related: ['keystore', 'passwordEnv'] })
    const { code, text } = stderrOf(() => reportError(error, false))
    expect(code).toBe(EXIT.usage)
    expect(text).toBe("firebreak: --key-env: no key to sign with: name the environment variable holding the owner's private key (--keystore, --password-env)\n")
  })
})
