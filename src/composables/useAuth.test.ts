import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { isCloudpayUserAgent } from '@/upsdk/env'
import { authorizeUrl, useAuth } from './useAuth'

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } })

describe('authorizeUrl / isCloudpayUserAgent', () => {
  it('builds the server route with scope and an encoded same-site redirect', () => {
    expect(authorizeUrl('upapi_mobile', '/profile?tab=1')).toBe(
      '/api/oauth/authorize?scope=upapi_mobile&redirect=%2Fprofile%3Ftab%3D1',
    )
    expect(authorizeUrl()).toBe('/api/oauth/authorize?scope=upapi_base&redirect=%2F')
    expect(authorizeUrl('upapi_base', 'https://evil.example/')).toBe(
      '/api/oauth/authorize?scope=upapi_base&redirect=%2F',
    )
    expect(authorizeUrl('upapi_base', '//evil.example/')).toContain('redirect=%2F')
  })

  it('detects the 云闪付 user agent', () => {
    expect(isCloudpayUserAgent('Mozilla/5.0 (iPhone) (com.unionpay.chsp) (cordova 4.5.4)')).toBe(true)
    expect(isCloudpayUserAgent('Mozilla/5.0 (Linux; Android 13) Chrome/120')).toBe(false)
  })
})

describe('useAuth', () => {
  beforeEach(() => {
    setActivePinia(createPinia())
    vi.unstubAllGlobals()
  })

  it('loads the session and reports the user', async () => {
    const fetch = vi.fn(async (_url: string) =>
      json(200, {
        openId: 'o+1/',
        scope: 'upapi_base',
        accessExpiresAt: 1,
        accessTokenValid: true,
        canReadMobile: false,
      }),
    )
    vi.stubGlobal('fetch', fetch)
    const auth = useAuth({ navigate: vi.fn() })
    expect(auth.loading.value).toBe(true)
    await vi.waitFor(() => expect(auth.isLoggedIn.value).toBe(true))
    expect(auth.user.value?.openId).toBe('o+1/')
    expect(fetch).toHaveBeenCalledTimes(1)
    expect(fetch.mock.calls[0]?.[0]).toBe('/api/me')
  })

  it('login leaves for the authorize route and comes back to the given path', () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => json(401, { error: { code: 'NOT_LOGGED_IN', message: '请先登录' } })),
    )
    const navigate = vi.fn()
    const auth = useAuth({ navigate, immediate: false })
    auth.login({ scope: 'upapi_mobile', redirect: '/profile' })
    expect(navigate).toHaveBeenCalledWith('/api/oauth/authorize?scope=upapi_mobile&redirect=%2Fprofile')
  })
})
