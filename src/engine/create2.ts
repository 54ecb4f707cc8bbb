import { type Address, type Hex, concat, getContractAddress, keccak256, toHex } from 'viem'
import type { Call } from './plan.js'

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
