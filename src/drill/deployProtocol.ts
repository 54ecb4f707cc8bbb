import { type Abi, type Address, type Hash, encodeFunctionData } from 'viem'
import type { ChainClients } from '../chain/clients.js'
import { deployContract } from '../chain/deploy.js'
import type { ContractRef } from '../engine/plan.js'
import type { Artifacts } from '../solidity/artifacts.js'
import type { DrillActors } from './actors.js'

export type DrillProtocol = {
  token: ContractRef
  /** The proxy, addressed with V1's ABI (V2's is a superset). */
  vault: ContractRef
  implementationV1: Address
  depositCap: bigint
}

/** The reserve the treasury holds to reimburse users. */
export const TREASURY_RESERVE = 1_000_000n * 10n ** 18n

/**
 * Deploys the drill's protocol: the dUSD token, DrillVaultV1 behind OpenZeppelin's ERC1967Proxy,
 * governance holding admin and upgrade rights, the guardian holding the pause, and a treasury
 * reserve. Users receive the tokens they will deposit.
 */
export async function deployProtocol(chain: ChainClients, artifacts: Artifacts, actors: DrillActors): Promise<DrillProtocol> {
  const { admin } = actors
  const tokenArtifact = artifacts.get('DrillToken')
  const vaultArtifact = artifacts.get('DrillVaultV1')
  const depositCap = 10_000_000n * 10n ** 18n

  const tokenAddress = await deployContract(chain, admin, tokenArtifact, [admin.address])
  const implementationV1 = await deployContract(chain, admin, vaultArtifact, [])
  const initialize = encodeFunctionData({
    abi: vaultArtifact.abi,
    functionName: 'initialize',
    args: [tokenAddress, admin.address, actors.guardian.address, depositCap],
  })
  const proxy = await deployContract(chain, admin, artifacts.get('ERC1967Proxy'), [implementationV1, initialize])

  const token: ContractRef = { name: 'dUSD', address: tokenAddress, abi: tokenArtifact.abi }
  const mints = [
    { to: actors.treasury.address, amount: TREASURY_RESERVE },
    ...actors.users.map((user) => ({ to: user.account.address, amount: user.deposit })),
  ]
  await sendAll(chain, admin, mints.map((mint) => ({ address: tokenAddress, abi: tokenArtifact.abi, functionName: 'mint', args: [mint.to, mint.amount] })))
  return { token, vault: { name: 'vault', address: proxy, abi: vaultArtifact.abi }, implementationV1, depositCap }
}

type Write = { address: Address; abi: Abi; functionName: string; args: unknown[] }

/** Sends several calls from one account back to back (nonces in order) and waits for them all. */
export async function sendAll(chain: ChainClients, account: DrillActors['admin'], writes: Write[]): Promise<void> {
  const wallet = chain.wallet(account)
  let nonce = await chain.public.getTransactionCount({ address: account.address, blockTag: 'pending' })
  const hashes: Hash[] = []
  for (const write of writes) {
    hashes.push(await wallet.writeContract({ ...write, nonce: nonce++ } as never))
  }
  await Promise.all(hashes.map((hash) => chain.public.waitForTransactionReceipt({ hash })))
}
