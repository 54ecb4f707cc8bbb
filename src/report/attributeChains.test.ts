import { describe, expect, it } from 'vitest'
import { attributeChains, chainOfEntry } from './attributeChains.js'

const entry = (type: string, data: unknown) => ({ type, data })

describe('chainOfEntry', () => {
  it('takes the chain an entry names', () => {
    expect(chainOfEntry(entry('contain.started', { playbook: 'pause-all', dryRun: false, chain: 'arbitrum' }))).toBe('arbitrum')
    expect(chainOfEntry(entry('attack.detected', { blockNumber: '18', chain: 'base' }))).toBe('base')
  })

  it('takes the chain of a scoped plan id', () => {
    expect(chainOfEntry(entry('step.done', { planId: 'restore-withdrawals@mainnet', stepId: 'unpause-vault', txHash: '0x01', blockNumber: '40' }))).toBe('mainnet')
    expect(chainOfEntry(entry('upgrade.finished', { planId: 'eradicate-upgrade-vault@arbitrum', status: 'upgraded' }))).toBe('arbitrum')
  })

  it('prefers the chain an entry names to its plan id', () => {
    expect(chainOfEntry(entry('contain.finished', { planId: 'contain-pause-all@mainnet', chain: 'arbitrum', status: 'contained' }))).toBe('arbitrum')
  })

  it('says nothing of an entry of a single-chain incident', () => {
    expect(chainOfEntry(entry('step.done', { planId: 'contain-pause-all', stepId: 'pause-vault' }))).toBeUndefined()
    expect(chainOfEntry(entry('claims.tracked', { claimAddress: '0x01' }))).toBeUndefined()
    expect(chainOfEntry(entry('contain.started', { playbook: 'pause-all', chain: '' }))).toBeUndefined()
    expect(chainOfEntry(entry('journal.repaired', null))).toBeUndefined()
  })
})

describe('attributeChains', () => {
  it('gives a step the chain its plan is journaled with, and lists the chains in the order the journal names them', () => {
    const finished = entry('contain.finished', { planId: 'contain-pause-all', chain: 'arbitrum', status: 'contained' })
    const step = entry('step.done', { planId: 'contain-pause-all', stepId: 'pause-vault' })
    const attack = entry('attack.detected', { blockNumber: '18', chain: 'base' })
    const claims = entry('claims.tracked', { claimAddress: '0x01' })
    const attribution = attributeChains([attack, step, finished, claims])

    expect(attribution.chainOf(step)).toBe('arbitrum')
    expect(attribution.chainOf(finished)).toBe('arbitrum')
    expect(attribution.chainOf(attack)).toBe('base')
    expect(attribution.chainOf(claims)).toBeUndefined()
    expect(attribution.chains).toEqual(['base', 'arbitrum'])
  })

  it('attributes no step of a plan whose entries name two chains', () => {
    const step = entry('step.done', { planId: 'contain-pause-all', stepId: 'pause-vault' })
    const attribution = attributeChains([
      entry('contain.finished', { planId: 'contain-pause-all', chain: 'arbitrum' }),
      entry('contain.finished', { planId: 'contain-pause-all', chain: 'mainnet' }),
      step,
    ])

    expect(attribution.chainOf(step)).toBeUndefined()
    expect(attribution.chains).toEqual(['arbitrum', 'mainnet'])
  })

  it('leaves an entry naming neither chain nor plan to no chain, whatever its neighbours are', () => {
    const gate = entry('gate.storage', { from: 'V1', to: 'V2', compatible: true })
    const attribution = attributeChains([entry('upgrade.planned', { planId: 'eradicate-upgrade-vault@mainnet' }), gate, entry('upgrade.finished', { planId: 'eradicate-upgrade-vault@mainnet' })])

    expect(attribution.chainOf(gate)).toBeUndefined()
    expect(attribution.chains).toEqual(['mainnet'])
  })
})
