import { type Address, type Hex, concat } from 'viem'
import type { ChainClients } from '../chain/clients.js'
import { FirebreakError } from '../errors.js'

/**
 * The runtime code of contracts/eradicate/BalanceReader.sol, as firebreak compiles it (a test
 * checks the two match). Kept here so that a snapshot never waits for solc.
 */
export const balanceReaderCode: Hex =
  '0x608060405234801561000f575f5ffd5b505f366060826100226014828581610228565b61002b9161024f565b60601c90505f601461003d81866102b0565b61004791906102c9565b90506100548160206102e8565b67ffffffffffffffff81111561006c5761006c6102ff565b6040519080825280601f01601f191660200182016040528015610096576020820181803683370190505b5092505f5b8181101561021a575f86866100b18460146102e8565b6100bc906014610313565b906100c88560146102e8565b6100d3906028610313565b926100e093929190610228565b6100e99161024f565b60601c90505f5f856001600160a01b03166370a082318460405160240161011f91906001600160a01b0391909116815260200190565b6040516020818303038152906040529060e01b6020820180516001600160e01b0383818316178352505050506040516101589190610326565b5f60405180830381855afa9150503d805f8114610190576040519150601f19603f3d011682016040523d82523d5f602084013e610195565b606091505b50915091508180156101a957506020815110155b6101ec5760405162461bcd60e51b815260206004820152601060248201526f18985b185b98d953d98819985a5b195960821b604482015260640160405180910390fd5b5f81806020019051810190610201919061033c565b60208681028a01015250506001909201915061009b9050565b505050915050805190602001f35b5f5f85851115610236575f5ffd5b83861115610242575f5ffd5b5050820193919092039150565b80356bffffffffffffffffffffffff198116906014841015610295576bffffffffffffffffffffffff196bffffffffffffffffffffffff198560140360031b1b82161691505b5092915050565b634e487b7160e01b5f52601160045260245ffd5b818103818111156102c3576102c361029c565b92915050565b5f826102e357634e487b7160e01b5f52601260045260245ffd5b500490565b80820281158282048414176102c3576102c361029c565b634e487b7160e01b5f52604160045260245ffd5b808201808211156102c3576102c361029c565b5f82518060208501845e5f920191825250919050565b5f6020828403121561034c575f5ffd5b505191905056fea26469706673582212202d6acb6c3309db41e4b8e21a35b4a87b493e7b51e0f3ad7aa8ca197ee0ab329b64736f6c63430008250033'

/** Where the reader's code is placed by the state override: an address nobody holds a key for. */
export const balanceReaderAddress: Address = '0x00000000000000000000000000000000f12eb12e'

/** Whether the node runs the reader through a state override at `blockNumber` (most do; some providers refuse overrides). */
export async function canUseBalanceReader(chain: ChainClients, token: Address, blockNumber: bigint): Promise<boolean> {
  try {
    const balances = await readThroughBalanceReader(chain, token, [token], blockNumber)
    return balances.length === 1
  } catch {
    return false
  }
}

/** `balanceOf` of every account in one `eth_call`: packed addresses in, one 32-byte word per account out. */
export async function readThroughBalanceReader(chain: ChainClients, token: Address, accounts: readonly Address[], blockNumber: bigint): Promise<bigint[]> {
  const { data } = await chain.public.call({
    to: balanceReaderAddress,
    data: concat([token, ...accounts]),
    blockNumber,
    stateOverride: [{ address: balanceReaderAddress, code: balanceReaderCode }],
  })
  const words = (data ?? '0x').slice(2)
  if (words.length !== accounts.length * 64) throw new FirebreakError(`the balance reader returned ${words.length / 2} bytes for ${accounts.length} accounts`)
  const balances = new Array<bigint>(accounts.length)
  for (let index = 0; index < accounts.length; index++) balances[index] = BigInt(`0x${words.slice(index * 64, index * 64 + 64)}`)
  return balances
}
