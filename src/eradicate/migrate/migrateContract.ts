import { resolve } from 'node:path'
import { keyAuthority } from '../../engine/routing/authorityFor.js'
import type { KeyAuthority } from '../../engine/plan.js'
import { errorMessage } from '../../errors.js'
import type { Incident } from '../../journal/incident.js'
import { didYouMean } from '../../describeValue.js'
import { connectToManifestChain, manifestContract } from '../../manifest/manifestChain.js'
import type { Manifest } from '../../manifest/types.js'
import { snapshotContract } from '../../snapshot/snapshotContract.js'
import { MigrationInputError } from './errors.js'
import { type MigrationOutcome, type RunMigrationParameters, runMigration } from './runMigration.js'

export type MigrateContractParameters = Omit<RunMigrationParameters, 'chain' | 'oldContract' | 'authority' | 'assetAuthority' | 'snapshotFile'> & {
  manifest: Manifest
  /** The old contract, by its name in the manifest. */
  contract: string
  /** A snapshot file of it (firebreak snapshot); one is taken at the latest block when absent. */
  snapshotFile?: string
  /** The manifest's eoa authority that deploys and mints (the migrator). */
  authority: string
  /** The manifest's eoa authority that holds the old contract's lever; `authority` by default. */
  assetAuthority?: string
  chain?: string
  rpcUrl?: string
  incident: Incident
}

/**
 * `firebreak migrate <contract>` from the manifest: the old contract and the authorities by name,
 * the chain checked against its chain id, a snapshot taken now when none is given; then
 * runMigration. A mistake in any of these is journaled too, as `migrate.failed`.
 */
export async function migrateContract(parameters: MigrateContractParameters): Promise<MigrationOutcome> {
  const { manifest, incident } = parameters
  let resolved: Pick<RunMigrationParameters, 'chain' | 'oldContract' | 'authority' | 'assetAuthority' | 'snapshotFile'>
  try {
    const target = manifestContract(manifest, parameters.contract)
    const { chain } = await connectToManifestChain(manifest, { chain: target.chain, rpcUrl: parameters.rpcUrl })
    const authority = eoaAuthority(manifest, parameters.authority, 'authority')
    const assetAuthority = parameters.assetAuthority ? eoaAuthority(manifest, parameters.assetAuthority, 'assetAuthority') : undefined
    const snapshotFile = parameters.snapshotFile
      ? resolve(parameters.snapshotFile)
      : (snapshotOfLastMigration(incident, target.name) ?? (await snapshotContract({ manifest, contract: target.name, chain: parameters.chain, rpcUrl: parameters.rpcUrl, incident })).file)
    resolved = { chain, oldContract: { name: target.name, address: target.address, ...(target.abi ? { abi: target.abi } : {}) }, authority, ...(assetAuthority ? { assetAuthority } : {}), snapshotFile }
  } catch (error) {
    incident.journal.append('migrate.failed', { contract: parameters.contract, stage: 'input', reason: errorMessage(error).split('\n')[0] })
    throw error
  }
  const { manifest: _manifest, contract: _contract, chain: _chain, rpcUrl: _rpcUrl, authority: _authority, assetAuthority: _assetAuthority, snapshotFile: _snapshotFile, ...rest } = parameters
  return runMigration({ ...rest, ...resolved })
}

/**
 * Without --snapshot, a run in an incident that already planned a migration of the contract goes on
 * with that migration's snapshot: a fresh one would be another migration (another plan, another new
 * contract), and after the old contract was drained it would carry over the wrong state.
 */
function snapshotOfLastMigration(incident: Incident, contract: string): string | undefined {
  const planned = incident.journal.entries().findLast((entry) => entry.type === 'migrate.planned' && (entry.data as { contract?: unknown }).contract === contract)
  return (planned?.data as { snapshot?: { file?: string } } | undefined)?.snapshot?.file
}

/** Migration sends dozens of transactions: one key signs them; a Safe would need a signing round per batch. */
function eoaAuthority(manifest: Manifest, name: string, parameter: string): KeyAuthority {
  const declared = manifest.authorities.find((authority) => authority.name === name)
  if (!declared) {
    const names = manifest.authorities.map((authority) => authority.name)
    throw new MigrationInputError({ parameter, value: name, problem: `no authority of that name in ${manifest.file}${names.length ? `, expected one of ${names.join(', ')}${didYouMean(name, names)}` : ''}` })
  }
  if (declared.type !== 'eoa') throw new MigrationInputError({ parameter, value: name, problem: `is a ${declared.type}: a migration sends one transaction per batch, signed by an eoa authority's key` })
  return keyAuthority(declared.address, manifest.authorities, declared.name)
}
