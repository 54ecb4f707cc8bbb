import type { ChainClients } from '../chain/clients.js'
import { authorityFor } from '../engine/routing/authorityFor.js'
import type { Authority } from '../engine/plan.js'
import { UsageError } from '../errors.js'
import { describeAccount } from '../inspect/authorities/describeAccount.js'
import { didYouMean } from '../describeValue.js'
import type { Manifest } from '../manifest/types.js'

/**
 * The engine authority of the manifest authority named `name`: an EOA signs with the key the
 * manifest names for it, a Safe through its owners (read from the chain now, checked again before
 * sending). The key is only named here; it is read when a step is executed.
 */
export async function resolveFunder(chain: ChainClients, manifest: Manifest, name: string): Promise<Authority> {
  const declared = manifest.authorities.find((authority) => authority.name === name)
  if (!declared) {
    const names = manifest.authorities.map((authority) => authority.name)
    throw new UsageError(
      names.length === 0
        ? `${manifest.file} declares no authorities: add the treasury under "authorities" (type eoa with keyEnv, or type safe) and pass its name`
        : `no authority "${name}" in ${manifest.file}: expected one of ${names.join(', ')}${didYouMean(name, names)}`,
    )
  }
  const node = await describeAccount(chain, declared.address, new Map([[declared.address.toLowerCase(), declared.name]]))
  return authorityFor(node, manifest.authorities)
}
