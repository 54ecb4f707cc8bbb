import { type Abi, type Address, type Hex, concat, encodeDeployData, getContractAddress, keccak256, toHex } from 'viem'
import { showValue } from '../format.js'
import type { Authority, Call, Check, Step } from './plan.js'

/**
 * The deterministic deployment proxy (Arachnid's CREATE2 factory), present on most EVM chains and
 * predeployed by anvil. Deploying through it makes a contract's address known before the plan
 * runs, so a deployment is an ordinary step whose postcondition can name the address.
 */
export const CREATE2_FACTORY: Address = '0x4e59b44847b379578588920cA78FbF26c0B4956C'

export type Create2Deployment = { call: Call; address: Address; salt: Hex }

export function create2Deployment(initCode: Hex, saltText: string): Create2Deployment {
  const salt = keccak256(toHex(saltText))
  const address = getContractAddress({ opcode: 'CREATE2', from: CREATE2_FACTORY, salt, bytecode: initCode })
  return { call: { to: CREATE2_FACTORY, data: concat([salt, initCode]), value: 0n }, address, salt }
}

export type Create2DeployStepParameters = {
  id: string
  artifact: { contractName: string; abi: Abi; bytecode: Hex }
  args?: readonly unknown[]
  /** Makes the address unique to this use (the plan and what it deploys for). */
  saltText: string
  authority: Authority
  /** Checks beyond "code is there", given the address the contract lands at. */
  checks?: (address: Address) => Check[]
}

/** A step that deploys `artifact` through the CREATE2 factory, verified by the code at the predicted address. */
export function create2DeployStep(parameters: Create2DeployStepParameters): { step: Step; address: Address } {
  const { id, artifact, args = [], saltText, authority, checks = () => [] } = parameters
  const initCode = encodeDeployData({ abi: artifact.abi, bytecode: artifact.bytecode, args: args as unknown[] })
  const { call, address, salt } = create2Deployment(initCode, saltText)
  const shown = `${artifact.contractName}(${args.map(showValue).join(', ')})`
  return {
    address,
    step: {
      id,
      title: `deploy ${artifact.contractName} at ${address}`,
      authority,
      actions: [{ call, decoded: { contract: 'CREATE2 factory', address: call.to, functionName: 'deploy', args: [salt, shown], text: `CREATE2 deploy ${shown} → ${address}` } }],
      postconditions: [{ kind: 'code', description: `${artifact.contractName} has code at ${address}`, address, present: true }, ...checks(address)],
    },
  }
}
