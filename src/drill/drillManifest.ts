import type { Manifest, ManifestInvariant, ManifestRestoreStage } from '../manifest/types.js'
import { drainCalldata } from './scenario.js'
import { type PartialDrillState, need } from './state.js'

/** The drill's one chain, by the name its manifest gives it. */
const CHAIN = 'drill'

/** The drill's only restore stage: depositors may take their funds out again. */
export const WITHDRAWALS_STAGE = 'withdrawals'

/** The authority that reopens the vault and approves doing so. */
export const GOVERNANCE = 'governance'

const ONE_DUSD = 10n ** 18n

/**
 * The manifest a team would have written for the drill's protocol: the vault, governance's key,
 * and how to reopen the vault. It lives in memory because the drill's chain and addresses exist
 * only for this run; handing it to the library lets the drill snapshot, approve and restore
 * through the same code, gates included, as `firebreak snapshot` and `firebreak restore`.
 */
export function drillManifest(state: PartialDrillState): Manifest {
  const chain = need(state, 'chain')
  const vault = need(state, 'protocol').vault
  return {
    file: '(drill)',
    chains: [{ name: CHAIN, rpcUrl: chain.rpcUrl, chainId: chain.chain.id }],
    // By recovery the proxy runs DrillVaultV2: its ABI is the one the reopened vault answers to.
    contracts: [{ name: vault.name, address: vault.address, chain: CHAIN, abi: need(state, 'artifacts').get('DrillVaultV2').abi }],
    authorities: [{ name: GOVERNANCE, type: 'eoa', address: need(state, 'actors').admin.address }],
    playbooks: [],
    normalOperations: [],
    restore: [withdrawalsStage(state)],
  }
}

/**
 * Unpause the vault once governance has signed, the fix gates have passed, and on a fork what
 * must hold once users are back does: the smallest depositor can withdraw, and the exploit aimed
 * at them fails against the fixed vault.
 */
function withdrawalsStage(state: PartialDrillState): ManifestRestoreStage {
  const vault = need(state, 'protocol').vault
  const attack = need(state, 'attack')
  const dave = need(state, 'actors').users.at(-1)
  if (!dave) throw new Error('the drill has no users')
  const daveAddress = dave.account.address
  const invariants: ManifestInvariant[] = [
    {
      kind: 'call',
      description: `${dave.name} can withdraw 1 dUSD from the reopened vault`,
      from: daveAddress,
      target: { contract: vault.name },
      function: 'withdraw',
      // As a manifest writes amounts: digits in a string, which YAML numbers cannot hold exactly.
      args: [ONE_DUSD.toString(), daveAddress, daveAddress],
      value: 0n,
      expect: 'success',
    },
    {
      kind: 'call',
      description: `the exploit aimed at ${dave.name} fails on the reopened vault (allowance now checked)`,
      from: attack.from,
      target: { address: attack.exploit },
      args: [],
      data: drainCalldata(need(state, 'artifacts'), need(state, 'protocol'), [daveAddress]),
      value: 0n,
      expect: 'revert',
      error: 'ERC20InsufficientAllowance',
    },
  ]
  return {
    name: WITHDRAWALS_STAGE,
    description: 'depositors can take their funds out of the fixed vault',
    unpause: [vault.name],
    calls: [],
    fix: 'required',
    approvals: { required: 1, from: [GOVERNANCE] },
    invariants,
  }
}
