import { type Abi, type Account, type Address, type Hex, encodeDeployData } from 'viem'
import { FirebreakError } from '../errors.js'
import type { ChainClients } from './clients.js'

export type Deployable = { contractName: string; abi: Abi; bytecode: Hex }

/** Deploys `artifact` from `account` and waits for it; returns the new contract's address. */
export async function deployContract(chain: ChainClients, account: Account | Address, artifact: Deployable, args: readonly unknown[] = []): Promise<Address> {
  const data = encodeDeployData({ abi: artifact.abi, bytecode: artifact.bytecode, args: args as unknown[] })
  const hash = await chain.wallet(account).sendTransaction({ data } as never)
  const receipt = await chain.public.waitForTransactionReceipt({ hash })
  if (receipt.status !== 'success' || !receipt.contractAddress) {
    throw new FirebreakError(`deploying ${artifact.contractName} failed in transaction ${hash}`)
  }
  return receipt.contractAddress
}
