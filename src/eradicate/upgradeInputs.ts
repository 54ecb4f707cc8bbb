import { type Address, type Hash, type Hex, encodeFunctionData, getAddress, isAddress, isHex } from 'viem'
import { UsageError } from '../errors.js'
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
  if (!fn) throw new UsageError(`--init names ${init}, which is not a function of ${patched.contractName}: give its name, its signature or raw calldata (0x…)`)
  const values = manifestArguments(fn, args, (path, problem) => {
    throw new UsageError(`--init-arg${typeof path[0] === 'number' ? ` ${path[0] + 1}` : ''}: ${problem}`)
  })
  return encodeFunctionData({ abi: [fn], functionName: fn.name, args: values })
}

/** `from,to,data[,value]`: one attack transaction as a block explorer shows it, for when no hash is at hand. */
export function parseAttackCall(text: string): AttackTransaction {
  const [from, to, data, value, ...rest] = text.split(',').map((part) => part.trim())
  const invalid = (what: string) => new UsageError(`--attack-call expects from,to,data[,value] with ${what}, got "${text}"`)
  if (rest.length > 0 || !from || to === undefined || !data) throw invalid('three or four comma-separated parts')
  if (!isAddress(from, { strict: false })) throw invalid('from as an address')
  if (to !== '' && !isAddress(to, { strict: false })) throw invalid('to as an address (or empty for a contract creation)')
  if (!isHex(data)) throw invalid('data as 0x-prefixed hex')
  if (value !== undefined && !/^\d+$/.test(value)) throw invalid('value in wei (digits)')
  return { from: getAddress(from), to: to === '' ? undefined : getAddress(to), data, value: BigInt(value ?? 0) }
}

/** An address, or the name of a contract in the manifest (the protocol's token). */
export function addressOrContract(manifest: Manifest, flag: string, value: string): Address {
  if (isAddress(value, { strict: false })) return getAddress(value)
  const found = manifest.contracts.find((contract) => contract.name === value)
  if (!found) throw new UsageError(`${flag} expects an address or a contract named in ${manifest.file} (${manifest.contracts.map((contract) => contract.name).join(', ')}), got "${value}"`)
  return found.address
}

/** The attack from the command line: hashes (`--attack`), or calls (`--attack-call`) and their block. */
export function attackInput(options: { attack?: string[]; attackCall?: string[]; attackBlock?: string }): AttackInput {
  if (options.attack && options.attackCall) throw new UsageError('give the attack as --attack <hash…> or as --attack-call with --attack-block, not both')
  if (options.attack) {
    const bad = options.attack.find((hash) => !/^0x[0-9a-fA-F]{64}$/.test(hash))
    if (bad) throw new UsageError(`--attack expects transaction hashes (0x and 64 hex digits), got "${bad}"`)
    return { hashes: options.attack as Hash[] }
  }
  if (!options.attackCall) throw new UsageError('the replay gate needs the attack: pass --attack <hash…> (or --attack-call with --attack-block)')
  if (!options.attackBlock || !/^\d+$/.test(options.attackBlock)) throw new UsageError('--attack-call needs --attack-block <number>: the block the attack was mined in')
  return { block: BigInt(options.attackBlock), transactions: options.attackCall.map(parseAttackCall) }
}
