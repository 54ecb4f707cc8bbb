import { createReadStream } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import type { Address } from 'viem'

export type AccountSpoolParameters = {
  /** Accounts kept in memory before a sorted run is written to disk. Default 200_000 (~20 MB of strings). */
  runSize?: number
  /** Where the runs go. Default: a fresh folder under the OS temp dir, removed by `dispose`. */
  directory?: string
}

/**
 * Deduplicates and sorts an unbounded stream of addresses with bounded memory: an external merge
 * sort. Addresses are buffered up to `runSize`, sorted and deduplicated, and written as a run file
 * (one lowercase address a line); `sorted()` merges the runs, dropping duplicates across them.
 * Memory is O(runSize + number of runs), whatever the number of holders: 1M transfers make 5 runs
 * of 200k. A Set of every address would be simpler, but costs ~100 bytes per holder on the heap
 * (measured by bench/snapshot.ts) and grows with the token.
 */
export class AccountSpool {
  readonly runSize: number
  private buffer: string[] = []
  private runs: string[] = []
  private directory: string | undefined
  private readonly ownsDirectory: boolean

  constructor(parameters: AccountSpoolParameters = {}) {
    this.runSize = parameters.runSize ?? 200_000
    this.directory = parameters.directory
    this.ownsDirectory = parameters.directory === undefined
  }

  async add(account: string): Promise<void> {
    this.buffer.push(account.toLowerCase())
    if (this.buffer.length >= this.runSize) await this.flush()
  }

  /** Every distinct address added, once, in ascending byte order (lowercase hex sorts as the bytes do). */
  async *sorted(): AsyncGenerator<Address> {
    if (this.runs.length === 0) {
      yield* uniqueSorted(this.buffer) as Address[]
      return
    }
    await this.flush()
    const readers = this.runs.map((file) => createInterface({ input: createReadStream(file), crlfDelay: Infinity })[Symbol.asyncIterator]())
    const heads: (string | undefined)[] = await Promise.all(readers.map(async (reader) => (await reader.next()).value as string | undefined))
    let last: string | undefined
    for (;;) {
      let smallest = -1
      for (let index = 0; index < heads.length; index++) {
        const head = heads[index]
        if (head !== undefined && (smallest < 0 || head < (heads[smallest] as string))) smallest = index
      }
      if (smallest < 0) break
      const account = heads[smallest] as string
      heads[smallest] = ((await (readers[smallest] as AsyncIterator<string>).next()).value as string | undefined) || undefined
      if (account !== last) yield account as Address
      last = account
    }
  }

  async dispose(): Promise<void> {
    this.buffer = []
    if (this.ownsDirectory && this.directory) await rm(this.directory, { recursive: true, force: true })
    this.runs = []
  }

  private async flush(): Promise<void> {
    if (this.buffer.length === 0) return
    this.directory ??= await mkdtemp(join(tmpdir(), 'firebreak-accounts-'))
    const file = join(this.directory, `run-${this.runs.length}.txt`)
    await writeFile(file, `${uniqueSorted(this.buffer).join('\n')}\n`)
    this.runs.push(file)
    this.buffer = []
  }
}

function uniqueSorted(accounts: string[]): string[] {
  accounts.sort()
  return accounts.filter((account, index) => index === 0 || account !== accounts[index - 1])
}
