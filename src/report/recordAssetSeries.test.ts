import { describe, expect, it } from 'vitest'
import { sampleBlocks } from './recordAssetSeries.js'

describe('sampleBlocks', () => {
  it('spreads the samples over the range, ends included, and adds the incident\'s blocks in it', () => {
    expect(sampleBlocks(0n, 1_000n, 5, [417n, 418n, 2_000n])).toEqual([0n, 250n, 417n, 418n, 500n, 750n, 1_000n])
  })

  it('reads every block of a range shorter than the samples once', () => {
    expect(sampleBlocks(10n, 13n, 48)).toEqual([10n, 11n, 12n, 13n])
  })
})
