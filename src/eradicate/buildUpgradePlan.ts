import type { Hex } from 'viem'
import { create2DeployStep } from '../engine/create2.js'
import type { Authority, Check, ContractRef, Plan } from '../engine/plan.js'
import type { ContractArtifact } from '../solidity/artifacts.js'
import { type UpgradeRoute, upgradeAbi, upgradeAction } from './upgradeRoute.js'

export type BuildUpgradePlanParameters = {
  /** The proxy users call. */
  proxy: ContractRef
  /** How it is upgraded (readUpgradeRoute); a UUPS upgrade on the proxy itself when absent. */
  route?: UpgradeRoute
  implementation: ContractArtifact
  /** Calldata run by the new implementation during the upgrade (e.g. `initializeV2()`), or `0x`. */
  initData: Hex
  authority: Authority
  /** Checks that must hold after the upgrade, beyond the implementation slot. */
  checks?: Check[]
  id?: string
}

/**
 * Two steps: deploy the implementation at a CREATE2 address known in advance, then point the proxy
 * at it: on the proxy (UUPS), through its ProxyAdmin (transparent) or on its beacon. The upgrade is
 * verified by reading the EIP-1967 slot or the beacon, not by trusting the receipt.
 */
export function buildUpgradePlan(parameters: BuildUpgradePlanParameters): Plan & { implementationAddress: `0x${string}` } {
  const { proxy, implementation, initData, authority, checks = [], id = 'eradicate-upgrade' } = parameters
  const route = parameters.route ?? { kind: 'uups', proxy: proxy.address }
  const deployment = create2DeployStep({ id: `deploy-${implementation.contractName}`, artifact: implementation, saltText: `firebreak:${id}:${implementation.contractName}`, authority })
  const upgrade = upgradeAction(route, proxy.name, deployment.address, initData)
  return {
    id,
    phase: 'eradicate',
    title: `upgrade ${proxy.name} to ${implementation.contractName}`,
    implementationAddress: deployment.address,
    abis: [proxy.abi, implementation.abi, upgradeAbi],
    steps: [
      deployment.step,
      {
        id: `upgrade-${proxy.name}`,
        title: `upgrade ${proxy.name} (${route.kind}) to ${implementation.contractName} as ${authority.label}`,
        authority,
        actions: [upgrade.action],
        postconditions: [upgrade.check, ...checks],
      },
    ],
  }
}
