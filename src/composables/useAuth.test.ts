import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { effectScope } from 'vue'
import { authorizeUrl, isInCloudpay, useAuth, useUserInfo } from './useAuth'

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } })

describe('authorizeUrl / isInCloudpay', () => {
  it('builds the server route with scope and an encoded same-site redirect', () => {
    expect(authorizeUrl('upapi_mobile', '/profile?tab=1')).toBe('/api/oauth/authorize?scope=upapi_mobile&redirect=%2Fprofile%3Ftab%3D1')
    expect(authorizeUrl()).toBe('/api/oauth/authorize?scope=upapi_base&redirect=%2F')
    expect(authorizeUrl('upapi_base', 'https://evil.example/')).toBe('/api/oauth/authorize?scope=upapi_base&redirect=%2F')
    expect(authorizeUrl('upapi_base', '//evil.example/')).toContain('redirect=%2F')
  })

  it('detects the 云闪付 user agent', () => {
    expect(isInCloudpay('Mozilla/5.0 (iPhone) (com.unionpay.chsp) (cordova 4.5.4)')).toBe(true)
    expect(isInCloudpay('Mozilla/5.0 (Linux; Android 13) Chrome/120')).toBe(false)
  })
})

describe('useAuth', () => {
  beforeEach(() => {
    setActivePinia(createPinia())
    vi.unstubAllGlobals()
  })

  it('loads the session and reports the user', async () => {
    const fetch = vi.fn(async (_url: string) => json(200, { openId: 'o+1/', scope: 'upapi_base', accessExpiresAt: 1, accessTokenValid: true, canReadMobile: false }))
    vi.stubGlobal('fetch', fetch)
    const auth = useAuth({ navigate: vi.fn() })
    expect(auth.loading.value).toBe(true)
    await vi.waitFor(() => expect(auth.isLoggedIn.value).toBe(true))
    expect(auth.user.value?.openId).toBe('o+1/')
    expect(fetch).toHaveBeenCalledTimes(1)
    expect(fetch.mock.calls[0]?.[0]).toBe('/api/me')
  })

  it('login leaves for the authorize route and comes back to the given path', () => {
    vi.stubGlobal('fetch', vi.fn(async () => json(401, { error: { code: 'NOT_LOGGED_IN', message: '请先登录' } })))
    const navigate = vi.fn()
    const auth = useAuth({ navigate, immediate: false })
    auth.login({ scope: 'upapi_mobile', redirect: '/profile' })
    expect(navigate).toHaveBeenCalledWith('/api/oauth/authorize?scope=upapi_mobile&redirect=%2Fprofile')
  })
})

describe('useUserInfo', () => {
  it('reads the mobile number and keeps the server error codes', async () => {
    const fetch = vi
      .fn()
      .mockResolvedValueOnce(json(200, { mobile: '13812345678' }))
      .mockResolvedValueOnce(json(403, { error: { code: 'SCOPE_NOT_GRANTED', message: '需要 upapi_auth', details: { requiredScope: 'upapi_auth' } } }))
    const scope = effectScope()
    const info = scope.run(() => useUserInfo({ fetch }))!
    await info.loadMobile()
    expect(info.mobile.value).toBe('13812345678')
    expect(fetch.mock.calls[0]?.[0]).toBe('/api/me/mobile')
    expect(fetch.mock.calls[0]?.[1]).toMatchObject({ method: 'POST' })
    await info.loadIdentity()
    expect(info.identity.value).toBeNull()
    expect(info.identityError.value?.code).toBe('SCOPE_NOT_GRANTED')
    expect(info.identityError.value?.details.requiredScope).toBe('upapi_auth')
    scope.stop()
    expect(info.mobile.value).toBeNull()
  })

  it('turns a network failure into a readable error', async () => {
    const info = useUserInfo({ fetch: vi.fn().mockRejectedValue(new TypeError('Failed to fetch')) })
    await info.loadMobile()
    expect(info.mobileError.value?.code).toBe('NETWORK')
    expect(info.mobileError.value?.message).toContain('网络')
  })
})
