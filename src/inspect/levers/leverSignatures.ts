import { type AbiFunction, type Hex, toFunctionSelector } from 'viem'
import { formatAbiItem } from 'viem/utils'
import type { LeverKind } from '../types.js'

/** A function known, from real protocols, to be an emergency lever. */
export type KnownLever = { signature: string; selector: Hex; kind: LeverKind }

/** `pause(bool)` … `pause(bool,bool,bool,bool,bool,bool,bool,bool)`: one flag per feature, as per-feature pauses are written. */
const perFeaturePauses = Array.from({ length: 8 }, (_, index) => `pause(${Array(index + 1).fill('bool').join(',')})`)

/**
 * Signatures by kind. Where a signature comes from a protocol whose name says why it is here, the
 * protocol is named; the rest are the common spellings of the same lever.
 */
const signaturesByKind: Record<LeverKind, readonly string[]> = {
  pause: [
    'pause()',
    'setPaused(bool)',
    'setPause(bool)',
    'togglePause()',
    'emergencyPause()',
    'pauseAll()',
    // firebreak's EmergencyGuardian: one guardian pauses the contracts it is given
    'pause(address[])',
    ...perFeaturePauses,
    'pauseDeposits()',
    'pauseWithdrawals()',
    // Pauses that take an argument, named here so that a contract without an ABI still shows them
    // (with an ABI, any function named for a pause is a candidate): a reason or an identifier
    // (Optimism's SuperchainConfig), a duration, a per-feature flag
    'pause(string)',
    'pause(bytes32)',
    'pause(uint256)',
    'pauseDeposits(bool)',
    'pauseWithdrawals(bool)',
    'setDepositsPaused(bool)',
    'setWithdrawalsPaused(bool)',
    'setPaused(uint256)',
    // Lido
    'pauseFor(uint256)',
    'pauseUntil(uint256)',
    'pauseStaking()',
    'stop()',
    // Aave v3 PoolConfigurator
    'setPoolPause(bool)',
    'setReservePause(address,bool)',
    'setReservePause(address,bool,uint40)',
    // Compound Comptroller
    '_setMintPaused(address,bool)',
    '_setBorrowPaused(address,bool)',
    '_setTransferPaused(bool)',
    '_setSeizePaused(bool)',
    // Yearn v2 vaults: shutdown stops deposits, withdrawals go on
    'setEmergencyShutdown(bool)',
  ],
  unpause: ['unpause()', 'unpauseAll()', 'resume()', 'resumeStaking()', 'unpauseDeposits()', 'unpauseWithdrawals()', 'start()'],
  limit: [
    'setSupplyCap(address,uint256)',
    'setBorrowCap(address,uint256)',
    'setMaxDeposit(uint256)',
    'setDepositCap(uint256)',
    'setDepositLimit(uint256)',
    'setCap(uint256)',
    'setMaxTotalSupply(uint256)',
    'setMaxSupply(uint256)',
    'setMaxMint(uint256)',
    'setMaxWithdraw(uint256)',
    'setMintLimit(uint256)',
    'setWithdrawalLimit(uint256)',
    'setWithdrawLimit(uint256)',
    'setDailyLimit(uint256)',
    'setRateLimit(uint256)',
    'setRateLimit(uint256,uint256)',
    // Compound Comptroller
    '_setMarketBorrowCaps(address[],uint256[])',
    '_setMarketSupplyCaps(address[],uint256[])',
    // Chainlink CCIP rate limiters: (isEnabled, capacity, rate)
    'setRateLimiterConfig((bool,uint128,uint128))',
    'setChainRateLimiterConfig(uint64,(bool,uint128,uint128),(bool,uint128,uint128))',
    // Fei/Tribe RateLimited
    'setBufferCap(uint256)',
    'setRateLimitPerSecond(uint256)',
    // firebreak's OutflowLimiter (ERC-7265 in spirit)
    'setOutflowLimit(address,uint256,uint256)',
  ],
  switch: [
    'freeze()',
    'setFreeze(bool)',
    'setFrozen(bool)',
    'setFunctionPaused(bytes4,bool)',
    // firebreak's FunctionSwitches
    'disableFunction(bytes4)',
    'shutdown()',
    'halt()',
    'disable()',
    // Aave v2 LendingPoolConfigurator
    'freezeReserve(address)',
    'disableBorrowingOnReserve(address)',
    'deactivateReserve(address)',
    // Aave v3 PoolConfigurator
    'setReserveFreeze(address,bool)',
    'setReserveBorrowing(address,bool)',
    'setReserveActive(address,bool)',
    // OpenZeppelin AccessManager: closes every function of a target
    'setTargetClosed(address,bool)',
    // Stablecoins stop an attacker's address from moving stolen funds: USDC, USDT, Paxos
    'blacklist(address)',
    'addBlackList(address)',
    'freeze(address)',
    // MakerDAO global settlement
    'cage()',
  ],
  revoke: [
    'revokeRole(bytes32,address)',
    'renounceRole(bytes32,address)',
    // OpenZeppelin AccessManager
    'revokeRole(uint64,address)',
    'renounceRole(uint64,address)',
    'renounceOwnership()',
    // Moving control away from a compromised key is as much a revocation as removing it.
    'transferOwnership(address)',
    'beginDefaultAdminTransfer(address)',
    'changeAdmin(address)',
    'changeProxyAdmin(address,address)',
    // Safe: drop or replace a compromised owner, disable a compromised module
    'removeOwner(address,address,uint256)',
    'swapOwner(address,address,address)',
    'disableModule(address,address)',
    // MakerDAO wards
    'deny(address)',
  ],
  upgrade: [
    // UUPS (OpenZeppelin 4 and 5), beacon, transparent proxy 4
    'upgradeTo(address)',
    'upgradeToAndCall(address,bytes)',
    // ProxyAdmin 5 and 4
    'upgradeAndCall(address,address,bytes)',
    'upgrade(address,address)',
  ],
  rescue: [
    'rescueTokens(address,address,uint256)',
    'rescueTokens(address,uint256)',
    'rescueERC20(address,address,uint256)',
    'rescueERC20(address,uint256)',
    'rescueETH(address,uint256)',
    'sweep(address)',
    'sweep(address,address)',
    // Compound cToken
    'sweepToken(address)',
    'emergencyWithdraw()',
    'emergencyWithdraw(address)',
    'emergencyWithdraw(uint256)',
    'emergencyWithdraw(address,uint256)',
    'emergencyWithdraw(address,address,uint256)',
    // Synthetix StakingRewards
    'recoverERC20(address,uint256)',
    'recoverTokens(address)',
    'recoverToken(address,address,uint256)',
  ],
}

/** Every known lever signature with its selector, computed (never written by hand). */
export const knownLevers: readonly KnownLever[] = Object.entries(signaturesByKind).flatMap(([kind, signatures]) =>
  signatures.map((signature) => ({ signature, selector: toFunctionSelector(signature), kind: kind as LeverKind })),
)

const bySignature = new Map(knownLevers.map((lever) => [lever.signature, lever]))
const bySelector = new Map(knownLevers.map((lever) => [lever.selector, lever]))

export function knownLeverBySignature(signature: string): KnownLever | undefined {
  return bySignature.get(signature)
}

export function knownLeverBySelector(selector: Hex): KnownLever | undefined {
  return bySelector.get(selector.toLowerCase() as Hex)
}

/**
 * Name patterns for levers the table does not spell out, tried in this order (an `unpause…`
 * must not be taken for a pause, a `disableModule` is a revocation before it is a switch).
 * A name that manages who holds a lever (`setPauseGuardian`, `setPauser`) is not the lever.
 */
const namePatterns: readonly { kind: LeverKind; pattern: RegExp; unless?: RegExp }[] = [
  { kind: 'revoke', pattern: /^_?(revoke|renounce|remove(Owner|Admin|Minter|Guardian|Pauser|Operator|Signer|Member|Manager|Keeper)|transferOwnership|swapOwner|disableModule)/i },
  { kind: 'upgrade', pattern: /^_?upgrade/i },
  { kind: 'rescue', pattern: /^_?(rescue|sweep|recover[A-Z]|emergencyWithdraw|withdrawStuck)/ },
  { kind: 'unpause', pattern: /unpause|^_?(resume|unfreeze)/i },
  { kind: 'pause', pattern: /pause/i, unless: /pauser|guardian|admin|role|manager|window|duration|period|delay/i },
  { kind: 'switch', pattern: /^_?(freeze|disable|deactivate|halt|shutdown|blacklist|blocklist|denylist)|^_?set\w*(Frozen|Freeze|Disabled|Closed|Blacklisted)$/i },
  {
    kind: 'limit',
    pattern: /^_?(set|update|lower|decrease|reduce|change)\w*(cap|limit|ceiling|max(deposit|withdraw|mint|borrow|supply|redeem|total|outflow|inflow|amount))/i,
    unless: /capital|slippage/i,
  },
]

/** The kind of lever a function name suggests, if any. */
export function leverKindFromName(name: string): LeverKind | undefined {
  for (const { kind, pattern, unless } of namePatterns) {
    if (pattern.test(name) && !unless?.test(name)) return kind
  }
  return undefined
}

/**
 * The kind of lever an ABI function is: from the table by its exact signature, else from its
 * name. A view or pure function is never a lever (`paused()`, `pauseWindowEndTime()`), whatever
 * it is called.
 */
export function classifyAbiFunction(item: AbiFunction): LeverKind | undefined {
  if (item.stateMutability === 'view' || item.stateMutability === 'pure') return undefined
  // Solidity before 0.5 marked views with `constant`, which some old ABIs still carry.
  if ((item as { constant?: boolean }).constant === true) return undefined
  return knownLeverBySignature(formatAbiItem(item))?.kind ?? leverKindFromName(item.name)
}
