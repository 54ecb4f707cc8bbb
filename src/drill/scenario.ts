import { type Address, type Hash, encodeFunctionData, maxUint256 } from 'viem'
import type { ChainClients } from '../chain/clients.js'
import { recordAttack as recordAttackEntry } from '../attack/recordAttack.js'
import type { JournalLike } from '../engine/journalLike.js'
import { deployContract } from '../chain/deploy.js'
import type { Artifacts } from '../solidity/artifacts.js'
import type { DrillActors } from './actors.js'
import { type DrillProtocol, sendAll } from './deployProtocol.js'

/** Every user approves the vault and deposits their tokens. */
export async function depositAll(chain: ChainClients, protocol: DrillProtocol, actors: DrillActors): Promise<void> {
  await Promise.all(
    actors.users.map((user) =>
      sendAll(chain, user.account, [
        { address: protocol.token.address, abi: protocol.token.abi, functionName: 'approve', args: [protocol.vault.address, maxUint256] },
        { address: protocol.vault.address, abi: protocol.vault.abi, functionName: 'deposit', args: [user.deposit, user.account.address] },
      ]),
    ),
  )
}

export type Attack = {
  exploit: Address
  txHash: Hash
  blockNumber: bigint
  from: Address
  to: Address
  data: `0x${string}`
  victims: Address[]
  /** Tokens the attacker gained in the attack transaction. */
  stolen: bigint
}

/**
 * The attacker deploys DrillExploit, then drains the three largest depositors in one transaction
 * through V1's unchecked `redeem`. The smallest depositor is left for a second attempt.
 */
export async function runAttack(chain: ChainClients, artifacts: Artifacts, protocol: DrillProtocol, actors: DrillActors): Promise<Attack> {
  const exploitArtifact = artifacts.get('DrillExploit')
  const exploit = await deployContract(chain, actors.attacker, exploitArtifact, [])
  const victims = [...actors.users]
    .sort((a, b) => (a.deposit > b.deposit ? -1 : 1))
    .slice(0, 3)
    .map((user) => user.account.address)
  const data = drainCalldata(artifacts, protocol, victims)
  const before = await balanceOf(chain, protocol, actors.attacker.address)
  const txHash = await chain.wallet(actors.attacker).sendTransaction({ to: exploit, data })
  const receipt = await chain.public.waitForTransactionReceipt({ hash: txHash })
  const after = await balanceOf(chain, protocol, actors.attacker.address)
  return { exploit, txHash, blockNumber: receipt.blockNumber, from: actors.attacker.address, to: exploit, data, victims, stolen: after - before }
}

export function drainCalldata(artifacts: Artifacts, protocol: DrillProtocol, victims: Address[]): `0x${string}` {
  return encodeFunctionData({ abi: artifacts.get('DrillExploit').abi, functionName: 'drain', args: [protocol.vault.address, victims] })
}

async function balanceOf(chain: ChainClients, protocol: DrillProtocol, account: Address): Promise<bigint> {
  return (await chain.public.readContract({ ...protocol.token, functionName: 'balanceOf', args: [account] })) as bigint
}

/** The attack as the incident's first entry (src/attack/recordAttack.ts): what the report's summary and timeline start from. */
export function recordAttack(journal: JournalLike, attack: Attack, protocol: DrillProtocol, chain?: string): void {
  recordAttackEntry(journal, {
    ...(chain ? { chain } : {}),
    txHash: attack.txHash,
    blockNumber: attack.blockNumber,
    attacker: attack.from,
    exploitContract: attack.exploit,
    victims: attack.victims,
    stolen: attack.stolen,
    asset: { address: protocol.token.address, symbol: 'dUSD', decimals: 18 },
    measuredBy: 'chain',
  })
}
