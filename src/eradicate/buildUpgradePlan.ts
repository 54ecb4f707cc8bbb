import type { Address, Hex } from 'viem'
import { create2DeployStep } from '../engine/create2.js'
import { throughTimelock, timelockControllerAbi } from '../engine/executors/timelock.js'
import type { Authority, Check, ContractRef, Plan, Step } from '../engine/plan.js'
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
  /** Deploys the implementation and makes the upgrade, or proposes it when the upgrade is held by a timelock. */
  authority: Authority
  /** The timelock that holds the upgrade right: the upgrade is scheduled on it, then executed after its delay. */
  timelock?: UpgradeTimelock
  /** Checks that must hold after the upgrade, beyond the implementation slot. */
  checks?: Check[]
  id?: string
}

export type UpgradeTimelock = {
  address: Address
  label: string
  /** Its `getMinDelay()`, read from the chain. */
  minDelay: bigint
  /** Sends the execution once the delay has passed (the proposer itself, or anyone where the role is open). */
  executor: Authority
  /** Goes into the operation's salt: the same upgrade in a later incident is a new operation. */
  incidentId?: string
}

/**
 * Two steps: deploy the implementation at a CREATE2 address known in advance, then point the proxy
 * at it: on the proxy (UUPS), through its ProxyAdmin (transparent) or on its beacon. The upgrade is
 * verified by reading the EIP-1967 slot or the beacon, not by trusting the receipt.
 */
export function buildUpgradePlan(parameters: BuildUpgradePlanParameters): Plan & { implementationAddress: `0x${string}` } {
  const { proxy, implementation, initData, authority, timelock, checks = [], id = 'eradicate-upgrade' } = parameters
  const route = parameters.route ?? { kind: 'uups', proxy: proxy.address }
  const deployment = create2DeployStep({ id: `deploy-${implementation.contractName}`, artifact: implementation, saltText: `firebreak:${id}:${implementation.contractName}`, authority })
  const upgrade = upgradeAction(route, proxy.name, deployment.address, initData)
  return {
    id,
    phase: 'eradicate',
    title: `upgrade ${proxy.name} to ${implementation.contractName}`,
    implementationAddress: deployment.address,
    abis: [proxy.abi, implementation.abi, upgradeAbi, timelockControllerAbi],
    steps: [deployment.step, ...upgradeSteps(id, `upgrade-${proxy.name}`, `upgrade ${proxy.name} (${route.kind}) to ${implementation.contractName}`, { ...upgrade, checks }, authority, timelock)],
  }
}

/** The upgrade made by its holder, or scheduled on the timelock holding it and executed after the delay. */
function upgradeSteps(planId: string, id: string, title: string, upgrade: ReturnType<typeof upgradeAction> & { checks: Check[] }, authority: Authority, timelock?: UpgradeTimelock): Step[] {
  const postconditions = [upgrade.check, ...upgrade.checks]
  if (!timelock) return [{ id, title: `${title} as ${authority.label}`, authority, actions: [upgrade.action], postconditions }]
  const heldByTimelock: Authority = { kind: 'impersonate', address: timelock.address, label: timelock.label }
  return throughTimelock(
    { id, title: `${title} through timelock ${timelock.label}`, authority: heldByTimelock, actions: [upgrade.action], postconditions },
    { planId, incidentId: timelock.incidentId, timelock, minDelay: timelock.minDelay, proposer: authority, executor: timelock.executor },
  )
}
