import { describe, expect, it } from 'vitest'
import { DomainError } from '../errors.ts'
import { STATUS_OF_KIND } from '../http/error-handler.ts'
import { authorizeErrorCode, loginReturnPath, resolveScope } from './policy.ts'
import { thrownBy } from '../test/harness.ts'

const errorOf = (fn: () => unknown) => thrownBy(fn, DomainError)

describe('scopes', () => {
  it('refuses scopes the page does not support, with a clear message', () => {
    const outMobile = errorOf(() => resolveScope('upapi_mobile', false))
    expect(STATUS_OF_KIND[outMobile.kind]).toBe(400)
    expect(outMobile.code).toBe('SCOPE_NOT_ALLOWED')
    expect(outMobile.message).toContain('upapi_login')
    expect(outMobile.message).toContain('upapi_user')
    expect(errorOf(() => resolveScope('upapi_contract', true)).message).toContain('/api/contract/authorize')
    expect(errorOf(() => resolveScope('snsapi_userinfo', true)).code).toBe('SCOPE_INVALID')
  })
})

describe('redirect paths (no open redirects)', () => {
  it('keeps same-origin paths with query and hash', () => {
    expect(loginReturnPath('/profile')).toBe('/profile')
    expect(loginReturnPath('/pay/result?id=1#top')).toBe('/pay/result?id=1#top')
    expect(loginReturnPath(undefined)).toBe('/')
  })

  it.each([
    'https://evil.com/x',
    '//evil.com',
    '/\\evil.com',
    'profile',
    'javascript:alert(1)',
    '/a\nb',
    `/${'x'.repeat(600)}`,
    '/.//evil.com',
    '/a/..//evil.com',
    '/%2e%2e//evil.com',
  ])('refuses %s', (bad) => {
    expect(errorOf(() => loginReturnPath(bad)).code).toBe('REDIRECT_NOT_ALLOWED')
  })

  it('never sends the user back into the OAuth endpoints', () => {
    expect(loginReturnPath('/api/oauth/callback?code=x')).toBe('/')
  })
})

describe('authorize errors', () => {
  it('passes on only a safe error code', () => {
    expect(authorizeErrorCode('user0001')).toBe('user0001')
    expect(authorizeErrorCode('')).toBe('unknown')
    expect(authorizeErrorCode('<b>请拨打 400</b>')).toBe('unknown')
  })
})
