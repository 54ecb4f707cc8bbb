import { type Hex, encodeAbiParameters, keccak256, toHex } from 'viem'
import type { NamespacedLayout, StorageLayout, StorageType } from './artifacts.js'

/** Where the generated helper lives in the compiler input; no user source can have this name. */
export const namespaceHelperSourceName = 'firebreak:namespaces/NamespaceLayouts.sol'
const helperContractName = 'FirebreakNamespaceLayouts'

/** A struct that declares `@custom:storage-location erc7201:<id>`, as found in solc's AST. */
export type NamespaceDeclaration = {
  /** AST id of the struct definition. */
  structId: number
  /** The ERC-7201 namespace id, e.g. `openzeppelin.storage.ERC20`. */
  id: string
  /** `ERC20Upgradeable.ERC20Storage`, or the bare name of a file-level struct. */
  struct: string
  sourceName: string
}

export type NamespaceDeclarations = {
  structs: NamespaceDeclaration[]
  /** By `sourceName:contractName`: the namespaces of the contract and its bases, base first. */
  byContract: Map<string, NamespaceDeclaration[]>
}

/** `keccak256(abi.encode(uint256(keccak256(id)) - 1)) & ~bytes32(uint256(0xff))` (ERC-7201). */
export function erc7201Slot(id: string): Hex {
  const inner = BigInt(keccak256(toHex(id))) - 1n
  const outer = BigInt(keccak256(encodeAbiParameters([{ type: 'uint256' }], [inner])))
  return toHex(outer & ~0xffn, { size: 32 })
}

type AstNode = {
  nodeType: string
  id: number
  name?: string
  canonicalName?: string
  linearizedBaseContracts?: number[]
  documentation?: { text?: string } | string | null
  nodes?: AstNode[]
}

const storageLocation = /@custom:storage-location\s+erc7201:(\S+)/

/**
 * Finds the ERC-7201 namespaces each contract uses, from solc's `ast` output. A contract inherits
 * the namespaces of its bases: OpenZeppelin 5's ERC20Upgradeable keeps its balances in one.
 */
export function findNamespaceDeclarations(sources: Record<string, { ast?: unknown }>): NamespaceDeclarations {
  const structs = new Map<number, NamespaceDeclaration>()
  const contracts = new Map<number, { key: string; bases: number[] }>()
  const structsOfContract = new Map<number, number[]>()

  for (const [sourceName, { ast }] of Object.entries(sources)) {
    for (const node of (ast as AstNode | undefined)?.nodes ?? []) {
      const found = declarationOf(node, sourceName)
      if (found) structs.set(found.structId, found)
      if (node.nodeType !== 'ContractDefinition') continue
      contracts.set(node.id, { key: `${sourceName}:${node.name}`, bases: node.linearizedBaseContracts ?? [node.id] })
      for (const member of node.nodes ?? []) {
        const inContract = declarationOf(member, sourceName)
        if (!inContract) continue
        structs.set(inContract.structId, inContract)
        structsOfContract.set(node.id, [...(structsOfContract.get(node.id) ?? []), inContract.structId])
      }
    }
  }

  const byContract = new Map<string, NamespaceDeclaration[]>()
  for (const { key, bases } of contracts.values()) {
    // solc linearizes most-derived first; storage reads base first.
    const declared = [...bases].reverse().flatMap((base) => structsOfContract.get(base) ?? [])
    byContract.set(key, declared.map((structId) => structs.get(structId)).filter((found) => found !== undefined))
  }
  return { structs: [...structs.values()], byContract }
}

function declarationOf(node: AstNode, sourceName: string): NamespaceDeclaration | undefined {
  if (node.nodeType !== 'StructDefinition') return undefined
  const text = typeof node.documentation === 'string' ? node.documentation : node.documentation?.text
  const id = text?.match(storageLocation)?.[1]
  if (!id) return undefined
  return { structId: node.id, id, struct: node.canonicalName ?? node.name ?? '', sourceName }
}

/**
 * One contract with a state variable of each namespaced struct. solc lays out a struct's members
 * only when it sits in storage; a variable at slot 0 gives member slots relative to the struct's
 * start, which is what the namespace's base slot is added to. Exact by construction: the same
 * compiler decides the packing, with no second implementation of its rules to drift.
 */
export function namespaceHelperSource(structs: readonly NamespaceDeclaration[]): string {
  const sourceNames = [...new Set(structs.map((struct) => struct.sourceName))]
  const imports = sourceNames.map((sourceName, index) => `import * as S${index} from ${JSON.stringify(sourceName)};`)
  const variables = structs.map(
    (struct) => `    S${sourceNames.indexOf(struct.sourceName)}.${struct.struct} internal ns${struct.structId};`,
  )
  return `// SPDX-License-Identifier: MIT\npragma solidity >=0.8.0;\n${imports.join('\n')}\ncontract ${helperContractName} {\n${variables.join('\n')}\n}\n`
}

/** The standard-JSON input that compiles the helper beside `sources`: layout only, no bytecode. */
export function namespaceHelperInput(sources: Record<string, unknown>, settings: { evmVersion?: string }, structs: readonly NamespaceDeclaration[]): object {
  return {
    language: 'Solidity',
    sources: { ...sources, [namespaceHelperSourceName]: { content: namespaceHelperSource(structs) } },
    settings: {
      evmVersion: settings.evmVersion,
      outputSelection: { [namespaceHelperSourceName]: { [helperContractName]: ['storageLayout'] } },
    },
  }
}

/** Reads each namespace's members out of the helper's layout, keyed by struct AST id. */
export function namespacedLayoutsFrom(helperOutput: { contracts?: Record<string, Record<string, { storageLayout?: StorageLayout }>> }, structs: readonly NamespaceDeclaration[]): Map<number, NamespacedLayout> {
  const layout = helperOutput.contracts?.[namespaceHelperSourceName]?.[helperContractName]?.storageLayout
  const layouts = new Map<number, NamespacedLayout>()
  if (!layout) return layouts
  for (const struct of structs) {
    const variable = layout.storage.find((candidate) => candidate.label === `ns${struct.structId}`)
    const members = variable ? layout.types?.[variable.type]?.members : undefined
    if (!members) continue
    layouts.set(struct.structId, {
      id: struct.id,
      slot: erc7201Slot(struct.id),
      struct: struct.struct,
      storage: members,
      types: reachableTypes(layout.types ?? {}, members.map((member) => member.type)),
    })
  }
  return layouts
}

/** The helper's types cover every namespace: keep those this one reaches, so the cache stays small. */
function reachableTypes(all: Record<string, StorageType>, roots: string[]): Record<string, StorageType> {
  const kept: Record<string, StorageType> = {}
  const pending = [...roots]
  for (let id = pending.pop(); id !== undefined; id = pending.pop()) {
    const type = all[id]
    if (!type || kept[id]) continue
    kept[id] = type
    pending.push(...[type.base, type.key, type.value].filter((next) => next !== undefined), ...(type.members ?? []).map((member) => member.type))
  }
  return kept
}
