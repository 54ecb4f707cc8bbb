import { type Hex, decodeErrorResult, parseAbi } from 'viem'

/**
 * What a revert says about the caller, read from the reason alone:
 * - `access`: the caller lacks the right (`OwnableUnauthorizedAccount`, Safe's `GS031`, …);
 * - `context`: the call cannot work at this address for anyone, before any access check
 *   (`UUPSUnauthorizedCallContext`: an implementation called directly, not through its proxy);
 * - `other`: anything else: a state or argument error, which, when an access check came first,
 *   means the caller passed it. Whether it came first is for the comparison between callers to say.
 */
export type RevertClass = 'access' | 'context' | 'other'

/** A revert as decoded for classification: the error's name and, for `Error(string)`, its full message. */
export type CallRevert = {
  /** Custom error name, `Error`, `Panic`, `unknown` (a selector no ABI decodes) or `revert` (no data). */
  name: string
  /** One line for people: `EnforcedPause()`, `Error("Ownable: caller is not the owner")`. */
  text: string
  /** `Error(string)`'s message, uncut. */
  message?: string
  data: Hex | undefined
}

/**
 * Errors of widely deployed access-control code, so that a contract inspected without its ABI
 * still has its reverts decoded by name.
 */
export const knownErrorsAbi = parseAbi([
  'error AccessControlUnauthorizedAccount(address account, bytes32 neededRole)',
  'error AccessControlBadConfirmation()',
  'error AccessControlEnforcedDefaultAdminRules()',
  'error OwnableUnauthorizedAccount(address account)',
  'error OwnableInvalidOwner(address owner)',
  'error AccessManagedUnauthorized(address caller)',
  'error AccessManagedRequiredDelay(address caller, uint32 delay)',
  'error AccessManagerUnauthorizedAccount(address msgsender, uint64 roleId)',
  'error AccessManagerUnauthorizedCall(address caller, address target, bytes4 selector)',
  'error ProxyDeniedAdminAccess()',
  'error UUPSUnauthorizedCallContext()',
  'error UUPSUnsupportedProxiableUUID(bytes32 slot)',
  'error ERC1967InvalidImplementation(address implementation)',
  'error ERC1967InvalidBeacon(address beacon)',
  'error BeaconInvalidImplementation(address implementation)',
  'error EnforcedPause()',
  'error ExpectedPause()',
  'error Unauthorized()',
  'error Unauthorized(address caller)',
  'error NotOwner()',
  'error NotAuthorized()',
  'error OnlyOwner()',
  'error CallerNotOwner()',
])

const contextErrors = new Set(['UUPSUnauthorizedCallContext'])

const accessErrorName = new RegExp(
  [
    '^(AccessControl|Ownable|AccessManaged|AccessManager)Unauthorized',
    '^ProxyDeniedAdminAccess$',
    'Unauthori[sz]ed$',
    '^Unauthori[sz]ed',
    'NotAuthori[sz]ed',
    '^Only[A-Z]',
    'Caller(Is)?Not',
    'Sender(Is)?Not',
    '^Not(The)?(Owner|Admin|Governance|Governor|Guardian|Pauser|Manager|Operator|Keeper|Controller|Timelock|Multisig|Council|Role|Allowed|Permitted|Authority|Emergency)',
    '^(Forbidden|AccessDenied|MissingRole|InvalidCaller|InvalidSender|PermissionDenied)$',
  ].join('|'),
)

const accessMessage = new RegExp(
  [
    'caller is not',
    'is missing role',
    'not[ _-](the[ _-])?(owner|admin|authori[sz]ed|governance|governor|guardian|pauser|manager|operator|keeper|allowed|permitted)',
    'unauthori[sz]ed',
    'forbidden',
    '(access|permission) denied',
    'only[ _-]?(the[ _-])?(owner|admin|governance|governor|guardian|pause guardian|pauser|manager|operator|keeper|emergency|multisig|dao|timelock)',
    // Yearn (`!authorized`, `!governance`), Safe (`GS031`: only the Safe itself), DSAuth
    '^!(auth\\w*|owner|governance|governor|guardian|admin|management|keeper)$',
    '^GS031$',
    '^ds-auth',
  ].join('|'),
  'i',
)

export function revertClass(revert: CallRevert): RevertClass {
  if (contextErrors.has(revert.name)) return 'context'
  if (revert.name === 'Error') return accessMessage.test(revert.message ?? '') ? 'access' : 'other'
  if (revert.name === 'Panic' || revert.name === 'unknown' || revert.name === 'revert' || revert.name === 'error') return 'other'
  return accessErrorName.test(revert.name) ? 'access' : 'other'
}

/**
 * What makes two reverts the same stop, whoever the caller: the error's selector, or its message
 * with addresses and hashes blanked (`AccessControl: account 0xabc… is missing role …` names the caller).
 */
export function revertKey(revert: CallRevert): string {
  if (revert.name === 'Error') return `Error:${(revert.message ?? '').replace(/0x[0-9a-fA-F]+/g, '0x…')}`
  if (!revert.data || revert.data === '0x') return revert.name
  return revert.data.slice(0, 10)
}

/** `Error(string)`'s message from raw revert data, whole (decodeRevert shortens long values). */
export function errorMessageOf(data: Hex | undefined): string | undefined {
  if (!data || !data.startsWith('0x08c379a0')) return undefined
  try {
    const decoded = decodeErrorResult({ abi: [], data })
    return decoded.errorName === 'Error' ? String(decoded.args?.[0] ?? '') : undefined
  } catch {
    return undefined
  }
}
