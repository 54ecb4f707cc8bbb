import { type Address, type Hash, erc20Abi, isAddressEqual } from 'viem'
import type { ChainClients } from '../chain/clients.js'
import { tryRead } from '../chain/tryRead.js'
import type { JournalLike } from '../engine/journalLike.js'
import { type JournalEntries, type JournaledAsset, entriesOf } from '../journal/entries.js'
import type { AttackFromChain } from './readAttackTransactions.js'

export type RecordAttackParameters = JournalEntries['attack.detected']

/**
 * The attack as the incident's record of it: the entry the report's summary, timeline and charts
 * start from. An attack already journaled (the same first transaction, or the same block and
 * sender when there are no hashes) is not journaled again, so a command run twice in one incident
 * leaves one attack. Returns whether it wrote the entry.
 */
export function recordAttack(journal: JournalLike, attack: RecordAttackParameters): boolean {
  const already = entriesOf(journal, 'attack.detected').some(({ data }) =>
    attack.txHash !== undefined
      ? data.txHash?.toLowerCase() === attack.txHash.toLowerCase()
      : data.txHash === undefined && data.blockNumber === String(attack.blockNumber) && isAddressEqual(data.attacker, attack.attacker),
  )
  if (already) return false
  journal.append('attack.detected', attack)
  return true
}

export type RecordReplayedAttackParameters = {
  /** The attack as it was replayed (readAttackTransactions, or calls given with their block). */
  attack: Pick<AttackFromChain, 'attackBlock' | 'attack'>
  /** The hashes it was read from; none when the attack was given as calls. */
  hashes: readonly Hash[]
  /** What the replay on the unpatched code extracted: 0 when it did not reproduce the attack. */
  extracted: bigint
  asset: Address
  victims: readonly Address[]
}

/**
 * The attack `firebreak upgrade` replays, recorded like one the war room watched land: its
 * transactions, block, sender and the contract it called, and what it took, measured by the
 * replay on the code as it was. The asset's symbol and decimals are read from the chain, so the
 * report prints amounts as people read them.
 */
export async function recordReplayedAttack(chain: ChainClients, journal: JournalLike, parameters: RecordReplayedAttackParameters): Promise<boolean> {
  const [first] = parameters.attack.attack
  if (first === undefined) return false
  const [firstHash] = parameters.hashes
  return recordAttack(journal, {
    ...(firstHash === undefined ? {} : { txHash: firstHash }),
    ...(parameters.hashes.length > 1 ? { transactions: parameters.hashes } : {}),
    blockNumber: parameters.attack.attackBlock,
    attacker: first.from,
    ...(first.to === undefined ? {} : { exploitContract: first.to }),
    victims: parameters.victims,
    // A replay that took nothing did not reproduce the attack (the replay gate says so): its figure is no measure.
    ...(parameters.extracted > 0n ? { stolen: parameters.extracted } : {}),
    asset: await readAsset(chain, parameters.asset),
    measuredBy: 'replay',
  })
}

async function readAsset(chain: ChainClients, address: Address): Promise<JournaledAsset> {
  const [symbol, decimals] = await Promise.all([
    tryRead(chain, { address, abi: erc20Abi, functionName: 'symbol' }),
    tryRead(chain, { address, abi: erc20Abi, functionName: 'decimals' }),
  ])
  // A token without decimals() is printed in base units, said so, rather than guessed at 18.
  if (typeof decimals !== 'number') return { address, symbol: `units of ${address}`, decimals: 0 }
  return { address, symbol: typeof symbol === 'string' ? symbol : 'tokens', decimals }
}
