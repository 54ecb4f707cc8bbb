import { toHex } from 'viem'
import type { StorageLayout, StorageType, StorageVariable } from './artifacts.js'

export type StorageConflictKind = 'removed' | 'moved' | 'retyped' | 'renamed' | 'resized'

export type StorageConflict = {
  kind: StorageConflictKind
  /** The variable as the old implementation knows it, or `erc7201:<id>` for a whole namespace. */
  label: string
  /** Decimal for sequential storage (solc's form), 32-byte hex inside an ERC-7201 namespace. */
  slot: string
  offset: number
  oldType: string
  newType?: string
  /** The ERC-7201 namespace id when the variable is a member of a namespaced struct. */
  namespace?: string
  /** One line, naming variable, slot and offset, e.g. `balance (slot 3, offset 0) was removed`. */
  message: string
}

export type StorageComparison = {
  compatible: boolean
  conflicts: StorageConflict[]
  /** Variables the new implementation adds after the old ones: allowed. Namespace members read `member (erc7201:<id>)`. */
  appended: string[]
}

/** How one region of storage is named in conflicts: sequential slots, or a namespace's. */
type Region = {
  slot(relative: string): string
  /** Inserted after the label: ` in erc7201:<id>` or nothing. */
  where: string
  namespace?: string
}

const sequential: Region = { slot: (relative) => relative, where: '' }

/**
 * Compares the storage of two implementations of one proxy. Every variable of the old layout must
 * keep its slot, offset, name and type in the new one; new variables may only follow the old ones.
 * A clash here means the upgrade would read old values through the wrong type, which is how
 * upgrades have silently corrupted balances and owners.
 *
 * ERC-7201 namespaces (OpenZeppelin 5's `$` structs, which solc leaves out of its layout; firebreak
 * adds them as `namespaces`) are held to the same rule member by member, from each namespace's base
 * slot; a namespace may be added, not dropped.
 */
export function compareStorageLayouts(previous: StorageLayout, next: StorageLayout): StorageComparison {
  const { conflicts, appended } = compareVariables(previous, next, sequential)
  const nextNamespaces = new Map((next.namespaces ?? []).map((namespace) => [namespace.id, namespace]))
  for (const old of previous.namespaces ?? []) {
    const found = nextNamespaces.get(old.id)
    if (!found) {
      conflicts.push({
        kind: 'removed',
        label: `erc7201:${old.id}`,
        slot: old.slot,
        offset: 0,
        oldType: `struct ${old.struct}`,
        namespace: old.id,
        message: `namespace erc7201:${old.id} (slot ${old.slot}) was removed, with ${old.storage.map((member) => member.label).join(', ')}`,
      })
      continue
    }
    const region: Region = { slot: (relative) => absoluteSlot(old.slot, relative), where: ` in erc7201:${old.id}`, namespace: old.id }
    const inside = compareVariables(old, found, region)
    conflicts.push(...inside.conflicts)
    appended.push(...inside.appended.map((label) => `${label} (erc7201:${old.id})`))
  }
  const oldIds = new Set((previous.namespaces ?? []).map((namespace) => namespace.id))
  appended.push(...[...nextNamespaces.keys()].filter((id) => !oldIds.has(id)).map((id) => `erc7201:${id}`))
  return { compatible: conflicts.length === 0, conflicts, appended }
}

function compareVariables(previous: StorageLayout, next: StorageLayout, region: Region): { conflicts: StorageConflict[]; appended: string[] } {
  const conflicts: StorageConflict[] = []
  const nextByPosition = new Map(next.storage.map((variable) => [position(variable), variable]))
  const conflict = (kind: StorageConflictKind, variable: StorageVariable, oldType: string, message: string, newType?: string): StorageConflict => ({
    kind,
    label: variable.label,
    slot: region.slot(variable.slot),
    offset: variable.offset,
    oldType,
    newType,
    ...(region.namespace === undefined ? {} : { namespace: region.namespace }),
    message,
  })

  for (const old of previous.storage) {
    const found = nextByPosition.get(position(old))
    const oldType = typeLabel(previous, old.type)
    const at = `${old.label}${region.where} (slot ${region.slot(old.slot)}, offset ${old.offset})`
    // A variable inserted before `old` pushes it down: report where it went, not that it was renamed
    // into the newcomer. Labels can repeat (OpenZeppelin 4's `__gap`), so one at the same place wins.
    const movedTo =
      found?.label === old.label ? undefined : next.storage.find((variable) => variable.label === old.label)
    if (movedTo) {
      conflicts.push(conflict('moved', old, oldType, `${at} moved to slot ${region.slot(movedTo.slot)}, offset ${movedTo.offset}`, typeLabel(next, movedTo.type)))
      continue
    }
    if (!found) {
      conflicts.push(conflict('removed', old, oldType, `${at} was removed or displaced`))
      continue
    }
    const newType = typeLabel(next, found.type)
    if (!sameType(previous, old.type, next, found.type)) {
      const kind = size(previous, old.type) === size(next, found.type) ? 'retyped' : 'resized'
      conflicts.push(conflict(kind, old, oldType, `${at} changes type from ${oldType} to ${newType}${found.label !== old.label ? ` (now ${found.label})` : ''}`, newType))
    } else if (found.label !== old.label) {
      conflicts.push(conflict('renamed', old, oldType, `${at} is renamed ${found.label}`, newType))
    }
  }

  const lastOld = previous.storage.reduce((end, variable) => Math.max(end, endOf(previous, variable)), 0)
  const oldLabels = new Set(previous.storage.map((variable) => variable.label))
  const appended = next.storage
    .filter((variable) => startOf(variable) >= lastOld && !oldLabels.has(variable.label))
    .map((variable) => variable.label)
  return { conflicts, appended }
}

function absoluteSlot(base: string, relative: string): string {
  return toHex(BigInt(base) + BigInt(relative), { size: 32 })
}

function position(variable: StorageVariable): string {
  return `${variable.slot}:${variable.offset}`
}

function startOf(variable: StorageVariable): number {
  return Number(variable.slot) * 32 + variable.offset
}

function endOf(layout: StorageLayout, variable: StorageVariable): number {
  return startOf(variable) + size(layout, variable.type)
}

function typeOf(layout: StorageLayout, id: string): StorageType | undefined {
  return layout.types?.[id]
}

function typeLabel(layout: StorageLayout, id: string): string {
  return typeOf(layout, id)?.label ?? id
}

function size(layout: StorageLayout, id: string): number {
  return Number(typeOf(layout, id)?.numberOfBytes ?? 32)
}

/** Structural equality: type ids carry AST ids that differ between compilations, so compare shapes. */
function sameType(a: StorageLayout, aId: string, b: StorageLayout, bId: string): boolean {
  const left = typeOf(a, aId)
  const right = typeOf(b, bId)
  if (!left || !right) return aId === bId
  if (left.encoding !== right.encoding || left.numberOfBytes !== right.numberOfBytes) return false
  if (normalizeLabel(left.label) !== normalizeLabel(right.label)) return false
  if (left.key && right.key && !sameType(a, left.key, b, right.key)) return false
  if (left.value && right.value && !sameType(a, left.value, b, right.value)) return false
  if (left.base && right.base && !sameType(a, left.base, b, right.base)) return false
  if (left.members || right.members) {
    const leftMembers = left.members ?? []
    const rightMembers = right.members ?? []
    if (leftMembers.length !== rightMembers.length) return false
    return leftMembers.every((member, index) => {
      const other = rightMembers[index]
      return (
        other !== undefined &&
        member.label === other.label &&
        member.slot === other.slot &&
        member.offset === other.offset &&
        sameType(a, member.type, b, other.type)
      )
    })
  }
  return true
}

/**
 * solc names a struct or enum by the contract that declares it (`struct VaultV1.Position`): a fix
 * written as a fresh contract with the same declarations keeps the same storage, so that name is
 * dropped. Struct members are still compared one by one.
 */
function normalizeLabel(label: string): string {
  return label.replace(/\)\d+/g, ')').replace(/\b(struct|enum) (?:[\w$]+\.)+/g, '$1 ')
}
