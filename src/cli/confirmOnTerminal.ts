import { createInterface } from 'node:readline/promises'

/** Asks one yes/no question on the terminal; only `y` or `yes` is a yes. */
export async function askOnTerminal(question: string): Promise<boolean> {
  const terminal = createInterface({ input: process.stdin, output: process.stderr })
  try {
    return /^y(es)?$/i.test((await terminal.question(question)).trim())
  } finally {
    terminal.close()
  }
}
