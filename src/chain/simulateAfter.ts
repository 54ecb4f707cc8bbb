import { type Abi, type Address, BaseError, type ContractFunctionParameters, type Hex, InvalidParamsRpcError, decodeFunctionResult, encodeFunctionData, zeroAddress } from 'viem'
import type { ChainClients } from './clients.js'
import { type SequenceCall, simulateSequence } from './simulateSequence.js'

/**
 * A transaction seen in the mempool, as far as running it needs: viem's `Transaction` fits as it is
 * (it names the calldata `input`), and so does a request that names it `data`.
 */
export type PendingTransactionCall = { from: Address; to: Address | null; value?: bigint; gas?: bigint } & ({ data: Hex } | { input: Hex })

/** A view call, viem style (`readContract`'s parameters). */
export type SimulatedRead = ContractFunctionParameters<Abi, 'view' | 'pure'>

export type SimulateAfterParameters = {
  transaction: PendingTransactionCall
  /** Read, in this order, on the state the transaction leaves behind. */
  reads: readonly SimulatedRead[]
  /** The state the transaction runs on; the latest block by default. */
  blockNumber?: bigint
}

export type SimulateAfterReturnType = {
  /**
   * `unsupported`: a contract creation the node cannot simulate (anvil cannot; geth can). The
   * reads were not run then: their values are all undefined.
   */
  transaction: { status: 'success' | 'reverted'; data: Hex } | { status: 'unsupported' }
  /** Each read's decoded value; undefined where the read reverted, returned nothing or did not decode. */
  values: (unknown | undefined)[]
}

/**
 * What the chain would look like if a pending transaction were mined next: it runs on the current
 * state, then the reads run on what it left, all in one `eth_simulateV1` request (through
 * {@link simulateSequence}, so a node without the method gets a throwaway fork instead). The
 * watcher asks "after this transaction, is the vault's balance still there?" before deciding to
 * front-run it. Nothing is sent; signature, nonce and fee checks are off, as the transaction is
 * run as if it came from its sender now. A node that fails is an error.
 */
export async function simulateAfter(chain: ChainClients, { transaction, reads, blockNumber }: SimulateAfterParameters): Promise<SimulateAfterReturnType> {
  const pending: SequenceCall = {
    from: transaction.from,
    to: transaction.to,
    data: 'data' in transaction ? transaction.data : transaction.input,
    ...(transaction.value === undefined ? {} : { value: transaction.value }),
    ...(transaction.gas === undefined ? {} : { gas: transaction.gas }),
  }
  // Reads come from no one, as an eth_call without `from` does.
  const readCalls = reads.map((read): SequenceCall => ({ from: zeroAddress, to: read.address, data: encodeFunctionData(read as never) }))
  let results
  try {
    results = await simulateSequence(chain, { calls: [pending, ...readCalls], ...(blockNumber === undefined ? {} : { blockNumber }) })
  } catch (error) {
    if (pending.to === null && isInvalidParams(error)) return { transaction: { status: 'unsupported' }, values: reads.map(() => undefined) }
    throw error
  }
  const [outcome, ...readResults] = results
  if (!outcome) throw new Error('eth_simulateV1 returned no result for the pending transaction')
  return {
    // What the pending transaction does, as its type promises: gas is the simulation's business.
    transaction: { status: outcome.status, data: outcome.data },
    values: reads.map((read, index) => decodeRead(read, readResults[index])),
  }
}

function decodeRead(read: SimulatedRead, result: { status: 'success' | 'reverted'; data: Hex } | undefined): unknown | undefined {
  if (!result || result.status !== 'success' || result.data === '0x') return undefined
  try {
    return decodeFunctionResult({ abi: read.abi, functionName: read.functionName, data: result.data } as never)
  } catch {
    return undefined
  }
}

/** anvil's refusal of a creation: "eip1559 transaction can't be built due to missing keys: ["to"]" (-32602). */
function isInvalidParams(error: unknown): boolean {
  return error instanceof BaseError && error.walk((cause) => cause instanceof InvalidParamsRpcError) !== null
}
