import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { useDrillProtocol } from '../../../test/fixtures/localChain.js'
import { deployContract } from '../../chain/deploy.js'
import { packageRoot } from '../../packageRoot.js'
import type { Artifacts } from '../../solidity/artifacts.js'
import { compileContracts } from '../../solidity/compile.js'
import { leverFunctionsFromAbi, leverFunctionsFromBytecode } from './leverFunctions.js'

const drill = useDrillProtocol()
let fixtures: Artifacts

beforeAll(async () => {
  fixtures = (await compileContracts({ sourcesDir: join(packageRoot, 'test', 'contracts', 'levers') })).artifacts
})

async function runtimeCode(address: `0x${string}`) {
  const code = await drill.chain.public.getCode({ address })
  if (!code) throw new Error(`no code at ${address}`)
  return code
}

describe('leverFunctionsFromAbi', () => {
  it("finds the drill vault's pause, unpause, deposit cap, role revocations and upgrade", () => {
    const levers = leverFunctionsFromAbi(drill.protocol.vault.abi)
    expect(levers.map((lever) => [lever.signature, lever.kind])).toEqual(
      expect.arrayContaining([
        ['pause()', 'pause'],
        ['unpause()', 'unpause'],
        ['setDepositCap(uint256)', 'limit'],
        ['revokeRole(bytes32,address)', 'revoke'],
        ['renounceRole(bytes32,address)', 'revoke'],
        ['upgradeToAndCall(address,bytes)', 'upgrade'],
      ]),
    )
    expect(levers.every((lever) => lever.source === 'abi')).toBe(true)
    expect(levers.find((lever) => lever.signature === 'pause()')?.selector).toBe('0x8456cb59')
  })

  it("takes none of the vault's views or token functions for levers", () => {
    const signatures = leverFunctionsFromAbi(drill.protocol.vault.abi).map((lever) => lever.signature)
    for (const ordinary of ['paused()', 'balanceOf(address)', 'depositCap()', 'maxDeposit(address)', 'deposit(uint256,address)', 'grantRole(bytes32,address)']) {
      expect(signatures).not.toContain(ordinary)
    }
  })

  it('finds no lever in a plain ERC-20', () => {
    expect(leverFunctionsFromAbi(fixtures.get('PlainToken').abi)).toEqual([])
  })

  it('finds levers known by name only: a per-feature pause, pauseDeposits, setWithdrawalLimit, sweep', () => {
    const levers = leverFunctionsFromAbi(fixtures.get('GuardedLevers').abi)
    expect(Object.fromEntries(levers.map((lever) => [lever.signature, lever.kind]))).toEqual({
      'pause(bool,bool,bool,bool,bool)': 'pause',
      'pauseDeposits()': 'pause',
      'unpauseDeposits()': 'unpause',
      'setWithdrawalLimit(uint256)': 'limit',
      'sweep(address)': 'rescue',
    })
  })
})

describe('leverFunctionsFromBytecode', () => {
  it("finds pause, unpause and upgradeToAndCall in the V1 implementation's runtime code alone", async () => {
    const levers = leverFunctionsFromBytecode(await runtimeCode(drill.protocol.implementationV1))
    expect(levers.map((lever) => lever.signature).sort()).toEqual([
      'pause()',
      'renounceRole(bytes32,address)',
      'revokeRole(bytes32,address)',
      'setDepositCap(uint256)',
      'unpause()',
      'upgradeToAndCall(address,bytes)',
    ])
    expect(levers.every((lever) => lever.source === 'bytecode')).toBe(true)
  })

  it("finds nothing in the ERC-1967 proxy's own code: its levers are its implementation's", async () => {
    expect(leverFunctionsFromBytecode(await runtimeCode(drill.protocol.vault.address))).toEqual([])
  })

  it('finds no lever in a plain ERC-20 deployed on the chain', async () => {
    const token = await deployContract(drill.chain, drill.actors.admin, fixtures.get('PlainToken'), [drill.actors.admin.address, 10n ** 24n])
    expect(leverFunctionsFromBytecode(await runtimeCode(token))).toEqual([])
  })

  it('does not give a contract the levers it only calls on others', async () => {
    const relay = await deployContract(drill.chain, drill.actors.admin, fixtures.get('PauseRelay'))
    expect(leverFunctionsFromBytecode(await runtimeCode(relay))).toEqual([])
  })
})
