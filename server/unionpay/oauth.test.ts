import { describe, expect, it } from 'vitest'
import { DomainError } from '../errors.ts'
import { rawQueryParam } from '../http/raw-query.ts'
import { resolveScope } from '../oauth/policy.ts'
import { buildAuthorizeUrl, createState, decodeCode, STATE_PATTERN } from './oauth.ts'
import { thrownBy } from '../test/harness.ts'

const BASE = 'https://open.example.com'
const PUBLIC = 'https://h5.example.com'

const errorOf = (fn: () => unknown) => thrownBy(fn, DomainError)

describe('authorize URL per user agent and scope', () => {
  const input = { baseUrl: BASE, appId: 'app1', redirectUri: `${PUBLIC}/api/oauth/callback`, state: 'abc123' }

  it('sends 云闪付 users to the in-app page with every parameter', () => {
    const url = new URL(buildAuthorizeUrl({ ...input, scope: resolveScope('upapi_mobile', true), inApp: true }))
    expect(url.origin + url.pathname).toBe(`${BASE}/s/open/html/oauth.html`)
    expect(Object.fromEntries(url.searchParams)).toEqual({
      appId: 'app1',
      redirectUri: `${PUBLIC}/api/oauth/callback`,
      responseType: 'code',
      scope: 'upapi_mobile',
      state: 'abc123',
    })
    expect(buildAuthorizeUrl({ ...input, scope: 'upapi_base', inApp: true })).toContain(
      `redirectUri=${encodeURIComponent(`${PUBLIC}/api/oauth/callback`)}`,
    )
  })

  it('sends other browsers to the outApp page with the out-of-app scope names', () => {
    const url = new URL(buildAuthorizeUrl({ ...input, scope: resolveScope('upapi_base', false), inApp: false }))
    expect(url.pathname).toBe('/s/open/auth/outApp/html/outLogin.html')
    expect(url.searchParams.get('scope')).toBe('upapi_login')
    expect(resolveScope('upapi_auth', false)).toBe('upapi_user')
    expect(resolveScope('upapi_login', false)).toBe('upapi_login')
    expect(resolveScope('upapi_user', false)).toBe('upapi_user')
  })

  it('defaults to upapi_base and maps the out-of-app names back in the app', () => {
    expect(resolveScope(undefined, true)).toBe('upapi_base')
    expect(resolveScope('', false)).toBe('upapi_login')
    expect(resolveScope('upapi_login', true)).toBe('upapi_base')
    expect(resolveScope('upapi_user', true)).toBe('upapi_auth')
  })
})

describe('state', () => {
  it('is 32 random characters of a-zA-Z0-9', () => {
    const a = createState()
    expect(a).toMatch(/^[A-Za-z0-9]{32}$/)
    expect(STATE_PATTERN.test(a)).toBe(true)
    expect(createState()).not.toBe(a)
    expect(STATE_PATTERN.test('a'.repeat(129))).toBe(false)
    expect(STATE_PATTERN.test('ab-c')).toBe(false)
  })
})

describe('code decoding', () => {
  const code = 'ab+cd/ef=='

  it('decodes an encodeURIComponent code, keeping + / =', () => {
    const url = `/api/oauth/callback?code=${encodeURIComponent(code)}&state=s1`
    expect(rawQueryParam(url, 'code')).toBe('ab%2Bcd%2Fef%3D%3D')
    expect(decodeCode(rawQueryParam(url, 'code') ?? '')).toBe(code)
  })

  it('keeps a raw + that was not encoded (a form decoder would make it a space)', () => {
    expect(decodeCode('ab+cd/ef==')).toBe(code)
    expect(new URLSearchParams('code=ab+cd').get('code')).toBe('ab cd')
  })

  it('undoes a double encoding and turns spaces back into +', () => {
    expect(decodeCode(encodeURIComponent(encodeURIComponent(code)))).toBe(code)
    expect(decodeCode('ab%20cd%2Fef%3D%3D')).toBe(code)
  })

  it('refuses malformed codes', () => {
    expect(errorOf(() => decodeCode('%E0%A4%A')).code).toBe('CODE_INVALID')
    expect(errorOf(() => decodeCode('<script>')).code).toBe('CODE_INVALID')
  })
})
