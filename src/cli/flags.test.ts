import { describe, expect, it } from 'vitest'
import { InvalidInputError } from '../errors.js'
import { MigrationInputError } from '../eradicate/migrate/errors.js'
import { inFlags } from './flags.js'

describe('inFlags', () => {
  const flags = { batchSize: '--batch-size', rescue: '--rescue', assets: '--asset' }

  it("tells a library error about a parameter in the command's flag", () => {
    const error = new MigrationInputError({ parameter: 'batchSize', value: 1000, problem: 'needs about 50000000 gas per batch: give at most 420' })
    expect(error.shortMessage).toBe('batchSize 1000: needs about 50000000 gas per batch: give at most 420')
    expect((inFlags(error, flags) as InvalidInputError).shortMessage).toBe('--batch-size 1000: needs about 50000000 gas per batch: give at most 420')
  })

  it('names the flags of the other parameters the problem involves', () => {
    const error = new InvalidInputError({ parameter: 'rescue', problem: "moving assets needs the old contract's function that lets them out", related: ['assets'] })
    expect((inFlags(error, flags) as InvalidInputError).shortMessage).toBe("--rescue: moving assets needs the old contract's function that lets them out (--asset)")
  })

  it('leaves a parameter the command has no flag for as the library names it', () => {
    const error = new InvalidInputError({ parameter: 'artifacts', problem: 'missing' })
    expect(inFlags(error, flags)).toBe(error)
  })
})
