import { describe, expect, it } from 'vitest'
import { type CallRevert, revertClass, revertKey } from './accessRevert.js'

const custom = (name: string): CallRevert => ({ name, text: `${name}()`, data: '0x12345678' })
const reason = (message: string): CallRevert => ({ name: 'Error', text: `Error("${message}")`, message, data: '0x08c379a0' })

describe('revertClass', () => {
  it.each([
    'AccessControlUnauthorizedAccount',
    'OwnableUnauthorizedAccount',
    'AccessManagedUnauthorized',
    'AccessManagerUnauthorizedCall',
    'Unauthorized',
    'NotOwner',
    'NotGuardian',
    'OnlyAdmin',
    'CallerNotOwner',
    'SenderIsNotVault',
    'ProxyDeniedAdminAccess',
  ])('reads the custom error %s as an access denial', (name) => {
    expect(revertClass(custom(name))).toBe('access')
  })

  it.each([
    'Ownable: caller is not the owner',
    'AccessControl: account 0x70997970c51812dc3a010c7d01b50e0d17dc79c8 is missing role 0x0000000000000000000000000000000000000000000000000000000000000000',
    'GS031',
    '!authorized',
    '!governance',
    'only admin can set borrow cap',
    'only pause guardian and admin can pause',
    'Vat/not-authorized',
    'ds-auth-unauthorized',
    'UNAUTHORIZED',
  ])('reads the reason "%s" as an access denial', (message) => {
    expect(revertClass(reason(message))).toBe('access')
  })

  it.each(['EnforcedPause', 'ExpectedPause', 'ERC1967InvalidImplementation', 'OwnableInvalidOwner', 'AccessControlBadConfirmation', 'AccessManagedRequiredDelay'])(
    'reads %s as a state or argument error, met after the access check',
    (name) => {
      expect(revertClass(custom(name))).toBe('other')
    },
  )

  it('reads UUPSUnauthorizedCallContext as the wrong address to call, not as a denied caller', () => {
    expect(revertClass(custom('UUPSUnauthorizedCallContext'))).toBe('context')
  })

  it('reads a revert without data and a plain reason as neither', () => {
    expect(revertClass({ name: 'revert', text: 'reverted without a reason', data: '0x' })).toBe('other')
    expect(revertClass(reason('deposits not paused'))).toBe('other')
    expect(revertClass(reason('limit: zero'))).toBe('other')
  })
})

describe('revertKey', () => {
  it('gives two callers refused by the same role check the same key, though the reason names each caller', () => {
    const a = reason('AccessControl: account 0x70997970c51812dc3a010c7d01b50e0d17dc79c8 is missing role 0x00')
    const b = reason('AccessControl: account 0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc is missing role 0x00')
    expect(revertKey(a)).toBe(revertKey(b))
  })
})
