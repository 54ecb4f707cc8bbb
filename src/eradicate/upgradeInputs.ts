import { type Address, type Hash, type Hex, encodeFunctionData, getAddress, isAddress, isHex } from 'viem'
import { InvalidInputError } from '../errors.js'
import { manifestArguments, manifestFunction } from '../manifest/manifestCall.js'
import type { Manifest } from '../manifest/types.js'
import type { ContractArtifact } from '../solidity/artifacts.js'
import type { AttackTransaction } from './replayAttack.js'
import type { AttackInput } from './runUpgrade.js'

/**
 * The calldata the new implementation runs during the upgrade: raw hex, or a function of the
 * patched contract with its arguments (`initializeV2`, `setFee 30`). Nothing means `0x`.
 */
export function initCalldata(patched: ContractArtifact, init: string | undefined, args: readonly string[] = []): Hex {
  if (init === undefined) return '0x'
  if (isHex(init)) return init
  const fn = manifestFunction(patched.abi, init)
  if (!fn) throw new InvalidInputError({ parameter: 'init', value: init, problem: `not a function of ${patched.contractName}: give its name, its signature or raw calldata (0x…)` })
  const values = manifestArguments(fn, args, (path, problem) => {
    throw new InvalidInputError({ parameter: 'initArgs', value: typeof path[0] === 'number' ? `argument ${path[0] + 1}` : undefined, problem })
  })
  return encodeFunctionData({ abi: [fn], functionName: fn.name, args: values })
}

/** `from,to,data[,value]`: one attack transaction as a block explorer shows it, for when no hash is at hand. */
export function parseAttackCall(text: string): AttackTransaction {
  const [from, to, data, value, ...rest] = text.split(',').map((part) => part.trim())
  const invalid = (what: string) => new InvalidInputError({ parameter: 'calls', value: `"${text}"`, problem: `expected from,to,data[,value] with ${what}` })
  if (rest.length > 0 || !from || to === undefined || !data) throw invalid('three or four comma-separated parts')
  if (!isAddress(from, { strict: false })) throw invalid('from as an address')
  if (to !== '' && !isAddress(to, { strict: false })) throw invalid('to as an address (or empty for a contract creation)')
  if (!isHex(data)) throw invalid('data as 0x-prefixed hex')
  if (value !== undefined && !/^\d+$/.test(value)) throw invalid('value in wei (digits)')
  return { from: getAddress(from), to: to === '' ? undefined : getAddress(to), data, value: BigInt(value ?? 0) }
}

/** An address, or the name of a contract in the manifest (the protocol's token). */
export function addressOrContract(manifest: Manifest, parameter: string, value: string): Address {
  if (isAddress(value, { strict: false })) return getAddress(value)
  const found = manifest.contracts.find((contract) => contract.name === value)
  if (!found) throw new InvalidInputError({ parameter, value: `"${value}"`, problem: `expected an address or a contract named in ${manifest.file} (${manifest.contracts.map((contract) => contract.name).join(', ')})` })
  return found.address
}

/** The attack to replay: transaction hashes, or calls and the block they were mined in. */
export function attackInput(options: { hashes?: readonly string[]; calls?: readonly string[]; block?: bigint }): AttackInput {
  if (options.hashes && options.calls) throw new InvalidInputError({ parameter: 'hashes', problem: 'give the attack as transaction hashes or as calls with their block, not both', related: ['calls'] })
  if (options.hashes) {
    const bad = options.hashes.find((hash) => !/^0x[0-9a-fA-F]{64}$/.test(hash))
    if (bad) throw new InvalidInputError({ parameter: 'hashes', value: `"${bad}"`, problem: 'expected transaction hashes (0x and 64 hex digits)' })
    return { hashes: options.hashes as Hash[] }
  }
  if (!options.calls) throw new InvalidInputError({ parameter: 'hashes', problem: 'the replay gate needs the attack: its transaction hashes, or its calls with their block', related: ['calls', 'block'] })
  if (options.block === undefined) throw new InvalidInputError({ parameter: 'block', problem: 'attack calls need the block the attack was mined in', related: ['calls'] })
  return { block: options.block, transactions: options.calls.map(parseAttackCall) }
}
