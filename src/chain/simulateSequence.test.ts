import { encodeFunctionData, parseAbi } from 'viem'
import { describe, expect, it } from 'vitest'
import { useDrillProtocol } from '../../test/fixtures/localChain.js'
import { simulateSequence } from './simulateSequence.js'

const drill = useDrillProtocol()
const pausable = parseAbi(['function pause()', 'function paused() view returns (bool)'])
const pause = encodeFunctionData({ abi: pausable, functionName: 'pause' })
const paused = encodeFunctionData({ abi: pausable, functionName: 'paused' })
const isTrue = `0x${'0'.repeat(63)}1`

describe('simulateSequence', () => {
  it("lets a later call see an earlier one's effect, and sends nothing", async () => {
    const vault = drill.protocol.vault.address
    const results = await simulateSequence(drill.chain, {
      calls: [
        { from: drill.actors.guardian.address, to: vault, data: pause },
        { from: drill.actors.attacker.address, to: vault, data: paused },
      ],
    })
    expect(results.map((result) => result.status)).toEqual(['success', 'success'])
    expect(results[1]?.data).toBe(isTrue)
    expect(await drill.chain.public.readContract({ address: vault, abi: pausable, functionName: 'paused' })).toBe(false)
  })

  it('reports a revert as a result, and the calls after it still run', async () => {
    const vault = drill.protocol.vault.address
    const results = await simulateSequence(drill.chain, {
      calls: [
        { from: drill.actors.attacker.address, to: vault, data: pause },
        { from: drill.actors.attacker.address, to: vault, data: paused },
      ],
    })
    expect(results.map((result) => result.status)).toEqual(['reverted', 'success'])
    expect(BigInt(results[1]!.data)).toBe(0n)
  })

  it('calls from a contract account, as a Safe or a timelock holding a lever would', async () => {
    const vault = drill.protocol.vault.address
    const [result] = await simulateSequence(drill.chain, { calls: [{ from: drill.protocol.token.address, to: vault, data: paused }] })
    expect(result?.status).toBe('success')
  })
})
