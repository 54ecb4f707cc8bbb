import { type AbiFunction, parseAbiItem, toFunctionSelector } from 'viem'
import { describe, expect, it } from 'vitest'
import type { LeverKind } from '../types.js'
import { classifyAbiFunction, knownLeverBySelector, knownLeverBySignature, knownLevers, leverKindFromName } from './leverSignatures.js'

const fn = (signature: string) => parseAbiItem(signature) as AbiFunction

describe('knownLevers', () => {
  it.each<[string, LeverKind]>([
    ['pause()', 'pause'],
    ['unpause()', 'unpause'],
    ['setPaused(bool)', 'pause'],
    ['pause(bool,bool,bool,bool,bool)', 'pause'],
    ['togglePause()', 'pause'],
    ['emergencyPause()', 'pause'],
    ['pauseAll()', 'pause'],
    ['setSupplyCap(address,uint256)', 'limit'],
    ['setBorrowCap(address,uint256)', 'limit'],
    ['setMaxDeposit(uint256)', 'limit'],
    ['setDepositCap(uint256)', 'limit'],
    ['setCap(uint256)', 'limit'],
    ['setRateLimit(uint256)', 'limit'],
    ['setMaxTotalSupply(uint256)', 'limit'],
    ['freeze()', 'switch'],
    ['freezeReserve(address)', 'switch'],
    ['setFreeze(bool)', 'switch'],
    ['setFunctionPaused(bytes4,bool)', 'switch'],
    ['revokeRole(bytes32,address)', 'revoke'],
    ['renounceRole(bytes32,address)', 'revoke'],
    ['removeOwner(address,address,uint256)', 'revoke'],
    ['renounceOwnership()', 'revoke'],
    ['transferOwnership(address)', 'revoke'],
    ['upgradeToAndCall(address,bytes)', 'upgrade'],
    ['upgradeTo(address)', 'upgrade'],
    ['upgradeAndCall(address,address,bytes)', 'upgrade'],
    ['rescueTokens(address,address,uint256)', 'rescue'],
    ['sweep(address)', 'rescue'],
    ['emergencyWithdraw()', 'rescue'],
    ['recoverERC20(address,uint256)', 'rescue'],
  ])('knows %s as a %s lever, by signature and by selector', (signature, kind) => {
    expect(knownLeverBySignature(signature)?.kind).toBe(kind)
    expect(knownLeverBySelector(toFunctionSelector(signature))?.signature).toBe(signature)
  })

  it('gives no two known signatures the same selector', () => {
    const selectors = knownLevers.map((lever) => lever.selector)
    expect(new Set(selectors).size).toBe(selectors.length)
  })
})

describe('classifyAbiFunction', () => {
  it.each<[string, LeverKind]>([
    ['function pauseDeposits()', 'pause'],
    ['function pauseMarket(address market)', 'pause'],
    ['function setWithdrawalLimit(uint256 limit)', 'limit'],
    ['function setMaxBorrowPerBlock(uint256 amount)', 'limit'],
    ['function disableFlashLoans()', 'switch'],
    ['function setMarketFrozen(address market, bool frozen)', 'switch'],
    ['function removeMinter(address minter)', 'revoke'],
    ['function upgradeImplementation(address implementation)', 'upgrade'],
    ['function rescueFunds(address token, uint256 amount)', 'rescue'],
    ['function relayUnpause(address target)', 'unpause'],
    ['function unfreezeMarket(address market)', 'unpause'],
  ])('classifies %s, outside the table, by its name as a %s lever', (signature, kind) => {
    expect(classifyAbiFunction(fn(signature))).toBe(kind)
  })

  it('never classifies a view or pure function, whatever its name', () => {
    for (const signature of [
      'function paused() view returns (bool)',
      'function pauseWindowEndTime() view returns (uint256)',
      'function pause() view',
      'function upgradeTo(address) pure',
      'function depositCap() view returns (uint256)',
    ]) {
      expect(classifyAbiFunction(fn(signature)), signature).toBeUndefined()
    }
  })

  it('does not take a function that names who holds a lever for the lever itself', () => {
    expect(leverKindFromName('setPauseGuardian')).toBeUndefined()
    expect(leverKindFromName('_setPauseGuardian')).toBeUndefined()
    expect(leverKindFromName('setPauser')).toBeUndefined()
    expect(leverKindFromName('setPauseWindowDuration')).toBeUndefined()
  })

  it('leaves ordinary functions alone', () => {
    for (const signature of [
      'function transfer(address to, uint256 amount) returns (bool)',
      'function deposit(uint256 assets, address receiver) returns (uint256)',
      'function approve(address spender, uint256 amount) returns (bool)',
      'function grantRole(bytes32 role, address account)',
      'function setCapitalRatio(uint256 ratio)',
    ]) {
      expect(classifyAbiFunction(fn(signature)), signature).toBeUndefined()
    }
  })
})
