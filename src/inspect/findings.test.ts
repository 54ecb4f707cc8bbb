import type { Address } from 'viem'
import { describe, expect, it } from 'vitest'
import { computeFindings } from './findings.js'
import type { AuthorityNode, ContractInspection, LeverAccess, LeverConfirmation, LeverEffect, LeverKind, TimeToExecute } from './types.js'

const guardian: AuthorityNode = { kind: 'eoa', address: '0x00000000000000000000000000000000000000a1', label: 'guardian' }
const admin: AuthorityNode = { kind: 'eoa', address: '0x00000000000000000000000000000000000000a2', label: 'admin' }
const safe: AuthorityNode = { kind: 'safe', address: '0x00000000000000000000000000000000000000b1', owners: [guardian.address, admin.address], threshold: 2 }
const timelock: AuthorityNode = { kind: 'timelock', address: '0x00000000000000000000000000000000000000c1', minDelay: 172_800n, proposers: [safe.address], executors: [] }

const time = (seconds: number, description: string): TimeToExecute => ({ seconds, description })
const oneBlock = time(12, 'EOA: one block')
const twoDays = time(172_800 + 1_800 + 12, '2-of-2 Safe → 2-day timelock')

function lever(kind: LeverKind, signature: string, paths: AuthorityNode[][], times: TimeToExecute[], confirmation?: LeverConfirmation): LeverAccess {
  const holders = paths.map((nodes) => nodes.at(-1)?.address as Address)
  return {
    lever: {
      kind,
      signature,
      selector: '0x00000000',
      source: 'abi',
      contract: 'vault',
      address: '0x0000000000000000000000000000000000000099',
      confirmation: confirmation ?? { status: 'confirmed', holders, deniedTo: '0x0000000000000000000000000000000000000098', detail: 'simulated' },
    },
    paths: paths.map((nodes, index) => ({ nodes, timeToExecute: times[index] ?? oneBlock })),
    fastest: [...times].sort((a, b) => a.seconds - b.seconds)[0],
    // A pause counts once pulling it was seen to pause: these are.
    ...(kind === 'pause' ? { effect: pausesVault } : {}),
  }
}

const pausesVault: LeverEffect = {
  status: 'pauses',
  puller: guardian.address,
  args: [],
  evidence: [{ kind: 'getter', getter: { contract: 'vault', address: '0x0000000000000000000000000000000000000099', signature: 'paused()', abi: { type: 'function', name: 'paused', stateMutability: 'view', inputs: [], outputs: [{ type: 'bool', name: '' }] } } }],
}

const findingsOf = (contracts: ContractInspection[]) => computeFindings(contracts, new Map(), 1_000n)

function contract(levers: LeverAccess[], extra: Partial<ContractInspection> = {}): ContractInspection {
  return { name: 'vault', address: '0x0000000000000000000000000000000000000099', proxy: { kind: 'none' }, levers, ...extra }
}

const codes = (inspection: ContractInspection, windows = new Map<string, { endsAt: bigint }>(), now = 1_000n) =>
  computeFindings([inspection], windows, now).map((finding) => `${finding.severity}:${finding.code}`)

describe('computeFindings', () => {
  it('reports a contract with no pause lever as high severity', () => {
    expect(codes(contract([lever('limit', 'setDepositCap(uint256)', [[admin]], [oneBlock])]))).toEqual(['high:no-pause-lever'])
  })

  it('reports a pause reachable only through a timelock, naming how long it takes', () => {
    const findings = findingsOf([contract([lever('pause', 'pause()', [[safe, timelock]], [twoDays])])])
    expect(findings.map((finding) => finding.code)).toEqual(['pause-behind-timelock'])
    expect(findings[0]?.message).toBe('pausing vault takes at least 2-of-2 Safe → 2-day timelock: every path goes through a timelock')
  })

  it('does not report the timelock when a faster direct path to the pause exists', () => {
    expect(codes(contract([lever('pause', 'pause()', [[safe, timelock], [guardian]], [twoDays, oneBlock])]))).toEqual([])
  })

  it('reports an expired pause window as critical', () => {
    const inspection = contract([lever('pause', 'pause()', [[guardian]], [oneBlock])])
    expect(codes(inspection, new Map([['vault', { endsAt: 999n }]]), 1_000n)).toEqual(['critical:pause-window-expired'])
    expect(codes(inspection, new Map([['vault', { endsAt: 1_001n }]]), 1_000n)).toEqual([])
  })

  it('reports one EOA that can both pause and upgrade', () => {
    const findings = findingsOf([contract([lever('pause', 'pause()', [[admin]], [oneBlock]), lever('upgrade', 'upgradeToAndCall(address,bytes)', [[admin]], [oneBlock])])])
    expect(findings.map((finding) => `${finding.severity}:${finding.code}`)).toEqual(['high:single-key-pause-and-upgrade'])
    expect(findings[0]?.message).toContain(admin.address)
  })

  it('does not report separate keys for pause and upgrade', () => {
    expect(codes(contract([lever('pause', 'pause()', [[guardian]], [oneBlock]), lever('upgrade', 'upgradeToAndCall(address,bytes)', [[admin]], [oneBlock])]))).toEqual([])
  })

  it('reports an unpause as fast as the pause, and not one behind a timelock', () => {
    const pause = lever('pause', 'pause()', [[guardian]], [oneBlock])
    expect(codes(contract([pause, lever('unpause', 'unpause()', [[admin]], [oneBlock])]))).toEqual(['medium:unpause-as-easy-as-pause'])
    expect(codes(contract([pause, lever('unpause', 'unpause()', [[safe, timelock]], [twoDays])]))).toEqual([])
  })

  it('reports an unguarded lever as critical and an unconfirmed one as medium', () => {
    const unguarded = lever('pause', 'pause()', [], [], { status: 'unguarded', detail: 'a random address paused it' })
    const unconfirmed = lever('upgrade', 'upgradeTo(address)', [], [], { status: 'unconfirmed', detail: 'every candidate reverted' })
    expect(codes(contract([unguarded, unconfirmed]))).toEqual(['critical:lever-unguarded', 'medium:lever-simulation-failed'])
  })

  it('does not count a pause lever that was not seen to pause, and says why', () => {
    const reverts: LeverEffect = { status: 'reverted', puller: guardian.address, args: [true], detail: 'pulled by the guardian, it reverts with Error("BAL#211")' }
    const findings = findingsOf([contract([{ ...lever('pause', 'setPaused(bool)', [[guardian]], [oneBlock]), effect: reverts }])])
    expect(findings.map((finding) => `${finding.severity}:${finding.code}`)).toEqual(['high:pause-lever-ineffective', 'high:no-pause-lever'])
    expect(findings[0]?.message).toBe('setPaused(bool) on vault does not pause it: pulled by the guardian, it reverts with Error("BAL#211")')
  })

  it('does not call a pause anyone may call critical when pulling it pauses nothing', () => {
    const noop: LeverEffect = { status: 'no-effect', puller: guardian.address, args: [], detail: 'paused() stayed false' }
    const unguarded = { ...lever('pause', 'pause()', [], [], { status: 'unguarded', detail: 'anyone' }), effect: noop }
    expect(codes(contract([unguarded]))).toEqual(['high:no-pause-lever', 'medium:pause-lever-ineffective'])
  })

  it('reports an unreadable contract once, with its error, and nothing else about it', () => {
    const findings = findingsOf([contract([], { error: 'no code at 0x99 (wrong address or wrong chain?)' })])
    expect(findings).toEqual([{ severity: 'high', code: 'contract-unreadable', contract: 'vault', message: 'vault could not be inspected: no code at 0x99 (wrong address or wrong chain?)' }])
  })

  it('lists findings worst first', () => {
    const findings = findingsOf([
      contract([lever('pause', 'pause()', [[guardian]], [oneBlock]), lever('unpause', 'unpause()', [[admin]], [oneBlock])], { name: 'a' }),
      contract([], { name: 'b', error: 'no code' }),
      contract([lever('pause', 'pause()', [], [], { status: 'unguarded', detail: 'anyone' })], { name: 'c' }),
    ])
    expect(findings.map((finding) => finding.severity)).toEqual(['critical', 'high', 'medium'])
  })
})
