import { join } from 'node:path'
import { packageRoot } from '../../packageRoot.js'
import type { ContractArtifact } from '../../solidity/artifacts.js'
import { compileContracts } from '../../solidity/compile.js'

export type MigrationArtifacts = { token: ContractArtifact; claim: ContractArtifact }

/**
 * The contracts a migration deploys: MigrationToken (contracts/eradicate) and, for claim mode,
 * ReimbursementClaim (contracts/recover). Each folder is compiled alone, so the artifacts (and so
 * the CREATE2 address a resumed run must find again) do not change when other contracts do.
 */
export async function migrationArtifacts(parameters: { cacheDir?: string } = {}): Promise<MigrationArtifacts> {
  const [eradicate, recover] = await Promise.all([
    compileContracts({ sourcesDir: join(packageRoot, 'contracts', 'eradicate'), cacheDir: parameters.cacheDir }),
    compileContracts({ sourcesDir: join(packageRoot, 'contracts', 'recover'), cacheDir: parameters.cacheDir }),
  ])
  return { token: eradicate.artifacts.get('MigrationToken'), claim: recover.artifacts.get('ReimbursementClaim') }
}
