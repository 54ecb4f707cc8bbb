import type { Abi, Hex } from 'viem'
import { didYouMean } from '../describeValue.js'
import { ArtifactNotFoundError } from './errors.js'

/** solc's `storageLayout` output, the input of the upgrade storage gate. */
export type StorageLayout = {
  storage: StorageVariable[]
  types: Record<string, StorageType> | null
  /**
   * Added by firebreak (solc leaves them out): the ERC-7201 namespaces of the contract and its
   * bases, as OpenZeppelin 5's upgradeable contracts keep their state.
   */
  namespaces?: NamespacedLayout[]
}

/** One `@custom:storage-location erc7201:<id>` struct, laid out from its namespace's base slot. */
export type NamespacedLayout = {
  /** The namespace id, e.g. `openzeppelin.storage.ERC20`. */
  id: string
  /** The base slot, `keccak256(abi.encode(uint256(keccak256(id)) - 1)) & ~0xff`. */
  slot: Hex
  /** The struct as solc names it, e.g. `ERC20Upgradeable.ERC20Storage`. */
  struct: string
  /** The struct's members; their slots are relative to `slot`. */
  storage: StorageVariable[]
  types: Record<string, StorageType> | null
}

export type StorageVariable = {
  astId: number
  contract: string
  label: string
  offset: number
  slot: string
  type: string
}

export type StorageType = {
  encoding: 'inplace' | 'mapping' | 'dynamic_array' | 'bytes'
  label: string
  numberOfBytes: string
  base?: string
  key?: string
  value?: string
  members?: StorageVariable[]
}

export type ContractArtifact = {
  contractName: string
  /** Source unit name, e.g. `drill/DrillVaultV1.sol` or `@openzeppelin/contracts/proxy/ERC1967/ERC1967Proxy.sol`. */
  sourceName: string
  abi: Abi
  bytecode: Hex
  deployedBytecode: Hex
  storageLayout: StorageLayout
}

export type Artifacts = {
  all: readonly ContractArtifact[]
  /** By contract name (`DrillVaultV1`) or fully qualified (`drill/DrillVaultV1.sol:DrillVaultV1`). */
  get(name: string): ContractArtifact
}

export function artifactsFrom(contracts: readonly ContractArtifact[]): Artifacts {
  return {
    all: contracts,
    get(name) {
      const matches = contracts.filter(
        (contract) => contract.contractName === name || `${contract.sourceName}:${contract.contractName}` === name,
      )
      if (matches.length === 1 && matches[0]) return matches[0]
      if (matches.length === 0) throw new ArtifactNotFoundError(`no compiled contract named ${name}${didYouMean(name, contracts.map((contract) => contract.contractName))}`)
      throw new ArtifactNotFoundError(`${name} is ambiguous: use one of ${matches.map((c) => `${c.sourceName}:${c.contractName}`).join(', ')}`)
    },
  }
}
