import { describe, expect, it } from 'vitest'
import { connect } from '../src/chain/clients.js'
import { ForkStateError } from '../src/engine/errors.js'
import { simulatePlan } from '../src/engine/simulate.js'
import { startFlakyNode } from './fixtures/flakyNode.js'
import { useDrillProtocol } from './fixtures/localChain.js'
import { buildPausePlan } from './fixtures/pausePlan.js'

/** A fork reads the real chain's state on demand: when the node fails those reads, the step did not revert. */
const drill = useDrillProtocol()

describe('simulating a plan on a fork of a node that fails', () => {
  it("says the node failed the fork's reads, instead of reporting the step as reverted", async () => {
    const node = await startFlakyNode(drill.anvil.rpcUrl)
    try {
      const chain = await connect(node.rpcUrl)
      const paused = buildPausePlan({ targets: [{ contract: drill.protocol.vault, authority: { kind: 'key', address: drill.actors.guardian.address, label: 'guardian' } }] })
      // A check of code needs a fork (a plan of calls and reads alone is simulated in one eth_simulateV1 request).
      const plan = { ...paused, steps: paused.steps.map((step) => ({ ...step, postconditions: [...step.postconditions, { kind: 'code' as const, description: 'the vault has code', address: drill.protocol.vault.address, present: true }] })) }
      // From now on the node drops every storage read: the fork starts, then cannot read the vault.
      node.setRules([{ fault: 'drop', method: 'eth_getStorageAt' }])

      const error = await simulatePlan(chain, plan).catch((caught: unknown) => caught)

      expect(error).toBeInstanceOf(ForkStateError)
      expect((error as ForkStateError).shortMessage).toMatch(/^the fork could not run 0x[0-9a-fA-F]{40}'s call: .*: the node the fork copies did not answer it/)
    } finally {
      await node.stop()
    }
  }, 120_000)
})
