import { type AbiFunction, type AbiParameter, type Address, parseAbiItem } from 'viem'
import { type Action, contractCall } from '../../engine/plan.js'
import { MigrationInputError } from './errors.js'

/** What firebreak passes to each parameter of a rescue lever. */
export type RescueArgument = 'asset' | 'to' | 'amount'

/** The old contract's function that lets assets out, and what goes into each of its parameters. */
export type RescueLever = { abi: AbiFunction; signature: string; arguments: RescueArgument[] }

// The names real rescue/sweep levers give their parameters (OpenZeppelin, Yearn, Compound, Aave…).
const parameterNames: Record<RescueArgument, readonly string[]> = {
  asset: ['token', 'asset', 'erc20', 'currency', 'tokenaddress', 'tokenaddr'],
  to: ['to', 'recipient', 'receiver', 'destination', 'beneficiary', 'dst', 'account'],
  amount: ['amount', 'value', 'wad', 'amt', 'assets', 'tokenamount'],
}

const example = 'e.g. "rescue(address token, address to, uint256 amount)" or "sweep(address token, address to)"'

/**
 * Reads `--rescue "<signature>"`: a function of the old contract, by its human-readable signature,
 * whose parameters firebreak fills by name (the token, the destination, the amount to move). A
 * signature without names is accepted in the usual shapes `(address,address)` and
 * `(address,address,uint256)`: token, destination, then amount.
 */
export function parseRescueLever(signature: string): RescueLever {
  const text = signature.trim().replace(/^function\s+/, '')
  let abi: AbiFunction
  try {
    const item = parseAbiItem(`function ${text}`)
    if (item.type !== 'function') throw new Error('not a function')
    abi = item
  } catch {
    throw new MigrationInputError({ parameter: 'rescue', value: `"${signature}"`, problem: `not a function signature: ${example}` })
  }
  if (abi.stateMutability === 'view' || abi.stateMutability === 'pure') {
    throw new MigrationInputError({ parameter: 'rescue', value: `"${signature}"`, problem: `a ${abi.stateMutability} function, which cannot move anything: give the lever that sends tokens out` })
  }
  return { abi, signature: text, arguments: argumentsOf(abi, signature) }
}

function argumentsOf(abi: AbiFunction, signature: string): RescueArgument[] {
  const inputs = abi.inputs
  if (inputs.every((input) => !input.name)) {
    const shape = inputs.map((input) => input.type).join(',')
    if (shape === 'address,address') return ['asset', 'to']
    if (shape === 'address,address,uint256') return ['asset', 'to', 'amount']
    throw new MigrationInputError({ parameter: 'rescue', value: `"${signature}"`, problem: `name its parameters so firebreak knows what to pass, ${example}` })
  }
  const found = inputs.map((input) => roleOf(input, signature))
  for (const role of ['asset', 'to'] as const) {
    if (!found.includes(role)) throw new MigrationInputError({ parameter: 'rescue', value: `"${signature}"`, problem: `has no ${role === 'asset' ? 'token' : 'destination'} parameter (named ${parameterNames[role].slice(0, 3).join(', ')}…): firebreak must say which token goes where` })
  }
  const repeated = found.find((role, index) => found.indexOf(role) !== index)
  if (repeated) throw new MigrationInputError({ parameter: 'rescue', value: `"${signature}"`, problem: `has two parameters firebreak reads as the ${repeated}: rename one` })
  return found
}

function roleOf(input: AbiParameter, signature: string): RescueArgument {
  const name = (input.name ?? '').replace(/^_+|_+$/g, '').toLowerCase()
  const role = (Object.keys(parameterNames) as RescueArgument[]).find((candidate) => parameterNames[candidate].includes(name))
  const expectedType = role === 'amount' ? /^uint\d*$/ : /^address$/
  if (!role || !expectedType.test(input.type)) {
    throw new MigrationInputError({
      parameter: 'rescue',
      value: `"${signature}"`,
      problem: `firebreak cannot fill parameter "${input.name || '(unnamed)'}" (${input.type}); it passes a token (address), a destination (address) and an amount (uint256)`,
    })
  }
  return role
}

/** The call that moves `amount` of `asset` out of `contract` to `to` through the lever. */
export function rescueAction(lever: RescueLever, contract: { name: string; address: Address }, move: { asset: Address; to: Address; amount: bigint }): Action {
  const args = lever.arguments.map((role) => move[role])
  return contractCall({ name: contract.name, address: contract.address, abi: [lever.abi] }, lever.abi.name as never, args as never)
}
