import { describe, expect, it } from 'vitest'
import { compileContracts } from '../solidity/compile.js'
import { balanceReaderCode } from './balanceReader.js'

describe('balanceReaderCode', () => {
  it('is the runtime code of contracts/eradicate/BalanceReader.sol as firebreak compiles it', async () => {
    const { artifacts } = await compileContracts()
    expect(balanceReaderCode).toBe(artifacts.get('BalanceReader').deployedBytecode)
  }, 120_000)
})
