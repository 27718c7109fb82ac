import { describe, expect, it, vi } from 'vitest'
import { effectScope } from 'vue'
import { useUserInfo } from './useUserInfo'

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } })

describe('useUserInfo', () => {
  it('reads the mobile number and keeps the server error codes', async () => {
    const fetch = vi
      .fn()
      .mockResolvedValueOnce(json(200, { mobile: '13812345678' }))
      .mockResolvedValueOnce(
        json(403, {
          error: { code: 'SCOPE_NOT_GRANTED', message: '需要 upapi_auth', details: { requiredScope: 'upapi_auth' } },
        }),
      )
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
