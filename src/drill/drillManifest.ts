import type { Manifest, ManifestInvariant, ManifestOperation, ManifestRestoreStage } from '../manifest/types.js'
import { drainCalldata } from './scenario.js'
import { type PartialDrillState, need } from './state.js'

/** The drill's chain, by the name its manifest gives it (`drill`, or `chain-1`, `chain-2`… with --chains). */
const chainNameOf = (state: PartialDrillState) => state.chainName ?? 'drill'

/** The drill's only restore stage: depositors may take their funds out again. */
export const WITHDRAWALS_STAGE = 'withdrawals'

/** The authority that upgrades and reopens the vault, and approves doing so. */
export const GOVERNANCE = 'governance'

/** The emergency key: it holds the vault's pause. */
export const GUARDIAN = 'guardian'

const ONE_DUSD = 10n ** 18n

/**
 * The manifest a team would have written for the drill's protocol: the vault, the guardian's and
 * governance's keys, what depositors do every day, and how to reopen the vault. It lives in memory
 * because the drill's chain and addresses exist only for this run; handing it to the library lets
 * the drill contain, upgrade, snapshot, approve and restore through the same code, gates
 * included, as `firebreak contain`, `firebreak upgrade`, `firebreak snapshot` and `firebreak restore`.
 */
export function drillManifest(state: PartialDrillState): Manifest {
  const chain = need(state, 'chain')
  const vault = need(state, 'protocol').vault
  const actors = need(state, 'actors')
  return {
    file: '(drill)',
    chains: [{ name: chainNameOf(state), rpcUrl: chain.rpcUrl, chainId: chain.chain.id }],
    // By recovery the proxy runs DrillVaultV2: its ABI, a superset of V1's, is the one the reopened vault answers to.
    contracts: [{ name: vault.name, address: vault.address, chain: chainNameOf(state), abi: need(state, 'artifacts').get('DrillVaultV2').abi }],
    authorities: [
      { name: GUARDIAN, type: 'eoa', address: actors.guardian.address },
      { name: GOVERNANCE, type: 'eoa', address: actors.admin.address },
    ],
    playbooks: [],
    normalOperations: withdrawals(state),
    restore: [withdrawalsStage(state)],
    // One chain of a drill over several: its plans are that chain's in the one incident.
    ...(state.chainName ? { scope: { chain: state.chainName } } : {}),
  }
}

/**
 * What depositors do every day: withdraw from their own position. A pause must stop it (contain
 * verifies that it now reverts), and the fixed vault must still serve it (the replay gate).
 */
function withdrawals(state: PartialDrillState): ManifestOperation[] {
  const vault = need(state, 'protocol').vault
  return need(state, 'actors').users.map((user) => ({
    description: `${user.name} withdraws 1 dUSD from their own position`,
    from: user.account.address,
    contract: vault.name,
    function: 'withdraw(uint256,address,address)',
    args: [ONE_DUSD.toString(), user.account.address, user.account.address],
    value: 0n,
  }))
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
