import { type Address, type Hex, getAddress } from 'viem'
import { beforeAll, describe, expect, it } from 'vitest'
import type { KeyAuthority } from '../../engine/plan.js'
import { type BuildMigrationPlanParameters, buildMigrationPlan } from './buildMigrationPlan.js'
import { type MigrationArtifacts, migrationArtifacts } from './migrationArtifacts.js'
import type { SnapshotBatch } from './readSnapshotBatches.js'
import { parseRescueLever } from './rescueLever.js'

const authority: KeyAuthority = { kind: 'key', address: getAddress('0x70997970c51812dc3a010c7d01b50e0d17dc79c8'), label: 'migrator' }
const oldContract = { name: 'LegacyVault', address: getAddress(`0x${'aa'.repeat(20)}`) }
const asset = getAddress(`0x${'a5'.repeat(20)}`)
const treasury = getAddress(`0x${'7e'.repeat(20)}`)
const sha256: Hex = `0x${'5a'.repeat(32)}`
const account = (index: number) => getAddress(`0x${(index + 1).toString(16).padStart(40, '0')}`) as Address

let artifacts: MigrationArtifacts
beforeAll(async () => {
  artifacts = await migrationArtifacts()
})

/** `count` accounts, account i holding i + 1, cut into batches of `size`. */
function batchesOf(count: number, size: number): SnapshotBatch[] {
  const batches: SnapshotBatch[] = []
  for (let offset = 0; offset < count; offset += size) {
    const accounts = Array.from({ length: Math.min(size, count - offset) }, (_, index) => account(offset + index))
    const amounts = accounts.map((_, index) => BigInt(offset + index + 1))
    batches.push({ index: batches.length, offset, accounts, amounts, total: amounts.reduce((sum, amount) => sum + amount, 0n) })
  }
  return batches
}

function parameters(overrides: Partial<BuildMigrationPlanParameters> = {}): BuildMigrationPlanParameters {
  return {
    id: 'eradicate-migrate-mint-5a5a5a5a5a5a',
    oldContract,
    snapshot: { sha256, accounts: 10, total: 55n },
    token: { artifact: artifacts.token, name: 'Legacy Vault Share', symbol: 'lvUSD', decimals: 18 },
    authority,
    mode: { kind: 'mint', batches: batchesOf(10, 4) },
    ...overrides,
  }
}

describe('buildMigrationPlan (pure)', () => {
  it('names each batch by its place in the snapshot and expects the supply to grow by exactly that batch', () => {
    const plan = buildMigrationPlan(parameters())

    expect(plan.steps.map((step) => step.id)).toEqual(['deploy-token', 'mint-000000', 'mint-000001', 'mint-000002', 'finish'])
    const supplies = plan.steps.slice(1, 4).map((step) => step.postconditions.find((check) => check.kind === 'read' && check.abi.name === 'totalSupply'))
    expect(supplies.map((check) => (check as { expect: bigint }).expect)).toEqual([10n, 36n, 55n])
    const done = plan.steps[2]?.doneWhen as { abi: { name: string }; args: unknown[]; expect: bigint }
    expect(done.abi.name).toBe('countMigrated')
    expect(done).toMatchObject({ args: [[account(4), account(5), account(6), account(7)]], expect: 4n })
    expect(plan.steps[3]?.title).toBe('carry over balances 9–10 of 10 (19 lvUSD)')
    expect(plan.steps.every((step) => step.authority === authority)).toBe(true)
  })

  it('deploys the new token at an address fixed by the snapshot, whatever the batches', () => {
    const first = buildMigrationPlan(parameters())
    const rebatched = buildMigrationPlan(parameters({ mode: { kind: 'mint', batches: batchesOf(10, 7) } }))
    const otherSnapshot = buildMigrationPlan(parameters({ snapshot: { sha256: `0x${'5b'.repeat(32)}`, accounts: 10, total: 55n } }))

    expect(rebatched.tokenAddress).toBe(first.tokenAddress)
    expect(otherSnapshot.tokenAddress).not.toBe(first.tokenAddress)
    expect(first.steps[0]?.doneWhen).toEqual({ kind: 'code', description: `a contract is already deployed at ${first.tokenAddress}`, address: first.tokenAddress, present: true })
  })

  it('moves every asset after the mints and before minting ends, upgrading the old contract first when asked', () => {
    const plan = buildMigrationPlan(
      parameters({
        move: {
          lever: parseRescueLever('migrateAssets(address token, address to)'),
          to: treasury,
          assets: [{ asset, label: 'SEED', held: 900n, destinationHeld: 100n }],
          authority,
          upgrade: { route: { kind: 'uups', proxy: oldContract.address }, implementation: getAddress(`0x${'1e'.repeat(20)}`) },
        },
      }),
    )

    expect(plan.steps.map((step) => step.id)).toEqual(['deploy-token', 'mint-000000', 'mint-000001', 'mint-000002', 'upgrade-old', 'move-a5a5a5a5', 'finish'])
    const move = plan.steps[5]!
    expect(move.actions[0]?.decoded.text).toBe(`LegacyVault.migrateAssets(${asset}, ${treasury})`)
    expect(move.postconditions.map((check) => [check.description, (check as { expect: bigint }).expect, (check as { op?: string }).op])).toEqual([
      ['LegacyVault holds no SEED', 0n, undefined],
      [`${treasury} received the 900 SEED`, 1000n, 'gte'],
    ])
  })

  it('mints the whole total once to the claim contract in claim mode', () => {
    const root: Hex = `0x${'c1'.repeat(32)}`
    const plan = buildMigrationPlan(parameters({ mode: { kind: 'claim', artifact: artifacts.claim, root, deadline: 2_000_000_000n } }))

    expect(plan.steps.map((step) => step.id)).toEqual(['deploy-token', 'deploy-claim', 'mint-000000', 'finish'])
    expect(plan.steps[2]?.actions[0]?.decoded.text).toBe(`lvUSD.migrateBalances([${plan.claimAddress}], [55])`)
  })
})
