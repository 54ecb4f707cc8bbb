import type { Hex } from 'viem'
import { create2DeployStep } from '../engine/create2.js'
import { type Authority, type Check, type ContractRef, type Plan, contractCall } from '../engine/plan.js'
import type { ContractArtifact } from '../solidity/artifacts.js'
import { IMPLEMENTATION_SLOT, slotValueOf } from './proxySlots.js'

export type BuildUpgradePlanParameters = {
  /** The UUPS proxy, addressed with an ABI that has `upgradeToAndCall`. */
  proxy: ContractRef
  implementation: ContractArtifact
  /** Calldata run by the new implementation during the upgrade (e.g. `initializeV2()`), or `0x`. */
  initData: Hex
  authority: Authority
  /** Checks that must hold after the upgrade, beyond the implementation slot. */
  checks?: Check[]
  id?: string
}

/**
 * Two steps: deploy the implementation at a CREATE2 address known in advance, then point the UUPS
 * proxy at it. The upgrade is verified by reading the EIP-1967 slot, not by trusting the receipt.
 */
export function buildUpgradePlan(parameters: BuildUpgradePlanParameters): Plan & { implementationAddress: `0x${string}` } {
  const { proxy, implementation, initData, authority, checks = [], id = 'eradicate-upgrade' } = parameters
  const deployment = create2DeployStep({ id: `deploy-${implementation.contractName}`, artifact: implementation, saltText: `firebreak:${id}:${implementation.contractName}`, authority })
  return {
    id,
    phase: 'eradicate',
    title: `upgrade ${proxy.name} to ${implementation.contractName}`,
    implementationAddress: deployment.address,
    abis: [proxy.abi, implementation.abi],
    steps: [
      deployment.step,
      {
        id: `upgrade-${proxy.name}`,
        title: `upgrade ${proxy.name} to ${implementation.contractName} as ${authority.label}`,
        authority,
        actions: [contractCall(proxy, 'upgradeToAndCall', [deployment.address, initData])],
        postconditions: [
          {
            kind: 'storage',
            description: `${proxy.name}'s EIP-1967 implementation slot holds ${deployment.address}`,
            address: proxy.address,
            slot: IMPLEMENTATION_SLOT,
            expect: slotValueOf(deployment.address),
          },
          ...checks,
        ],
      },
    ],
  }
}
