import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Address } from 'viem'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Incident, openIncident } from '../src/journal/incident.js'
import { packageRoot } from '../src/packageRoot.js'
import { buildDistribution } from '../src/distribution/buildDistribution.js'
import { DistributionFileError, formatDistributionFile, readDistributionFile } from '../src/distribution/distributionFile.js'
import { reimbursementPolicy } from '../src/recover/policy.js'
import { ClaimContractMismatchError, runClaimsTracking } from '../src/recover/runClaimsTracking.js'
import { type ReimbursementOutcome, runReimbursement } from '../src/recover/runReimbursement.js'
import { formatLossesCsv } from '../src/recover/writeLossFiles.js'
import { renderReport } from '../src/report/renderReport.js'
import { submitClaim } from './fixtures/claim.js'
import { useDrillProtocol } from './fixtures/localChain.js'
import { writeTestManifest } from './fixtures/manifest.js'
import { runCli } from './fixtures/runCli.js'

const unit = 10n ** 18n
const drill = useDrillProtocol({ snapshotEachTest: false })
const { actors } = drill
const [alice, bob, carol] = actors.users
let dir: string
let manifest: string
let incident: Incident
let reimbursed: ReimbursementOutcome

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'firebreak-claims-'))
  manifest = writeTestManifest(dir, { rpcUrl: drill.anvil.rpcUrl, contracts: [drill.protocol.token, drill.protocol.vault] })
  const lossesFile = join(dir, 'losses.csv')
  writeFileSync(
    lossesFile,
    formatLossesCsv({
      losses: [
        { user: alice!, loss: 50_000n * unit },
        { user: bob!, loss: 30_000n * unit },
        { user: carol!, loss: 15_000n * unit },
      ].map(({ user, loss }) => ({ account: user.account.address, before: loss, after: 0n, loss })),
    }),
  )
  incident = openIncident({ root: join(dir, 'incidents'), id: 'claims' })
  reimbursed = await runReimbursement({
    chain: drill.chain,
    incident,
    lossesFile,
    policy: reimbursementPolicy(),
    mode: 'merkle',
    token: drill.protocol.token.address,
    funder: { kind: 'key', address: actors.treasury.address, label: 'treasury' },
    artifacts: drill.artifacts,
    accounts: [actors.treasury],
    claimWindowSeconds: 86_400n,
  })
})

afterAll(() => {
  rmSync(dir, { recursive: true, force: true })
})

function claims(...args: string[]) {
  return firebreak(['claims', '--manifest', manifest, '--incidents', join(dir, 'incidents'), '--incident', 'claims', ...args])
}

async function claimAs(user: typeof alice, index: number) {
  const { distribution } = readDistributionFile(reimbursed.file)
  const entry = distribution.entries[index]!
  expect(entry.account).toBe(user!.account.address)
  const claim = { address: reimbursed.claimAddress!, abi: drill.artifacts.get('ReimbursementClaim').abi, token: drill.protocol.token.address, deadline: 0n }
  await submitClaim(drill.chain, claim, entry, user!.account)
}

describe('firebreak claims', () => {
  it('reports all three accounts unclaimed before anyone claims, finding the claim contract in the journal', async () => {
    const run = await claims('--json')

    expect(run.code, run.stderr).toBe(0)
    const status = JSON.parse(run.stdout)
    expect(status.claimAddress).toBe(reimbursed.claimAddress)
    expect(status.claimed).toEqual([])
    expect(status.unclaimed.map((entry: { account: Address }) => entry.account)).toEqual([alice, bob, carol].map((user) => user!.account.address))
    expect(status.unclaimedAmount).toBe((95_000n * unit).toString())
    expect(status.windowOpen).toBe(true)
  })

  it('reports two claimed and one unclaimed after alice and carol claim, and journals it for the report', async () => {
    await claimAs(alice, 0)
    await claimAs(carol, 2)

    const run = await claims()

    expect(run.code, run.stderr).toBe(0)
    expect(run.stdout).toContain(`  claimed:   2 of 3 accounts, 65,000 dUSD (${65_000n * unit})\n`)
    expect(run.stdout).toContain(`  unclaimed: 1 accounts, 30,000 dUSD (${30_000n * unit})\n`)
    expect(run.stdout).toContain(`    #1 ${bob!.account.address} 30,000 dUSD`)
    const report = renderReport(openIncident({ root: join(dir, 'incidents'), id: 'claims' }).journal.entries())
    expect(report).toContain(`Claim contract \`${reimbursed.claimAddress}\`: 2 claimed (65,000), 1 unclaimed (30,000).`)
  })

  it('reports what was swept back to the treasury once the window has closed', async () => {
    const deadline = (await drill.chain.public.readContract({ address: reimbursed.claimAddress!, abi: drill.artifacts.get('ReimbursementClaim').abi, functionName: 'claimDeadline' })) as bigint
    const now = (await drill.chain.public.getBlock()).timestamp
    await drill.chain.test.increaseTime({ seconds: Number(deadline - now) + 1 })
    await drill.chain.test.mine({ blocks: 1 })
    const hash = await drill.chain.wallet(actors.admin).writeContract({ address: reimbursed.claimAddress!, abi: drill.artifacts.get('ReimbursementClaim').abi, functionName: 'sweep' })
    await drill.chain.public.waitForTransactionReceipt({ hash })

    const status = JSON.parse((await claims('--json')).stdout)

    expect(status.windowOpen).toBe(false)
    expect(status.sweptAmount).toBe((30_000n * unit).toString())
    expect(status.claimedAmount).toBe((65_000n * unit).toString())
  })

  it('refuses a distribution whose root is not the claim contract\'s', async () => {
    const other = buildDistribution([{ account: bob!.account.address, before: 1n, after: 0n, loss: 1n }])
    const file = join(dir, 'other.json')
    writeFileSync(file, formatDistributionFile(other, { chainId: 31337, token: { address: drill.protocol.token.address }, policy: 'full', mode: 'merkle', lossesFile: { file: 'x', sha256: '0x00' } }))

    // Opened again: the CLI runs above appended to the journal since this process opened it.
    const reopened = openIncident({ root: join(dir, 'incidents'), id: 'claims' })
    const refused = await runClaimsTracking({ chain: drill.chain, incident: reopened, distributionFile: file }).catch((error: unknown) => error)

    expect(refused).toBeInstanceOf(ClaimContractMismatchError)
    expect((refused as ClaimContractMismatchError).shortMessage).toBe(`claim contract ${reimbursed.claimAddress} holds root ${reimbursed.distribution.root}, but ${file} rebuilds to ${other.root}: pass the distribution that contract was deployed for`)
  })

  it('refuses a published distribution whose amount was edited after publication', () => {
    const published = JSON.parse(readFileSync(reimbursed.file, 'utf8'))
    published.tree.values[0].value[2] = (500_000n * unit).toString()
    const file = join(dir, 'edited.json')
    writeFileSync(file, JSON.stringify(published))

    expect(() => readDistributionFile(file)).toThrow(DistributionFileError)
    expect(() => readDistributionFile(file)).toThrow(`${file}: its tree does not rebuild (Merkle tree does not contain the expected value): the file was edited after it was published`)
  })

  it('refuses a --claim that is not an address, in one line', async () => {
    const run = await claims('--claim', 'treasury')

    expect(run.code).toBe(2)
    expect(run.stderr).toBe('firebreak: --claim: expected an address (0x and 40 hex digits), got "treasury"\n')
  })
})

function firebreak(args: string[], env: NodeJS.ProcessEnv = {}) {
  return runCli(args, env)
}
