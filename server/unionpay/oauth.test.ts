import { describe, expect, it } from 'vitest'
import { AppError } from '../http/errors.ts'
import {
  buildAuthorizeUrl,
  createState,
  decodeCode,
  authorizeErrorCode,
  isCloudpayUserAgent,
  rawQueryParam,
  resolveScope,
  safeRedirectPath,
  STATE_PATTERN,
} from './oauth.ts'

const CLOUDPAY_UA =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 16_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 (com.unionpay.chsp) (cordova 4.5.4) (updebug 0) (version 929) (UnionPay/1.0 CloudPay)'
const BASE = 'https://open.example.com'
const PUBLIC = 'https://h5.example.com'

function errorOf(fn: () => unknown): AppError {
  try {
    fn()
  } catch (err) {
    if (err instanceof AppError) return err
    throw err
  }
  throw new Error('expected an AppError')
}

describe('user agent', () => {
  it('recognises the 云闪付 WebView by (com.unionpay.chsp) or (com.unionpay.mobilepay)', () => {
    expect(isCloudpayUserAgent(CLOUDPAY_UA)).toBe(true)
    expect(isCloudpayUserAgent('Mozilla/5.0 (Linux; Android 13) (com.unionpay.mobilepay)')).toBe(true)
    expect(isCloudpayUserAgent('Mozilla/5.0 (Linux; Android 13) Chrome/120 Mobile Safari/537.36')).toBe(false)
    expect(isCloudpayUserAgent('com.unionpay.chsp without brackets')).toBe(false)
    expect(isCloudpayUserAgent(undefined)).toBe(false)
  })
})

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

  it('refuses scopes the page does not support, with a clear message', () => {
    const outMobile = errorOf(() => resolveScope('upapi_mobile', false))
    expect(outMobile.status).toBe(400)
    expect(outMobile.code).toBe('SCOPE_NOT_ALLOWED')
    expect(outMobile.message).toContain('upapi_login')
    expect(outMobile.message).toContain('upapi_user')
    expect(errorOf(() => resolveScope('upapi_contract', true)).message).toContain('/api/contract/authorize')
    expect(errorOf(() => resolveScope('snsapi_userinfo', true)).code).toBe('SCOPE_INVALID')
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

describe('redirect paths (no open redirects)', () => {
  it('keeps same-origin paths with query and hash', () => {
    expect(safeRedirectPath('/profile')).toBe('/profile')
    expect(safeRedirectPath('/pay/result?id=1#top')).toBe('/pay/result?id=1#top')
    expect(safeRedirectPath(undefined)).toBe('/')
  })

  it.each(['https://evil.com/x', '//evil.com', '/\\evil.com', 'profile', 'javascript:alert(1)', '/a\nb', `/${'x'.repeat(600)}`, '/.//evil.com', '/a/..//evil.com', '/%2e%2e//evil.com'])(
    'refuses %s',
    (bad) => {
      expect(errorOf(() => safeRedirectPath(bad)).code).toBe('REDIRECT_NOT_ALLOWED')
    },
  )

  it('never sends the user back into the OAuth endpoints', () => {
    expect(safeRedirectPath('/api/oauth/callback?code=x')).toBe('/')
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

describe('authorize errors', () => {
  it('passes on only a safe error code', () => {
    expect(authorizeErrorCode('user0001')).toBe('user0001')
    expect(authorizeErrorCode('')).toBe('unknown')
    expect(authorizeErrorCode('<b>请拨打 400</b>')).toBe('unknown')
  })
})
